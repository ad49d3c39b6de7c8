// The recording host, the driver and the conformance kit, against a raw C ABI connector whose
// defects each test switches on.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "sluice/testing/checks.hpp"
#include "sluice/testing/driver.hpp"
#include "sluice/testing/recording_host.hpp"

namespace sluice::testing {
namespace {

const sluice_host_api* g_host = nullptr;

// What the fake connector does wrong; reset by each test's fixture.
struct Defects {
  bool accept_anything = false;     // connection_open never refuses
  bool ok_without_handle = false;   // connection_open: SLUICE_OK, *out NULL
  bool fail_leaves_handle = false;  // connection_open: refuses but sets *out
  bool silent_failure = false;      // refusals without set_error
  bool throw_on_open = false;       // connection_open throws
  bool one_result_short = false;    // import_submit answers one result too few
  bool no_import = false;           // the import functions are NULL
  bool v1_1 = false;                // a 1.1 descriptor (capabilities and threading declared)
  uint32_t threading = 0;           // its threading flags
  bool forbid_overlap = false;      // connection_ping fails when entered twice at once
  const char* connection_type = "fake";
  const char* connection_schema =
      R"({"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object",)"
      R"("properties":{"fake":{"type":"object","properties":{"url":{"type":"string"}}}},)"
      R"("required":["fake"]})";
};
Defects g;
std::set<void*> g_live;   // handles the fake handed out and nobody closed yet
int g_bad_closes = 0;     // closes of a handle that is not live (a double close)
int* g_leaked = nullptr;  // the handle a refusal left behind (fail_leaves_handle)

template <class H>
H* hand_out(H* h) {
  g_live.insert(h);
  return h;
}
void closed(void* h) {
  if (g_live.erase(h) == 0) ++g_bad_closes;
}

void error(sluice_call* call, const char* message) {
  if (!g.silent_failure) g_host->set_error(call, sluice_str{message, strlen(message)}, {"", 0});
}
void result(sluice_call* call, const std::string& text) {
  g_host->set_result(call, sluice_str{text.data(), text.size()});
}

sluice_status open_connection(sluice_call* call, sluice_str json, sluice_connection** out) {
  *out = nullptr;
  if (g.throw_on_open) throw std::runtime_error("boom");
  if (g.ok_without_handle) return SLUICE_OK;
  const std::string doc(json.ptr, json.len);
  if (!g.accept_anything && doc.find("\"url\":\"") == std::string::npos) {
    if (g.fail_leaves_handle) *out = reinterpret_cast<sluice_connection*>(g_leaked = new int(0));
    error(call, "$.fake.url: expected a string (required)");
    return SLUICE_INVALID_CONFIG;
  }
  *out = hand_out(reinterpret_cast<sluice_connection*>(new int(1)));
  return SLUICE_OK;
}
// forbid_overlap: every ping after the first (connection.opens makes that one alone) waits, for
// at most 5 s, for a second ping to enter, so that an overlap the kit makes is always seen, and
// then fails naming it, as an unguarded connector would misbehave.
std::mutex g_ping_mutex;
std::condition_variable g_ping_cv;
int g_pings = 0;         // pings entered so far
int g_in_ping = 0;       // pings running now
bool g_overlap = false;  // two pings ran at once
sluice_status ping(sluice_call* call, sluice_connection*) {
  if (!g.forbid_overlap) return SLUICE_OK;
  std::unique_lock lock(g_ping_mutex);
  g_overlap = g_overlap || ++g_in_ping > 1;
  g_ping_cv.notify_all();
  if (++g_pings > 1) g_ping_cv.wait_for(lock, std::chrono::seconds(5), [] { return g_overlap; });
  --g_in_ping;
  if (!g_overlap) return SLUICE_OK;
  error(call, "connection_ping entered while another connection_ping ran on this connection");
  return SLUICE_INTERNAL;
}
void close_connection(sluice_connection* c) {
  closed(c);
  delete reinterpret_cast<int*>(c);
}
struct FakeExport {
  int page = 0;
};
sluice_status open_export(sluice_call* call, sluice_connection*, sluice_str json, sluice_str,
                          sluice_export** out) {
  *out = nullptr;
  if (std::string(json.ptr, json.len) == "{}") {
    error(call, "$.fake.path: expected a string (required)");
    return SLUICE_INVALID_CONFIG;
  }
  *out = hand_out(reinterpret_cast<sluice_export*>(new FakeExport));
  return SLUICE_OK;
}
sluice_status next_page(sluice_call* call, sluice_export* e) {
  auto* exp = reinterpret_cast<FakeExport*>(e);
  ++exp->page;
  result(call, R"({"records":[{"n":)" + std::to_string(exp->page) + R"(},{"n":0}],"done":)" +
                   (exp->page == 3 ? "true" : "false") + "}");
  return SLUICE_OK;
}
void close_export(sluice_export* e) {
  closed(e);
  delete reinterpret_cast<FakeExport*>(e);
}
sluice_status open_import(sluice_call*, sluice_connection*, sluice_str, sluice_import** out) {
  *out = hand_out(reinterpret_cast<sluice_import*>(new int(2)));
  return SLUICE_OK;
}
sluice_status submit(sluice_call* call, sluice_import*, sluice_str page) {
  const std::string text(page.ptr, page.len);
  size_t n = text == "[]" ? 0 : 1;
  for (char ch : text) n += ch == ',' ? 1 : 0;  // records here are {"a":N}: one comma apart
  if (g.one_result_short && n > 0) --n;
  std::string out = "[";
  for (size_t i = 0; i < n; ++i) out += std::string(i ? "," : "") + R"({"statusCode":200})";
  result(call, out + "]");
  return SLUICE_OK;
}
void close_import(sluice_import* i) {
  closed(i);
  delete reinterpret_cast<int*>(i);
}

sluice_connector_api g_api;
sluice_connector_descriptor g_connector;
sluice_plugin_descriptor g_plugin;

const sluice_plugin_descriptor* fake_entry(const sluice_host_api* host) {
  g_host = host;
  g_api = {sizeof(sluice_connector_api),
           open_connection,
           ping,
           close_connection,
           open_export,
           next_page,
           close_export,
           open_import,
           submit,
           close_import};
  if (g.no_import)
    g_api.import_open = nullptr, g_api.import_submit = nullptr, g_api.import_close = nullptr;
  // A 1.0 connector descriptor (it ends with `api`): its capabilities come from its functions.
  g_connector = {offsetof(sluice_connector_descriptor, capabilities),
                 "fake",
                 0,
                 g.connection_type,
                 "",
                 "Fake",
                 g.connection_schema,
                 "{}",
                 "{}",
                 &g_api};
  if (g.v1_1) {
    g_connector.struct_size = sizeof(sluice_connector_descriptor);
    g_connector.capabilities = SLUICE_CAP_EXPORT | (g.no_import ? 0u : SLUICE_CAP_IMPORT);
    g_connector.threading = g.threading;
    g_connector.listener_schema = nullptr;
  }
  g_plugin = {sizeof(sluice_plugin_descriptor),
              1,
              0,
              "fake",
              "1.0.0",
              "0.1.0",
              "test",
              "fake",
              1,
              &g_connector};
  return &g_plugin;
}

const CheckResult* find(const ConformanceReport& r, const std::string& name) {
  for (const auto& c : r.checks)
    if (c.name == name) return &c;
  return nullptr;
}

class TestingKit : public ::testing::Test {
 protected:
  void SetUp() override {
    g = Defects{};
    g_live.clear();
    g_bad_closes = 0;
    g_pings = 0;
    g_in_ping = 0;
    g_overlap = false;
  }
  void TearDown() override {
    delete g_leaked;
    g_leaked = nullptr;
  }
  bool each_closed_once() const { return g_live.empty() && g_bad_closes == 0; }
  RecordingHost host_;
};

constexpr const char* kGoodConnection = R"({"type":"fake","fake":{"url":"http://x"}})";

TEST_F(TestingKit, RecordingHostContextRecordsLogLinesAndCancellation) {
  Context context = host_.context();
  context.log(LogLevel::kWarn, "careful");
  EXPECT_FALSE(context.cancelled());
  host_.cancel();
  EXPECT_TRUE(context.cancelled());
  ASSERT_EQ(host_.logs().size(), 1u);
  EXPECT_EQ(host_.logs()[0].level, LogLevel::kWarn);
  EXPECT_EQ(host_.logs()[0].message, "careful");
}

TEST_F(TestingKit, RecordingHostKeepsEachCallsErrorAndRetryAfter) {
  sluice_call* call = host_.begin_call();
  host_.api()->set_error(call, {"slow", 4}, {"{}", 2});
  host_.api()->set_retry_after(call, 1500);
  EXPECT_EQ(host_.record(call).error_message, "slow");
  EXPECT_EQ(host_.record(call).error_details, "{}");
  EXPECT_EQ(host_.record(call).retry_after_ms, 1500u);
  EXPECT_FALSE(host_.record(host_.begin_call()).has_error);
}

TEST_F(TestingKit, DriverReadsAnExportToTheEndAndClosesEachHandleOnce) {
  ConnectorDriver driver(fake_entry(host_.api())->connectors[0], host_);
  auto pages = driver.read_export(kGoodConnection, R"({"fake":{"path":"/"}})", 10);
  ASSERT_TRUE(pages) << pages.error().message;
  ASSERT_EQ(pages->size(), 3u);
  EXPECT_EQ(pages->at(2).at("done").as_bool(), true);
  EXPECT_EQ(driver.handles_opened(), 2u);
  EXPECT_EQ(driver.handles_closed(), 2u);
  EXPECT_TRUE(each_closed_once());
  EXPECT_TRUE(driver.problems().empty());
}

TEST_F(TestingKit, DriverStopsAtMaxPages) {
  ConnectorDriver driver(fake_entry(host_.api())->connectors[0], host_);
  auto pages = driver.read_export(kGoodConnection, R"({"fake":{"path":"/"}})", 2);
  ASSERT_TRUE(pages);
  EXPECT_EQ(pages->size(), 2u);
}

TEST_F(TestingKit, DriverNamesTheConnectorTheCallAndTheStatusOfAFailure) {
  ConnectorDriver driver(fake_entry(host_.api())->connectors[0], host_);
  auto opened = driver.open_connection("{}");
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().status, Status::kInvalidConfig);
  EXPECT_EQ(opened.error().message,
            "connector fake: connection_open returned SLUICE_INVALID_CONFIG: $.fake.url: expected "
            "a string (required)");
}

TEST_F(TestingKit, DriverReportsAFailureThatLeftAHandle) {
  g.fail_leaves_handle = true;
  ConnectorDriver driver(fake_entry(host_.api())->connectors[0], host_);
  EXPECT_FALSE(driver.open_connection("{}"));
  ASSERT_EQ(driver.problems().size(), 1u);
  EXPECT_EQ(driver.problems()[0].kind, ProblemKind::kHandle);
  EXPECT_EQ(driver.problems()[0].text,
            "connector fake: connection_open returned SLUICE_INVALID_CONFIG but left a handle in "
            "*out; leave it NULL on failure");
}

TEST_F(TestingKit, DriverReportsAFailureWithoutAMessage) {
  g.silent_failure = true;
  ConnectorDriver driver(fake_entry(host_.api())->connectors[0], host_);
  EXPECT_FALSE(driver.open_connection("{}"));
  ASSERT_EQ(driver.problems().size(), 1u);
  EXPECT_EQ(driver.problems()[0].text,
            "connector fake: connection_open returned SLUICE_INVALID_CONFIG without a message: "
            "call set_error (what failed, where, what to do)");
}

TEST_F(TestingKit, DriverCatchesAnExceptionEscapingTheCFunction) {
  g.throw_on_open = true;
  ConnectorDriver driver(fake_entry(host_.api())->connectors[0], host_);
  auto opened = driver.open_connection(kGoodConnection);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().status, Status::kInternal);
  ASSERT_EQ(driver.problems().size(), 1u);
  EXPECT_EQ(driver.problems()[0].kind, ProblemKind::kException);
}

TEST_F(TestingKit, DriverRefusesAnImportResultShortOfOnePerRecord) {
  g.one_result_short = true;
  ConnectorDriver driver(fake_entry(host_.api())->connectors[0], host_);
  auto results = driver.submit_page(
      kGoodConnection, "{}",
      boost::json::array{boost::json::object{{"a", 1}}, boost::json::object{{"a", 2}}});
  ASSERT_FALSE(results);
  EXPECT_EQ(results.error().message,
            "connector fake: import_submit returned 1 results for 2 records (expected one per "
            "record, in order)");
  EXPECT_TRUE(each_closed_once());
}

TEST_F(TestingKit, AWellBehavedConnectorPassesEveryCheck) {
  g.v1_1 = true;
  g.threading = SLUICE_THREAD_SAFE_CONNECTION;
  ConformanceInputs inputs;
  inputs.connection_json = kGoodConnection;
  inputs.export_json = R"({"fake":{"path":"/"}})";
  inputs.import_json = "{}";
  inputs.records_json = R"([{"a":1},{"a":2}])";
  ConformanceReport report = run_conformance(fake_entry(host_.api()), host_, inputs);
  EXPECT_TRUE(report.passed()) << format_report(report);
  EXPECT_EQ(report.count(Verdict::kSkip), 0u) << format_report(report);
  EXPECT_EQ(report.checks.size(), 15u);
  EXPECT_EQ(report.pages.size(), 3u);
  EXPECT_EQ(report.import_results.size(), 2u);
  const CheckResult* concurrent = find(report, "connection.concurrent_calls");
  ASSERT_NE(concurrent, nullptr);
  EXPECT_EQ(concurrent->message,
            "made 4 calls at once on one connection (connection_ping twice, export_next_page on "
            "two exports); each returned");
  EXPECT_TRUE(each_closed_once());
}

TEST_F(TestingKit, AThreadSafeConnectionEnteredTwiceAtOnceFailsNamingTheOverlap) {
  g.v1_1 = true;
  g.threading = SLUICE_THREAD_SAFE_CONNECTION;
  g.forbid_overlap = true;
  ConformanceInputs inputs;
  inputs.connection_json = kGoodConnection;
  ConformanceReport report = run_conformance(fake_entry(host_.api()), host_, inputs);
  const CheckResult* check = find(report, "connection.concurrent_calls");
  ASSERT_NE(check, nullptr);
  EXPECT_EQ(check->verdict, Verdict::kFail);
  EXPECT_EQ(check->message,
            "connection_ping returned SLUICE_INTERNAL while 1 other call(s) ran on the same "
            "connection: connection_ping entered while another connection_ping ran on this "
            "connection; the connector declares SLUICE_THREAD_SAFE_CONNECTION, so the host makes "
            "such calls at the same time: guard the shared state, or drop the flag and the host "
            "serialises them");
  EXPECT_EQ(g_pings, 3);
  EXPECT_TRUE(each_closed_once());
}

TEST_F(TestingKit, AConnectionNotDeclaredThreadSafeIsSkippedAsSerialisedByTheHost) {
  g.v1_1 = true;
  g.forbid_overlap = true;
  ConformanceInputs inputs;
  inputs.connection_json = kGoodConnection;
  ConformanceReport report = run_conformance(fake_entry(host_.api()), host_, inputs);
  const CheckResult* check = find(report, "connection.concurrent_calls");
  ASSERT_NE(check, nullptr);
  EXPECT_EQ(check->verdict, Verdict::kSkip);
  EXPECT_EQ(check->message,
            "the connector does not declare SLUICE_THREAD_SAFE_CONNECTION: the host serialises "
            "calls on this connection");
  EXPECT_EQ(g_pings, 1);
  EXPECT_TRUE(report.passed()) << format_report(report);
}

TEST_F(TestingKit, AConnectorAcceptingEmptySettingsFailsNamingTheRequiredSetting) {
  g.accept_anything = true;
  ConformanceReport report = run_conformance(fake_entry(host_.api()), host_);
  const CheckResult* check = find(report, "connection.refuses_empty_settings");
  ASSERT_NE(check, nullptr);
  EXPECT_EQ(check->verdict, Verdict::kFail);
  EXPECT_EQ(check->message,
            "connection_open accepted an empty connection document {} although the connection "
            "schema requires fake; return SLUICE_INVALID_CONFIG with a message naming the setting");
  const CheckResult* wrong = find(report, "connection.refuses_wrong_type");
  ASSERT_NE(wrong, nullptr);
  EXPECT_EQ(wrong->message,
            "connection_open accepted a connection with $.fake = 42 where the schema declares an "
            "object; return SLUICE_INVALID_CONFIG with a message naming the setting");
  EXPECT_FALSE(report.passed());
}

TEST_F(TestingKit, SLUICE_OKWithoutAHandleFailsTheHandleCheck) {
  g.ok_without_handle = true;
  ConformanceReport report = run_conformance(fake_entry(host_.api()), host_);
  const CheckResult* check = find(report, "handles.closed_exactly_once");
  ASSERT_NE(check, nullptr);
  EXPECT_EQ(check->verdict, Verdict::kFail);
  EXPECT_EQ(check->message.rfind("connector fake: connection_open returned SLUICE_OK without a "
                                 "handle in *out",
                                 0),
            0u);
}

TEST_F(TestingKit, AnUpperCaseConnectionTypeFailsTheDescriptorCheck) {
  g.connection_type = "Fake";
  ConformanceReport report = run_conformance(fake_entry(host_.api()), host_);
  const CheckResult* check = find(report, "connector.descriptor");
  ASSERT_NE(check, nullptr);
  EXPECT_EQ(check->verdict, Verdict::kFail);
  EXPECT_EQ(check->message,
            "connection_type \"Fake\" must be lower-case letters, digits, '_' or '-' (an "
            "adaptorType such as \"HTTPExport\" is matched by lower-casing its prefix)");
}

TEST_F(TestingKit, AMalformedSchemaFailsTheSchemaCheckNamingThePath) {
  g.connection_schema = R"({"type":"object","properties":{"fake":{"type":"objekt"}}})";
  ConformanceReport report = run_conformance(fake_entry(host_.api()), host_);
  const CheckResult* check = find(report, "connector.schemas");
  ASSERT_NE(check, nullptr);
  EXPECT_EQ(check->message,
            "connection_schema: $.properties.fake.type is not one of string, integer, number, "
            "boolean, object, array, null");
}

TEST_F(TestingKit, CapabilitiesComeFromTheFunctionTableAndSelectTheChecks) {
  g.no_import = true;
  const sluice_plugin_descriptor* plugin = fake_entry(host_.api());
  const Capabilities caps = capabilities_of(plugin->connectors[0]);
  EXPECT_TRUE(caps.exports);
  EXPECT_FALSE(caps.imports);
  EXPECT_FALSE(caps.declared);
  ConformanceReport report = run_conformance(plugin, host_);
  EXPECT_EQ(find(report, "import.submits"), nullptr);
  EXPECT_NE(find(report, "export.reads_pages"), nullptr);
}

TEST_F(TestingKit, ANullDescriptorFailsNamingTheEntryFunction) {
  ConformanceReport report = run_conformance(nullptr, host_);
  ASSERT_EQ(report.checks.size(), 1u);
  EXPECT_EQ(report.checks[0].message,
            "the entry function returned NULL: the plugin refuses to run in this host");
}

}  // namespace
}  // namespace sluice::testing
