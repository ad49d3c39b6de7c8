// The per-connection request gate: its cap, its registry, its bounded and cancellable waits.
#include "sluice/support/http/gate.hpp"

#include <atomic>
#include <future>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace sluice::support::http {
namespace {

using namespace std::chrono_literals;

Context no_host() { return Context(nullptr, nullptr); }

TEST(RequestGate, AtMostConcurrencyPermitsAreHeldAtOnceAndWaitersGoOnWhenOneIsFreed) {
  auto gate = std::make_shared<RequestGate>(GateOptions{.concurrency = 3});
  std::vector<RequestGate::Permit> held;
  Context context = no_host();
  for (int i = 0; i < 3; ++i) {
    auto permit = gate->enter(context, "GET /x");
    ASSERT_TRUE(permit) << permit.error().message;
    held.push_back(std::move(*permit));
  }
  EXPECT_EQ(gate->in_flight(), 3);
  std::atomic<bool> entered{false};
  std::thread waiter([&] {
    Context waiting = no_host();
    auto permit = gate->enter(waiting, "GET /y");
    entered = permit.has_value();
  });
  // The waiter cannot enter before a slot is freed: it is still waiting here, whatever the
  // scheduling, because three permits are held.
  EXPECT_EQ(gate->in_flight(), 3);
  held.pop_back();
  waiter.join();
  EXPECT_TRUE(entered);
  EXPECT_EQ(gate->max_in_flight(), 3);
  held.clear();
  EXPECT_EQ(gate->in_flight(), 0);
}

TEST(RequestGate, TheSameKeyIsOneGateAcrossCallersAndTakesTheLatestOptions) {
  auto first = RequestGate::for_key("gate-test:a", {.concurrency = 2});
  auto second = RequestGate::for_key("gate-test:a", {.concurrency = 5});
  auto other = RequestGate::for_key("gate-test:b", {.concurrency = 2});
  EXPECT_EQ(first, second);
  EXPECT_NE(first, other);
  EXPECT_EQ(first->options().concurrency, 5);
}

TEST(RequestGate, AGateNobodyHoldsIsForgottenAndMadeAfreshOnNextUse) {
  std::weak_ptr<RequestGate> old = RequestGate::for_key("gate-test:c", {.concurrency = 2});
  EXPECT_TRUE(old.expired());
  auto again = RequestGate::for_key("gate-test:c", {.concurrency = 4});
  EXPECT_EQ(again->options().concurrency, 4);
}

TEST(RequestGate, AWaitGivesUpAfterMaxWaitNamingTheRequestAndTheCap) {
  auto gate = std::make_shared<RequestGate>(GateOptions{.concurrency = 1, .max_wait = 20ms});
  Context context = no_host();
  auto held = gate->enter(context, "GET /x");
  ASSERT_TRUE(held);
  auto waited = gate->enter(context, "POST https://api.example.com/orders");
  ASSERT_FALSE(waited);
  EXPECT_EQ(waited.error().status, Status::kTransient);
  EXPECT_EQ(waited.error().message,
            "POST https://api.example.com/orders: no request slot of the connection came free "
            "within 20 ms (all 1 of http.concurrencyLevel in use by other requests); retry later, "
            "or raise http.concurrencyLevel if the API allows more requests at once");
}

std::atomic<bool> g_cancelled{false};
int32_t is_cancelled(sluice_call*) { return g_cancelled ? 1 : 0; }

TEST(RequestGate, AWaitEndsWhenTheJobIsCancelled) {
  auto gate = std::make_shared<RequestGate>(GateOptions{.concurrency = 1});
  Context context = no_host();
  auto held = gate->enter(context, "GET /x");
  ASSERT_TRUE(held);
  sluice_host_api host{};
  host.struct_size = sizeof host;
  host.is_cancelled = &is_cancelled;
  g_cancelled = false;
  auto waited = std::async(std::launch::async, [&] {
    Context cancellable(&host, nullptr);
    return gate->enter(cancellable, "GET /y");
  });
  g_cancelled = true;
  auto result = waited.get();  // bounded: the wait polls cancellation every 50 ms
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().status, Status::kCancelled);
  EXPECT_EQ(result.error().message, "GET /y: cancelled while waiting for a free request slot");
}

TEST(RequestGate, AMinimumIntervalSpacesTheStartsOfSuccessiveRequests) {
  auto gate = std::make_shared<RequestGate>(GateOptions{.concurrency = 1, .min_interval = 30ms});
  Context context = no_host();
  std::vector<std::chrono::steady_clock::time_point> starts;
  for (int i = 0; i < 3; ++i) {
    auto permit = gate->enter(context, "GET /x");
    ASSERT_TRUE(permit);
    starts.push_back(std::chrono::steady_clock::now());
  }
  // A lower bound only: the gate never lets a request start early (a slow machine only widens
  // the gaps).
  EXPECT_GE(starts[1] - starts[0], 30ms);
  EXPECT_GE(starts[2] - starts[1], 30ms);
}

}  // namespace
}  // namespace sluice::support::http
