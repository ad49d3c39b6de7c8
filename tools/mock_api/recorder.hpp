// Every request the mock API receives under /api/, as it arrived, so that tests can assert the
// exact request line, headers and body a client sent (GET /_mock/requests). Thread-safe.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

namespace sluice::tools::mock_api {

class Recorder {
 public:
  // At most this many requests are kept; later ones are counted but not kept, so a benchmark
  // against the mock cannot grow it without bound.
  static constexpr size_t kMaxKept = 10'000;

  // `target` is the request target as sent (path and query, percent-encoding untouched);
  // `headers` {lower-case name: value} (a repeated header keeps its last value).
  void record(std::string method, std::string target, boost::json::object headers,
              std::string body);

  // {"count":N,"requests":[{"method","target","headers","body"},...]} in arrival order.
  std::string json() const;

  void reset();

 private:
  mutable std::mutex mutex_;
  size_t count_ = 0;
  boost::json::array kept_;
};

}  // namespace sluice::tools::mock_api
