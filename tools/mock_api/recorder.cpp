#include "recorder.hpp"

#include <boost/json/serialize.hpp>

namespace sluice::tools::mock_api {

void Recorder::record(std::string method, std::string target, boost::json::object headers,
                      std::string body) {
  boost::json::object entry{{"method", std::move(method)},
                            {"target", std::move(target)},
                            {"headers", std::move(headers)},
                            {"body", std::move(body)}};
  std::lock_guard lock(mutex_);
  ++count_;
  if (kept_.size() < kMaxKept) kept_.push_back(std::move(entry));
}

std::string Recorder::json() const {
  std::lock_guard lock(mutex_);
  return boost::json::serialize(boost::json::object{{"count", count_}, {"requests", kept_}});
}

void Recorder::reset() {
  std::lock_guard lock(mutex_);
  count_ = 0;
  kept_.clear();
}

}  // namespace sluice::tools::mock_api
