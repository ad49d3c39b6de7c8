// Every plugin call runs under the deadline of its kind: a call that does not return fails the
// job naming the plugin, the call and the deadline, and the handle is never called again. The
// memory plugin's stalled calls ignore cancellation, as a hung plugin would; TearDown releases
// them so their threads end before the process does.
#include <stdlib.h>

#include <chrono>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "flow_fixture.hpp"
#include "plugins/call_limits.hpp"
#include "plugins/connector_client.hpp"

namespace sluice::limits_test {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

class Deadlines : public FlowFixture {};

TEST_F(Deadlines, ANextPageThatNeverReturnsFailsTheJobAtItsDeadline) {
  put_flow(*store_, {{"count", 4}, {"stall", true}}, {});
  runtime::RunOptions options;
  options.limits.export_next_page = 1s;
  const host::Job job = run(options);
  EXPECT_EQ(job.status, "failed");
  EXPECT_EQ(job.message,
            "export e failed: export e: plugin 'memory' did not return from export_next_page "
            "within 1 s (the deadline for that call); the job stops and leaves the call running — "
            "if the application behind it is only slow, raise the deadline with "
            "SLUICE_CALL_DEADLINE_NEXT_PAGE=SECONDS; if the plugin hangs, report it to its author");
  EXPECT_EQ(job.num_export, 0);
}

TEST_F(Deadlines, ASubmitThatNeverReturnsFailsTheJobAndItsPageBecomesErrors) {
  put_flow(*store_, {{"count", 4}, {"pagesOf", 2}}, {{"stall", true}});
  runtime::RunOptions options;
  options.limits.import_submit = 1s;
  const host::Job job = run(options);
  EXPECT_EQ(job.status, "failed");
  EXPECT_EQ(job.message,
            "import i failed: import i: plugin 'memory' did not return from import_submit within "
            "1 s (the deadline for that call); the job stops and leaves the call running — if the "
            "application behind it is only slow, raise the deadline with "
            "SLUICE_CALL_DEADLINE_SUBMIT=SECONDS; if the plugin hangs, report it to its author. "
            "What is known: 2 records confirmed (success 0, ignored 0, errors 2); none in flight; "
            "the records the export had not produced yet were not sent anywhere. To continue "
            "after the last confirmed page, run `sluice flow run f --resume`");
  EXPECT_EQ(job.num_export, 2);
  EXPECT_EQ(job.num_error, 2);
  EXPECT_EQ(job.num_success, 0);
}

TEST_F(Deadlines, TheJobsCancellationReachesACallInProgress) {
  put_flow(*store_, {{"count", 4}, {"waitForCancel", true}}, {});
  std::atomic<bool> cancel{false};
  auto waiting = plugin_function<int()>("sluice_test_memory_waiting_calls");
  std::thread canceller([&] {
    // Bounded: at most 10 s for the export to be inside next_page.
    for (int i = 0; i < 2000 && waiting() == 0; ++i) std::this_thread::sleep_for(5ms);
    cancel = true;
  });
  runtime::RunOptions options;
  options.cancelled = &cancel;
  const host::Job job = run(options);
  canceller.join();
  EXPECT_EQ(job.status, "canceled");
  EXPECT_EQ(job.message, "canceled by the operator");
  EXPECT_EQ(waiting(), 0) << "the plugin is still waiting: it never saw the cancellation";
}

TEST_F(Deadlines, AnAbandonedHandleIsNotCalledAgain) {
  auto connector = registry_.connector_for(json::object{{"type", "memory"}});
  ASSERT_TRUE(connector) << connector.error().message;
  host::CallLimits limits;
  limits.export_next_page = 200ms;
  auto connection =
      host::RemoteConnection::open(**connector, "{}", "connection m", nullptr, limits);
  ASSERT_TRUE(connection) << connection.error().message;
  auto exp = (*connection)->open_export(R"({"memory":{"stall":true}})", "null", "export s");
  ASSERT_TRUE(exp) << exp.error().message;
  auto first = (*exp)->next_page();
  ASSERT_FALSE(first);
  EXPECT_EQ(first.error().status, Status::kInternal);
  EXPECT_THAT(first.error().message,
              HasSubstr("export s: plugin 'memory' did not return from export_next_page within "
                        "200 ms (the deadline for that call)"));
  EXPECT_TRUE((*exp)->abandoned());
  auto second = (*exp)->next_page();
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().message,
            "export s: export_next_page was not called: an earlier call into plugin 'memory' did "
            "not return within its deadline");
  // The connection still answers: only the export was left behind.
  EXPECT_TRUE((*connection)->ping());
}

TEST_F(Deadlines, AConnectionThatNeverOpensFailsTheJobAtItsDeadline) {
  put_flow(*store_, {{"count", 4}}, {});
  ASSERT_TRUE(
      store_->put_resources({{host::ResourceKind::kConnection,
                              "mem",
                              {{"_id", "mem"}, {"type", "memory"}, {"memory", {{"stall", true}}}},
                              {}}}));
  runtime::RunOptions options;
  options.limits.connection_open = 1s;
  const host::Job job = run(options);
  EXPECT_EQ(job.status, "failed");
  EXPECT_EQ(job.message,
            "export e: connection mem: plugin 'memory' did not return from connection_open within "
            "1 s (the deadline for that call); the job stops and leaves the call running — if the "
            "application behind it is only slow, raise the deadline with "
            "SLUICE_CALL_DEADLINE_CONNECT=SECONDS; if the plugin hangs, report it to its author");
}

TEST_F(Deadlines, ACloseThatNeverReturnsIsLeftBehindAndItsConnectionIsNotClosed) {
  auto connector = registry_.connector_for(json::object{{"type", "memory"}});
  ASSERT_TRUE(connector) << connector.error().message;
  auto waiting = plugin_function<int()>("sluice_test_memory_waiting_calls");
  auto closed = plugin_function<int()>("sluice_test_memory_closed_connections");
  host::CallLimits limits;
  limits.close = 200ms;
  auto connection =
      host::RemoteConnection::open(**connector, "{}", "connection m", nullptr, limits);
  ASSERT_TRUE(connection) << connection.error().message;
  auto exp = (*connection)->open_export(R"({"memory":{"stallClose":true}})", "null", "export s");
  ASSERT_TRUE(exp) << exp.error().message;
  EXPECT_TRUE((*exp)->next_page());
  exp->reset();  // returns after the close deadline, the plugin still closing the export
  EXPECT_EQ(waiting(), 1);
  const int closed_before = closed();
  connection->reset();  // not closed: the export may still be using it
  EXPECT_EQ(closed(), closed_before);
  EXPECT_EQ(waiting(), 1);
}

TEST_F(Deadlines, AConnectionWhoseHandlesAllReturnedIsClosed) {
  auto connector = registry_.connector_for(json::object{{"type", "memory"}});
  ASSERT_TRUE(connector) << connector.error().message;
  auto closed = plugin_function<int()>("sluice_test_memory_closed_connections");
  auto connection = host::RemoteConnection::open(**connector, "{}", "connection m", nullptr);
  ASSERT_TRUE(connection) << connection.error().message;
  auto exp = (*connection)->open_export("{}", "null", "export s");
  ASSERT_TRUE(exp) << exp.error().message;
  EXPECT_TRUE((*exp)->next_page());
  exp->reset();
  const int closed_before = closed();
  connection->reset();
  EXPECT_EQ(closed(), closed_before + 1);
}

class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) { ::setenv(name, value, 1); }
  ~ScopedEnv() { ::unsetenv(name_); }

 private:
  const char* name_;
};

TEST(CallLimits, DefaultsAreGenerous) {
  const host::CallLimits limits;
  EXPECT_EQ(limits.connection_open, 60s);
  EXPECT_EQ(limits.connection_ping, 60s);
  EXPECT_EQ(limits.export_open, 60s);
  EXPECT_EQ(limits.export_next_page, 300s);
  EXPECT_EQ(limits.import_open, 60s);
  EXPECT_EQ(limits.import_submit, 300s);
  EXPECT_EQ(limits.close, 30s);
  EXPECT_EQ(limits.page_bytes, 5u * 1024 * 1024);
}

TEST(CallLimits, EnvironmentSetsEveryDeadlineThenOneKind) {
  ScopedEnv all("SLUICE_CALL_DEADLINE", "5");
  ScopedEnv submit("SLUICE_CALL_DEADLINE_SUBMIT", "7");
  ScopedEnv page("SLUICE_PAGE_LIMIT_BYTES", "262144");
  auto limits = host::call_limits_from_environment();
  ASSERT_TRUE(limits) << limits.error().message;
  EXPECT_EQ(limits->connection_open, 5s);
  EXPECT_EQ(limits->export_next_page, 5s);
  EXPECT_EQ(limits->close, 5s);
  EXPECT_EQ(limits->import_submit, 7s);
  EXPECT_EQ(limits->page_bytes, 262144u);
}

TEST(CallLimits, AnEnvironmentValueThatIsNotAPositiveWholeNumberIsRefused) {
  ScopedEnv next("SLUICE_CALL_DEADLINE_NEXT_PAGE", "1.5");
  auto limits = host::call_limits_from_environment();
  ASSERT_FALSE(limits);
  EXPECT_EQ(limits.error().status, Status::kInvalidConfig);
  EXPECT_EQ(limits.error().message,
            "environment variable SLUICE_CALL_DEADLINE_NEXT_PAGE is '1.5': it takes a whole "
            "number of seconds from 1 to 604800; set it to one, or unset it for the default");
}

}  // namespace
}  // namespace sluice::limits_test
