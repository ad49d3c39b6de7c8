// Concurrency as declared: a connection declared SLUICE_THREAD_SAFE_CONNECTION is called from
// several threads at once (connection_ping twice and, for an exporter given --export, a page of
// each of two exports opened on it), as the host may; each call must return a status (with a
// message when not OK) instead of crashing, and every handle is closed once by the driver.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "check_context.hpp"

namespace sluice::testing::detail {

namespace {

constexpr auto kTimeout = std::chrono::seconds(10);

struct RaceCall {
  const char* name;
  std::function<sluice_status(sluice_call*)> run;
  bool wants_result;
};

struct RaceOutcome {
  sluice_status status = SLUICE_OK;
  bool threw = false;
  CallRecord record;
};

// Shared with the threads, so that it outlives the check should a call never return.
struct Race {
  std::mutex mutex;
  std::condition_variable cv;
  size_t ready = 0;
  size_t finished = 0;
  std::vector<RaceOutcome> outcomes;
};

// Runs every call on its own thread, all released together. False when one did not return
// within kTimeout (its thread is left detached).
bool race(RecordingHost& host, const std::vector<RaceCall>& calls,
          std::vector<RaceOutcome>& outcomes) {
  auto shared = std::make_shared<Race>();
  shared->outcomes.resize(calls.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < calls.size(); ++i) {
    threads.emplace_back([shared, &host, run = calls[i].run, i, n = calls.size()] {
      {
        std::unique_lock lock(shared->mutex);
        ++shared->ready;
        shared->cv.notify_all();
        shared->cv.wait_for(lock, kTimeout, [&] { return shared->ready == n; });
      }
      RaceOutcome outcome;
      sluice_call* call = host.begin_call();
      try {
        outcome.status = run(call);
        outcome.record = host.record(call);
      } catch (...) {
        outcome.threw = true;
      }
      std::lock_guard lock(shared->mutex);
      shared->outcomes[i] = std::move(outcome);
      ++shared->finished;
      shared->cv.notify_all();
    });
  }
  bool all_returned;
  {
    std::unique_lock lock(shared->mutex);
    all_returned =
        shared->cv.wait_for(lock, kTimeout, [&] { return shared->finished == calls.size(); });
    if (all_returned) outcomes = shared->outcomes;
  }
  for (std::thread& t : threads) {
    if (all_returned) {
      t.join();
    } else {
      t.detach();
    }
  }
  return all_returned;
}

}  // namespace

CheckResult check_concurrent_calls(CheckContext& c) {
  const sluice_connector_descriptor& d = *c.connector;
  const bool declared = SLUICE_HAS_FIELD(&d, sluice_connector_descriptor, threading) &&
                        (d.threading & SLUICE_THREAD_SAFE_CONNECTION) != 0;
  if (!declared) {
    return skip(
        "the connector does not declare SLUICE_THREAD_SAFE_CONNECTION: the host serialises "
        "calls on this connection");
  }
  if (c.connection == nullptr) {
    return skip(
        "pass a connection document (--connection FILE) the connector accepts to call it from "
        "two threads at once");
  }
  const sluice_connector_api* api = d.api;
  sluice_connection* connection = c.connection;
  std::vector<RaceCall> calls;
  if (api->connection_ping != nullptr) {
    for (int i = 0; i < 2; ++i) {
      calls.push_back(
          {"connection_ping",
           [api, connection](sluice_call* call) { return api->connection_ping(call, connection); },
           false});
    }
  }
  std::vector<sluice_export*> exports;
  if (capabilities_of(d).exports && !c.inputs.export_json.empty()) {
    for (int i = 0; i < 2; ++i) {
      auto exp = c.driver->open_export(connection, c.inputs.export_json);
      if (!exp) {
        for (sluice_export* e : exports) c.driver->close(e);
        return fail("a second export on one connection did not open: " + exp.error().message);
      }
      exports.push_back(*exp);
      calls.push_back(
          {"export_next_page",
           [api, e = *exp](sluice_call* call) { return api->export_next_page(call, e); }, true});
    }
  }
  if (calls.empty()) return skip("the connector has no call to make on an open connection");

  std::vector<RaceOutcome> outcomes;
  if (!race(c.host, calls, outcomes)) {
    return fail(std::to_string(calls.size()) +
                " calls made at once on one connection did not all return within " +
                std::to_string(kTimeout.count()) +
                " s (a deadlock?); the connector declares SLUICE_THREAD_SAFE_CONNECTION, so the "
                "host makes such calls at the same time");
  }
  for (sluice_export* e : exports) c.driver->close(e);

  const std::string overlap =
      " while " + std::to_string(calls.size() - 1) + " other call(s) ran on the same connection";
  const std::string remedy =
      "; the connector declares SLUICE_THREAD_SAFE_CONNECTION, so the host makes such calls at "
      "the same time: guard the shared state, or drop the flag and the host serialises them";
  for (size_t i = 0; i < calls.size(); ++i) {
    const RaceOutcome& o = outcomes[i];
    const std::string name = calls[i].name;
    if (o.threw) return fail(name + " let an exception escape" + overlap + remedy);
    if (o.status == SLUICE_INTERNAL) {
      return fail(name + " returned SLUICE_INTERNAL" + overlap + ": " +
                  (o.record.error_message.empty() ? "(no message)" : o.record.error_message) +
                  remedy);
    }
    if (o.status != SLUICE_OK && o.record.error_message.empty()) {
      return fail(name + " returned " + status_name(o.status) + " without a message" + overlap +
                  remedy);
    }
    if (o.status == SLUICE_OK && calls[i].wants_result && !o.record.has_result) {
      return fail(name + " returned SLUICE_OK without a page" + overlap + remedy);
    }
  }
  return pass("made " + std::to_string(calls.size()) + " calls at once on one connection (" +
              (exports.empty() ? "connection_ping twice"
                               : "connection_ping twice, export_next_page on two exports") +
              "); each returned");
}

}  // namespace sluice::testing::detail
