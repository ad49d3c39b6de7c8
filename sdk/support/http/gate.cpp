#include "sluice/support/http/gate.hpp"

#include <algorithm>
#include <unordered_map>

namespace sluice::support::http {

namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

constexpr milliseconds kCancelPoll{50};

std::string duration_text(milliseconds ms) {
  if (ms.count() % 1000 == 0) return std::to_string(ms.count() / 1000) + " s";
  return std::to_string(ms.count()) + " ms";
}

GateOptions normalized(GateOptions options) {
  options.concurrency = std::max(options.concurrency, 1);
  options.min_interval = std::max(options.min_interval, milliseconds(0));
  return options;
}

}  // namespace

void RequestGate::Permit::release() noexcept {
  if (gate_) {
    gate_->leave();
    gate_.reset();
  }
}

std::shared_ptr<RequestGate> RequestGate::for_key(const std::string& key,
                                                  const GateOptions& options) {
  static std::mutex registry_mutex;
  static std::unordered_map<std::string, std::weak_ptr<RequestGate>> registry;
  std::lock_guard lock(registry_mutex);
  // Forget the gates nobody holds any more, so the map stays as small as the live connections.
  std::erase_if(registry, [](const auto& entry) { return entry.second.expired(); });
  if (auto gate = registry[key].lock()) {
    gate->set_options(options);
    return gate;
  }
  auto gate = std::make_shared<RequestGate>(options);
  registry[key] = gate;
  return gate;
}

RequestGate::RequestGate(GateOptions options) : options_(normalized(options)) {}

void RequestGate::set_options(const GateOptions& options) {
  {
    std::lock_guard lock(mutex_);
    options_ = normalized(options);
  }
  freed_.notify_all();
}

Result<RequestGate::Permit> RequestGate::enter(Context& context, std::string_view what) {
  std::unique_lock lock(mutex_);
  const auto deadline = Clock::now() + options_.max_wait;
  while (true) {
    if (context.cancelled()) {
      return make_error(Status::kCancelled,
                        std::string(what) + ": cancelled while waiting for a free request slot");
    }
    const auto now = Clock::now();
    if (in_flight_ < options_.concurrency && now >= next_start_) break;
    if (now >= deadline) {
      return make_error(
          Status::kTransient,
          std::string(what) + ": no request slot of the connection came free within " +
              duration_text(options_.max_wait) + " (all " + std::to_string(options_.concurrency) +
              " of http.concurrencyLevel in use by other requests); retry later, or raise "
              "http.concurrencyLevel if the API allows more requests at once");
    }
    auto wake = std::min(deadline, now + kCancelPoll);
    if (in_flight_ < options_.concurrency) wake = std::min(wake, next_start_);
    freed_.wait_until(lock, wake);
  }
  ++in_flight_;
  max_in_flight_ = std::max(max_in_flight_, in_flight_);
  if (options_.min_interval.count() > 0) next_start_ = Clock::now() + options_.min_interval;
  return Permit(shared_from_this());
}

void RequestGate::leave() noexcept {
  {
    std::lock_guard lock(mutex_);
    --in_flight_;
  }
  freed_.notify_one();
}

int RequestGate::in_flight() const {
  std::lock_guard lock(mutex_);
  return in_flight_;
}

int RequestGate::max_in_flight() const {
  std::lock_guard lock(mutex_);
  return max_in_flight_;
}

GateOptions RequestGate::options() const {
  std::lock_guard lock(mutex_);
  return options_;
}

}  // namespace sluice::support::http
