// A cap on the requests in flight per connection, shared by every client of the process that
// names the same connection: the HTTP plugin is loaded once per host process, and every flow
// that runs on a connection opens its own Client, so the cap (http.concurrencyLevel) has to
// live beside them, not in any one of them.
//
//   auto gate = RequestGate::for_key("connection:api", {.concurrency = 3});
//   auto permit = gate->enter(context, "GET https://api.example.com/orders");
//   if (!permit) return permit.error();  // kCancelled, or kTransient when no slot came free
//   ... send the request; the slot is given back when `permit` is destroyed ...
//
// Thread-safe: every member may be called from any thread at once.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "sluice/context.hpp"
#include "sluice/result.hpp"

namespace sluice::support::http {

struct GateOptions {
  // Requests in flight at most; values below 1 count as 1.
  int concurrency = 1;
  // The least time between the starts of two requests (http.rateLimit.limit); 0: none.
  std::chrono::milliseconds min_interval{0};
  // How long enter() waits for a slot before it gives up (kTransient).
  std::chrono::milliseconds max_wait{std::chrono::minutes(10)};
};

// Always owned by a std::shared_ptr (for_key(), or std::make_shared in tests).
class RequestGate : public std::enable_shared_from_this<RequestGate> {
 public:
  // Holds one slot of its gate until destroyed (or moved from). The gate outlives its permits.
  class Permit {
   public:
    Permit() = default;
    explicit Permit(std::shared_ptr<RequestGate> gate) : gate_(std::move(gate)) {}
    Permit(Permit&&) noexcept = default;
    Permit& operator=(Permit&& other) noexcept {
      if (this != &other) {
        release();
        gate_ = std::move(other.gate_);
      }
      return *this;
    }
    ~Permit() { release(); }

   private:
    void release() noexcept;
    std::shared_ptr<RequestGate> gate_;
  };

  // The gate of `key` (e.g. the connection's _id), created on first use and shared with every
  // caller that asks for the same key while any of them holds it. Its options become `options`
  // (the latest caller's: a connection edited between two runs takes its new cap at once;
  // waiters are woken to see it).
  static std::shared_ptr<RequestGate> for_key(const std::string& key, const GateOptions& options);

  explicit RequestGate(GateOptions options);
  RequestGate(const RequestGate&) = delete;
  RequestGate& operator=(const RequestGate&) = delete;

  // Waits until fewer than options().concurrency requests hold a slot (and min_interval has
  // passed since the previous start), then takes one. Checks context.cancelled() at least every
  // 50 ms while it waits. Errors: kCancelled; kTransient after options().max_wait, naming `what`,
  // the cap and what to do.
  Result<Permit> enter(Context& context, std::string_view what);

  // The slots held now, and the most ever held at once (for tests and metrics).
  int in_flight() const;
  int max_in_flight() const;
  GateOptions options() const;

 private:
  void set_options(const GateOptions& options);
  void leave() noexcept;

  mutable std::mutex mutex_;
  std::condition_variable freed_;
  GateOptions options_;
  int in_flight_ = 0;
  int max_in_flight_ = 0;
  std::chrono::steady_clock::time_point next_start_{};
};

}  // namespace sluice::support::http
