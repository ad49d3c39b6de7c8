// Specifies `sluice apply`: strict resources (every field known, exact types, bounded sizes,
// safe ids), precise JSON errors, warnings, skipped files, and references read once.
#include "resources/apply.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include <boost/json.hpp>

#include "../../../plugins/http/settings.hpp"
#include "store/test_home.hpp"

namespace sluice::host {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// Forwards to a real store and counts the reads of single resources.
class CountingStore : public Store {
 public:
  explicit CountingStore(Store& inner) : inner_(inner) {}
  Result<void> put_resources(const std::vector<Resource>& r) override {
    return inner_.put_resources(r);
  }
  Result<std::optional<json::object>> get_resource(ResourceKind kind, std::string_view id,
                                                   Secrets secrets) override {
    ++reads;
    return inner_.get_resource(kind, id, secrets);
  }
  Result<std::vector<json::object>> list_resources(ResourceKind kind, Secrets secrets) override {
    ++reads;
    return inner_.list_resources(kind, secrets);
  }
  Result<void> put_job(const Job& job) override { return inner_.put_job(job); }
  Result<std::optional<Job>> get_job(std::string_view id) override { return inner_.get_job(id); }
  Result<std::vector<Job>> list_jobs(std::string_view flow_id, size_t limit) override {
    return inner_.list_jobs(flow_id, limit);
  }
  Result<FlowClaim> claim_flow(const Job& job,
                               const std::function<bool(Job&)>& close_if_dead) override {
    return inner_.claim_flow(job, close_if_dead);
  }
  Result<bool> update_running_job(const Job& job, const std::vector<JobError>& errors) override {
    return inner_.update_running_job(job, errors);
  }
  Result<void> add_errors(const std::vector<JobError>& errors) override {
    return inner_.add_errors(errors);
  }
  Result<std::vector<JobError>> list_errors(std::string_view flow_id, size_t limit) override {
    return inner_.list_errors(flow_id, limit);
  }
  Result<json::value> get_state(std::string_view export_id) override {
    return inner_.get_state(export_id);
  }
  Result<void> put_state(std::string_view export_id, const json::value& state) override {
    return inner_.put_state(export_id, state);
  }
  size_t reads = 0;

 private:
  Store& inner_;
};

constexpr const char* kConnection =
    R"({"_id": "api", "type": "http", "http": {"baseURI": "http://127.0.0.1:1"}})";
constexpr const char* kExport =
    R"({"_id": "orders", "adaptorType": "HTTPExport", "_connectionId": "api",
        "http": {"relativeURI": "/orders"}})";
constexpr const char* kImport =
    R"({"_id": "sink", "adaptorType": "HTTPImport", "_connectionId": "api",
        "http": {"relativeURI": "/sink"}})";
constexpr const char* kFlow =
    R"({"_id": "copy", "pageGenerators": [{"_exportId": "orders"}],
        "pageProcessors": [{"type": "import", "_importId": "sink"}]})";

class Apply : public testing::StoreTest {
 protected:
  void SetUp() override {
    auto store = open_sqlite_store(home_.path());
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
    auto plugin = std::make_unique<LoadedPlugin>();
    plugin->id = "http";
    ConnectorHandle c;
    c.name = "http";
    c.connection_type = "http";
    c.connection_schema = plugins::http::connection_schema().to_json();
    c.export_schema = plugins::http::export_schema().to_json();
    c.import_schema = plugins::http::import_schema().to_json();
    plugin->connectors.push_back(std::move(c));
    plugin->connectors[0].plugin = plugin.get();
    ASSERT_TRUE(registry_.add(std::move(plugin)));
    dir_ = fs::path(home_.path()) / "resources";
    fs::create_directories(dir_);
  }

  std::string write(const std::string& name, std::string_view text) {
    const fs::path p = dir_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }

  // Writes the four sample resources, with `name`'s text replaced by `text` when given.
  void write_samples(const std::string& name = "", std::string_view text = {}) {
    const std::pair<const char*, const char*> samples[] = {{"connection.json", kConnection},
                                                           {"export.json", kExport},
                                                           {"import.json", kImport},
                                                           {"flow.json", kFlow}};
    for (const auto& [file, body] : samples) write(file, file == name ? text : body);
  }

  ApplyReport apply(const ApplyOptions& options = {}) {
    return apply_resources(dir_, *store_, registry_, options);
  }

  ApplyReport apply_one(std::string_view text, const ApplyOptions& options = {}) {
    std::istringstream in{std::string(text)};
    return apply_resource_stream(in, "<in>", *store_, registry_, options);
  }

  // Applies the samples with `name` replaced; returns the problems (expecting some).
  std::vector<std::string> problems_with(const std::string& name, std::string_view text) {
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    write_samples(name, text);
    ApplyReport report = apply();
    EXPECT_TRUE(report.applied.empty());
    return report.problems;
  }

  bool stored(ResourceKind kind, std::string_view id) {
    auto doc = store_->get_resource(kind, id, Secrets::kMasked);
    return doc && *doc;
  }

  std::string file(const std::string& name) const { return (dir_ / name).string(); }

  std::unique_ptr<Store> store_;
  PluginRegistry registry_;
  fs::path dir_;
};

TEST_F(Apply, StoresTheSampleResources) {
  write_samples();
  ApplyReport report = apply();
  EXPECT_THAT(report.problems, IsEmpty());
  EXPECT_THAT(report.warnings, IsEmpty());
  EXPECT_EQ(report.applied.size(), 4u);
  EXPECT_TRUE(stored(ResourceKind::kFlow, "copy"));
}

TEST_F(Apply, AStepAskingAConnectorForACapabilityItLacksIsRefusedNamingBoth) {
  auto plugin = std::make_unique<LoadedPlugin>();
  plugin->id = "readonly";
  ConnectorHandle c;
  c.name = "reader";
  c.connection_type = "readonly";
  c.capabilities = SLUICE_CAP_EXPORT;
  c.connection_schema = json::object{{"type", "object"}, {"properties", json::object()}};
  c.export_schema = c.connection_schema;
  c.import_schema = c.connection_schema;
  plugin->connectors.push_back(std::move(c));
  plugin->connectors[0].plugin = plugin.get();
  ASSERT_TRUE(registry_.add(std::move(plugin)));
  ApplyReport report = apply_one(R"([{"_id": "ro", "type": "readonly"},
      {"_id": "put", "adaptorType": "ReadonlyImport", "_connectionId": "ro"},
      {"_id": "find", "adaptorType": "HTTPExport", "_connectionId": "api", "isLookup": true},
      {"_id": "api", "type": "http", "http": {"baseURI": "http://127.0.0.1:1"}}])");
  EXPECT_THAT(
      report.problems,
      ElementsAre(
          "<in> [1]: import put: $.adaptorType: connection ro is served by connector 'reader' of "
          "plugin 'readonly', which cannot import records (its capabilities: export); use a "
          "connection whose plugin can, or remove the step",
          "<in> [2]: export find: $.isLookup: connection api is served by connector 'http' of "
          "plugin 'http', which cannot do lookups (its capabilities: export, import); use a "
          "connection whose plugin can, or remove the step"));
}

TEST_F(Apply, AFlowWithATypoInPageProcessorsIsRefusedNamingTheNearestField) {
  EXPECT_THAT(
      problems_with("flow.json", R"({"_id": "copy", "pageGenerators": [{"_exportId": "orders"}],
                      "pageProcesors": [{"type": "import", "_importId": "sink"}]})"),
      ElementsAre(file("flow.json") +
                  ": flow copy: $.pageProcesors: unknown field; did you mean \"pageProcessors\"?"));
  EXPECT_FALSE(stored(ResourceKind::kFlow, "copy"));
  EXPECT_FALSE(stored(ResourceKind::kConnection, "api"));
}

TEST_F(Apply, UnknownFieldsOfThePluginAreRefusedWithTheNearestKnownName) {
  EXPECT_THAT(problems_with("connection.json",
                            R"({"_id": "api", "type": "http", "htp": {},
                                "http": {"baseURI": "http://127.0.0.1:1"}})"),
              ElementsAre(file("connection.json") +
                          ": connection api: $.htp: unknown field; did you mean \"http\"?"));
  EXPECT_THAT(problems_with("export.json",
                            R"({"_id": "orders", "adaptorType": "HTTPExport",
                                "_connectionId": "api", "http": {"relativeUri": "/orders"}})"),
              ElementsAre(file("export.json") +
                          ": export orders: $.http.relativeUri: unknown field; did you mean "
                          "\"relativeURI\"?"));
  const auto bogus = problems_with("import.json",
                                   R"({"_id": "sink", "adaptorType": "HTTPImport",
                                       "_connectionId": "api", "http": {"bogus": 1}})");
  ASSERT_EQ(bogus.size(), 1u);
  EXPECT_THAT(bogus[0], HasSubstr(": import sink: $.http.bogus: unknown field"));
}

TEST_F(Apply, IntegratorIoMetadataIsAcceptedAndKept) {
  write_samples("connection.json", R"({"_id": "api", "type": "http", "name": "API",
      "lastModified": "2026-01-01T00:00:00.000Z", "createdAt": "2025-01-01T00:00:00.000Z",
      "_integrationId": "5f0c3e1a2b3c4d5e6f708192", "_userId": "5f0c3e1a2b3c4d5e6f708193",
      "queues": [{"name": "q", "size": 0}], "externalId": "x", "sandbox": false,
      "http": {"baseURI": "http://127.0.0.1:1", "formType": "http"}})");
  ApplyReport report = apply();
  ASSERT_THAT(report.problems, IsEmpty());
  auto doc = store_->get_resource(ResourceKind::kConnection, "api", Secrets::kMasked);
  ASSERT_TRUE(doc && *doc);
  EXPECT_EQ((**doc).at("queues"), json::parse(R"([{"name": "q", "size": 0}])"));
  EXPECT_EQ((**doc).at("lastModified"), "2026-01-01T00:00:00.000Z");
}

TEST_F(Apply, FieldsSluiceDoesNotImplementYetAreRefusedAsNotSupported) {
  EXPECT_THAT(
      problems_with("export.json",
                    R"({"_id": "orders", "adaptorType": "HTTPExport", "_connectionId": "api",
                        "type": "delta", "delta": {"dateField": "updated"},
                        "dataURITemplate": "https://shop.example/orders/{{record.id}}",
                        "http": {"method": "DELETE", "response": {"twoDArray": {}}}})"),
      ElementsAre(
          file("export.json") +
              ": export orders: $.delta.dateField: not supported yet by this version of "
              "Sluice; remove it",
          file("export.json") +
              ": export orders: $.dataURITemplate: not supported yet by this version of Sluice; "
              "remove it",
          file("export.json") +
              ": export orders: $.http.method: \"DELETE\" is not supported yet by this "
              "version of Sluice; use one of \"GET\", \"POST\", \"PUT\", \"PATCH\"",
          file("export.json") +
              ": export orders: $.http.response.twoDArray: not supported yet by this version of "
              "Sluice; remove it"));
  EXPECT_THAT(
      problems_with("import.json",
                    R"({"_id": "sink", "adaptorType": "HTTPImport", "_connectionId": "api",
                                "maxAttempts": 3, "http": {"endPointBodyLimit": 1000}})"),
      ElementsAre(
          file("import.json") + ": import sink: $.maxAttempts: not supported yet by this version "
                                "of Sluice; remove it",
          file("import.json") + ": import sink: $.http.endPointBodyLimit: not supported yet by "
                                "this version of Sluice; remove it"));
  EXPECT_THAT(
      problems_with("flow.json", R"({"_id": "copy", "skipRetries": true,
                      "pageGenerators": [{"_exportId": "orders"}],
                      "pageProcessors": [{"type": "export", "_exportId": "orders"}]})"),
      ElementsAre(
          file("flow.json") +
          ": flow copy: $.skipRetries: not supported yet by this version of Sluice; remove it"));
}

TEST_F(Apply, SchedulesTimeZonesAndRunNextFlowsAreAcceptedAndKept) {
  write_samples("flow.json", R"({"_id": "copy", "schedule": "? 0 2 ? * *",
      "timezone": "Europe/Berlin", "_runNextFlowIds": ["copy"],
      "pageGenerators": [{"_exportId": "orders", "schedule": "*/15 * * * MON-FRI"}],
      "pageProcessors": [{"type": "import", "_importId": "sink"}]})");
  ApplyReport report = apply();
  EXPECT_THAT(report.problems, ElementsAre());
  auto doc = store_->get_resource(ResourceKind::kFlow, "copy", Secrets::kMasked);
  ASSERT_TRUE(doc && *doc);
  EXPECT_EQ((**doc).at("timezone").as_string(), "Europe/Berlin");
  EXPECT_EQ((**doc).at("pageGenerators").at(0).at("schedule").as_string(), "*/15 * * * MON-FRI");
}

TEST_F(Apply, ABadScheduleZoneOrRunNextFlowIsRefusedNamingTheFlowAndThePath) {
  EXPECT_THAT(
      problems_with("flow.json", R"({"_id": "copy", "schedule": "? 0 25 ? * *",
          "timezone": "Europe/Berlinn", "_runNextFlowIds": ["nightly"],
          "pageGenerators": [{"_exportId": "orders", "schedule": "0 2 * *"}],
          "pageProcessors": [{"type": "import", "_importId": "sink"}]})"),
      ElementsAre(
          file("flow.json") +
              ": flow copy: $.timezone: time zone \"Europe/Berlinn\" is not an IANA time zone "
              "name of this system's tzdata; write one such as \"UTC\", \"Europe/Berlin\" or "
              "\"America/New_York\"",
          file("flow.json") +
              ": flow copy: $.schedule: schedule \"? 0 25 ? * *\": hour (field 3 of 6, \"25\"): "
              "25 is outside 0-23; accepted forms: *, N, N-M, */S, N-M/S, N/S, or a "
              "comma-separated list of them (e.g. 0,15,30-45/5), hour 0-23",
          HasSubstr(": flow copy: $.pageGenerators[0].schedule: schedule \"0 2 * *\": has 4 "
                    "fields; write 5"),
          file("flow.json") +
              ": flow copy: $._runNextFlowIds[0]: expected an existing flow, found \"nightly\", "
              "which is neither in this apply nor in the store; apply that flow too or remove "
              "its id"));
}

TEST_F(Apply, PageSizeIsAnIntegerFromOneToTenThousand) {
  for (const char* bad :
       {"\"100\"", "true", "1.5", "-5", "0", "10001", "18446744073709551616", "1e300"}) {
    const auto problems =
        problems_with("export.json", std::string(R"({"_id": "orders", "adaptorType": "HTTPExport",
            "_connectionId": "api", "pageSize": )") +
                                         bad + "}");
    ASSERT_EQ(problems.size(), 1u) << bad;
    EXPECT_THAT(problems[0],
                HasSubstr(": export orders: $.pageSize: expected an integer from 1 to 10000, "
                          "found "))
        << bad;
  }
  const auto huge = problems_with("export.json", R"({"_id": "orders", "adaptorType":
      "HTTPExport", "_connectionId": "api", "pageSize": 18446744073709551616})");
  EXPECT_THAT(huge, ElementsAre(file("export.json") +
                                ": export orders: $.pageSize: expected an integer from 1 to 10000, "
                                "found number 1.8446744073709552e+19"));
  write_samples("export.json", R"({"_id": "orders", "adaptorType": "HTTPExport",
      "_connectionId": "api", "pageSize": 10000})");
  EXPECT_THAT(apply().problems, IsEmpty());
}

TEST_F(Apply, ExportTypesTakeExactlyTheSubFieldsTheHostImplements) {
  const std::string head =
      R"({"_id": "orders", "adaptorType": "HTTPExport", "_connectionId": "api", )";
  for (const char* bad : {"0", "101", "1.5", "\"5\""}) {
    EXPECT_THAT(
        problems_with("export.json", head + R"("type": "test", "test": {"limit": )" + bad + "}}"),
        ElementsAre(HasSubstr(": export orders: $.test.limit: expected an integer from 1 "
                              "to 100, found ")))
        << bad;
  }
  EXPECT_THAT(problems_with("export.json", head + R"("type": "webhook"})"),
              ElementsAre(HasSubstr(": export orders: $.type: \"webhook\" is not supported yet")));
  EXPECT_THAT(
      problems_with("export.json", head + R"("type": "once", "once": {"booleanField": "x"}})"),
      ElementsAre(file("export.json") +
                  ": export orders: $.once.booleanField: not supported yet by this "
                  "version of Sluice; remove it"));
  write_samples("export.json", head + R"("type": "delta", "delta": {"lagOffset": 60000,
                          "startDate": "2026-01-01T00:00:00Z"}, "test": {"limit": 100}})");
  EXPECT_THAT(apply().problems, IsEmpty());
}

TEST_F(Apply, ADocumentOverTheSizeLimitIsRefusedWithItsSizeAndTheLimit) {
  ApplyOptions options;
  options.limits.max_document_bytes = 1000;
  EXPECT_THAT(
      apply_one(R"({"_id": "api", "type": "http", "description": ")" + std::string(2000, 'x') +
                    R"(", "http": {"baseURI": "http://127.0.0.1:1"}})",
                options)
          .problems,
      ElementsAre("<in>: this resource is 2084 bytes (0.0 MB) as JSON; the limit for one "
                  "resource is 1000 bytes (0.0 MB)"));
}

TEST_F(Apply, TheDefaultLimitIsFiveMegabytesPerResource) {
  const std::string big(5 * kMiB, 'x');
  EXPECT_THAT(apply_one(R"({"_id": "api", "type": "http", "description": ")" + big +
                        R"(", "http": {"baseURI": "http://127.0.0.1:1"}})")
                  .problems,
              ElementsAre("<in>: this resource is 5242964 bytes (5.0 MB) as JSON; the limit for "
                          "one resource is 5242880 bytes (5.0 MB)"));
}

TEST_F(Apply, AFileOverTheFileLimitIsRefusedBeforeItIsRead) {
  ApplyOptions options;
  options.limits.max_file_bytes = 100;
  write("big.json", std::string(101, ' '));
  EXPECT_THAT(apply(options).problems,
              ElementsAre(file("big.json") +
                          ": the file is 101 bytes (0.0 MB); the limit for one file is 100 bytes "
                          "(0.0 MB): split it into several files"));
  EXPECT_THAT(apply_one(std::string(101, ' '), options).problems,
              ElementsAre("<in>: more than 100 bytes (0.0 MB) to read; that is the limit for one "
                          "file: split the resources into several files and apply a folder"));
}

TEST_F(Apply, IdsHaveNoControlCharactersAndMatchOnePattern) {
  EXPECT_THAT(apply_one(R"({"_id": "evil\n\u001b[2Jid", "type": "http",
                           "http": {"baseURI": "http://127.0.0.1:1"}})")
                  .problems,
              ElementsAre("<in>: $._id: expected an id of letters, digits and . _ : - (starting "
                          "with a letter or digit, at most 128 characters), found string "
                          "\"evil\\n\\u001b[2Jid\""));
  EXPECT_TRUE(is_valid_resource_id("5f0c3e1a2b3c4d5e6f708192"));
  EXPECT_TRUE(is_valid_resource_id("demo-orders"));
  EXPECT_TRUE(is_valid_resource_id("a.b_c:d-e"));
  EXPECT_TRUE(is_valid_resource_id(std::string(128, 'a')));
  EXPECT_FALSE(is_valid_resource_id(std::string(129, 'a')));
  EXPECT_FALSE(is_valid_resource_id(""));
  EXPECT_FALSE(is_valid_resource_id("-x"));
  EXPECT_FALSE(is_valid_resource_id("a b"));
  EXPECT_FALSE(is_valid_resource_id("a/b"));
  EXPECT_FALSE(is_valid_resource_id("a\tb"));
}

TEST_F(Apply, ADocumentWithAnInvalidIdIsStillCheckedForItsOtherProblems) {
  EXPECT_THAT(apply_one(R"({"_id": "a b", "type": "http", "htp": {},
                           "http": {"baseURI": "http://127.0.0.1:1"}})")
                  .problems,
              ElementsAre("<in>: $._id: expected an id of letters, digits and . _ : - (starting "
                          "with a letter or digit, at most 128 characters), found string \"a b\"",
                          "<in>: connection (with an invalid _id): $.htp: unknown field; did you "
                          "mean \"http\"?"));
}

TEST_F(Apply, NamesMayHoldAnyTextAndAreStoredAsWritten) {
  ASSERT_THAT(apply_one(R"({"_id": "api", "type": "http", "name": "two\nlines \u001b[31mred",
                           "http": {"baseURI": "http://127.0.0.1:1"}})")
                  .problems,
              IsEmpty());
  auto doc = store_->get_resource(ResourceKind::kConnection, "api", Secrets::kMasked);
  ASSERT_TRUE(doc && *doc);
  EXPECT_EQ((**doc).at("name"), "two\nlines \x1b[31mred");
}

TEST_F(Apply, EveryProblemShowsControlCharactersFromTheUsersValuesEscaped) {
  const auto problems = apply_one(R"({"_id": "api", "type": "h\u001b[2Jttp\n"})").problems;
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_THAT(problems[0], HasSubstr("h\\x1b[2Jttp\\n"));
  EXPECT_EQ(problems[0].find('\x1b'), std::string::npos);
  EXPECT_EQ(problems[0].find('\n'), std::string::npos);
}

TEST_F(Apply, AJsonSyntaxErrorNamesTheFileLineAndColumn) {
  write("bad.json", "{\n  \"_id\": \"api\",\n  \"type\": http\n}");
  EXPECT_THAT(apply().problems,
              ElementsAre(file("bad.json") + ":3:11: not valid JSON: syntax error"));
  EXPECT_THAT(apply_one("{\"_id\": \"api\"").problems,
              ElementsAre("<in>:1:14: not valid JSON: incomplete JSON"));
}

TEST_F(Apply, InvalidUtf8IsRefusedWithItsByteOffset) {
  EXPECT_THAT(apply_one("{\"_id\": \"api\",\n \"name\": \"caf\xE9\"}").problems,
              ElementsAre("<in>: not valid UTF-8 at byte offset 28 (line 2, column 14): byte "
                          "0xE9; save the file as UTF-8"));
}

TEST_F(Apply, AUtf8ByteOrderMarkIsAccepted) {
  EXPECT_THAT(apply_one("\xEF\xBB\xBF" + std::string(kConnection)).problems, IsEmpty());
  EXPECT_TRUE(stored(ResourceKind::kConnection, "api"));
}

TEST_F(Apply, AFlowWithoutProcessorsAppliesWithAWarning) {
  write_samples("flow.json", R"({"_id": "copy", "pageGenerators": [{"_exportId": "orders"}]})");
  ApplyReport report = apply();
  EXPECT_THAT(report.problems, IsEmpty());
  EXPECT_THAT(report.warnings,
              ElementsAre(file("flow.json") +
                          ": flow copy has no pageProcessors: its records will be exported, "
                          "counted as ignored and sent nowhere; add {\"type\": \"import\", "
                          "\"_importId\": ...} to deliver them"));
  EXPECT_TRUE(stored(ResourceKind::kFlow, "copy"));
}

TEST_F(Apply, AFolderSaysWhichFilesItSkipped) {
  write_samples();
  write("README.md", "notes");
  write(".hidden.json", "not even json");
  write(".git/config.json", "{}");
  write("sub/.swp", "x");
  fs::create_directory_symlink(dir_ / "sub", dir_ / "sub-link");
  ApplyReport report = apply();
  EXPECT_THAT(report.problems, IsEmpty());
  ASSERT_EQ(report.skipped.size(), 5u);
  EXPECT_EQ(report.skipped[0].file, dir_ / ".git");
  EXPECT_EQ(report.skipped[0].reason, "hidden folder");
  EXPECT_EQ(report.skipped[1].file, dir_ / ".hidden.json");
  EXPECT_EQ(report.skipped[1].reason, "hidden file");
  EXPECT_EQ(report.skipped[2].file, dir_ / "README.md");
  EXPECT_EQ(report.skipped[2].reason, "not a .json file");
  EXPECT_EQ(report.skipped[3].file, dir_ / "sub/.swp");
  EXPECT_EQ(report.skipped[3].reason, "hidden file");
  EXPECT_EQ(report.skipped[4].file, dir_ / "sub-link");
  EXPECT_EQ(report.skipped[4].reason, "link to a folder, not followed");
}

TEST_F(Apply, AStreamHoldingAnArrayOfResourcesIsApplied) {
  ApplyReport report =
      apply_one(std::string("[") + kConnection + "," + kExport + "," + kImport + "," + kFlow + "]");
  EXPECT_THAT(report.problems, IsEmpty());
  ASSERT_EQ(report.applied.size(), 4u);
  EXPECT_EQ(report.applied[3].id, "copy");
}

TEST_F(Apply, ReportsAtMostAThousandProblems) {
  json::array docs;
  for (int i = 0; i < 3000; ++i) docs.push_back(json::object{{"nothing", i}});
  const auto problems = apply_one(json::serialize(docs)).problems;
  ASSERT_EQ(problems.size(), 1001u);
  EXPECT_THAT(problems[999], HasSubstr("<in> [999]: cannot tell what this document is"));
  EXPECT_EQ(problems[1000], "more problems not shown (the first 1000 are)");
}

TEST_F(Apply, EachReferencedResourceIsReadFromTheStoreAtMostOnce) {
  ASSERT_THAT(apply_one(kConnection).problems, IsEmpty());
  json::array exports;
  for (int i = 0; i < 50; ++i) {
    exports.push_back(json::object{
        {"_id", "e" + std::to_string(i)}, {"adaptorType", "HTTPExport"}, {"_connectionId", "api"}});
  }
  CountingStore counting(*store_);
  std::istringstream in(json::serialize(exports));
  ApplyReport report = apply_resource_stream(in, "<in>", counting, registry_);
  EXPECT_THAT(report.problems, IsEmpty());
  EXPECT_EQ(report.applied.size(), 50u);
  EXPECT_EQ(counting.reads, 1u);
}

TEST_F(Apply, AnImportsInputFilterMappingsLookupsAndHooksCompileAtApply) {
  write_samples("import.json", R"({"_id": "sink", "adaptorType": "HTTPImport",
      "_connectionId": "api", "http": {"relativeURI": "/sink", "sendPostMappedData": false},
      "inputFilter": {"type": "expression", "expression": {"version": "1",
                      "rules": ["equals", ["extract", "status"], "open"]}},
      "mappings": [{"generate": "state", "dataType": "string", "extract": "$.status",
                    "lookupName": "states"}],
      "lookups": [{"name": "states", "map": {"open": "O"}, "default": "X"}],
      "settings": {"region": "eu"},
      "hooks": {"preMap": {"_scriptId": "hooks", "function": "preMap"},
                "postMap": {"_scriptId": "hooks", "function": "postMap"},
                "postSubmit": {"_scriptId": "hooks", "function": "postSubmit"}}})");
  write("hooks.json", R"({"_id": "hooks", "name": "hooks", "content":
      "function preMap(o) { return o.data.map(d => ({data: d})); } function postMap(o) { return []; } function postSubmit(o) { return o.responseData; }"})");
  ApplyReport report = apply();
  EXPECT_THAT(report.problems, IsEmpty());
  EXPECT_EQ(report.applied.size(), 5u);
  EXPECT_TRUE(stored(ResourceKind::kImport, "sink"));
}

TEST_F(Apply, AnImportWithOneToManyAndADottedPathToManyIsAccepted) {
  write_samples("import.json", R"({"_id": "sink", "adaptorType": "HTTPImport",
      "_connectionId": "api", "http": {"relativeURI": "/sink"},
      "oneToMany": true, "pathToMany": "order.lines"})");
  ApplyReport report = apply();
  EXPECT_THAT(report.problems, IsEmpty());
  EXPECT_TRUE(stored(ResourceKind::kImport, "sink"));
}

TEST_F(Apply, PathToManyNeedsOneToManyAndADottedPathOfFieldNames) {
  const std::string where = file("import.json") + ": import sink: $.pathToMany: ";
  EXPECT_THAT(problems_with("import.json", R"({"_id": "sink", "adaptorType": "HTTPImport",
                  "_connectionId": "api", "pathToMany": "items"})"),
              ElementsAre(where + "set, but $.oneToMany is not true; set oneToMany: true to fan "
                                  "each record out into its child records, or remove "
                                  "pathToMany"));
  EXPECT_THAT(problems_with("import.json", R"({"_id": "sink", "adaptorType": "HTTPImport",
                  "_connectionId": "api", "oneToMany": true})"),
              ElementsAre(where + "missing; oneToMany: true needs the path to the array of child "
                                  "records in each record, e.g. \"items\" or \"order.lines\""));
  EXPECT_THAT(problems_with("import.json", R"({"_id": "sink", "adaptorType": "HTTPImport",
                  "_connectionId": "api", "oneToMany": true, "pathToMany": "items[*]"})"),
              ElementsAre(where + "\"items[*]\" is not a dotted path of field names (no [], * "
                                  "or $); write e.g. \"items\" or \"order.lines\""));
  EXPECT_THAT(problems_with("import.json", R"({"_id": "sink", "adaptorType": "HTTPImport",
                  "_connectionId": "api", "oneToMany": true, "pathToMany": "order..lines"})"),
              ElementsAre(where + "\"order..lines\" has an empty field name; write e.g. "
                                  "\"items\" or \"order.lines\""));
}

TEST_F(Apply, ASourceExportWithOneToManyIsRefused) {
  EXPECT_THAT(problems_with("export.json", R"({"_id": "orders", "adaptorType": "HTTPExport",
                  "_connectionId": "api", "http": {"relativeURI": "/orders"},
                  "oneToMany": true, "pathToMany": "items"})"),
              ElementsAre(file("export.json") +
                          ": export orders: $.oneToMany: only a lookup (isLookup: true) or an "
                          "import fans records out into child records; remove oneToMany and "
                          "pathToMany from this source export"));
}

TEST_F(Apply, AnImportWhoseStepsDoNotCompileIsRefusedNamingEachPath) {
  write_samples("import.json", R"({"_id": "sink", "adaptorType": "HTTPImport",
      "_connectionId": "api",
      "inputFilter": {"type": "expression", "expression": {"version": "1",
                      "rules": ["equalz", ["extract", "status"], "open"]}},
      "mappings": [{"generate": "n", "dataType": "numbr", "extract": "$.n"}],
      "hooks": {"postMap": {"_scriptId": "hooks", "function": "postMap"},
                "postSubmit": {"_scriptId": "nowhere", "function": "postSubmit"}}})");
  write("hooks.json", R"({"_id": "hooks", "name": "hooks", "content": "function preMap(o) {}"})");
  ApplyReport report = apply();
  EXPECT_TRUE(report.applied.empty());
  EXPECT_THAT(report.problems,
              ElementsAre(HasSubstr("import sink: $.inputFilter.expression.rules[0]"),
                          HasSubstr("import sink: $.mappings[0].dataType"),
                          file("import.json") +
                              ": import sink: $.hooks.postMap.function: script \"hooks\" (hooks) "
                              "defines no function named \"postMap\"; define it or name one of its "
                              "functions",
                          HasSubstr("import sink: $.hooks.postSubmit._scriptId")));
}

TEST_F(Apply, AHookNamingARefusedScriptOfTheSameApplyAddsNoProblemOfItsOwn) {
  write_samples("import.json", R"({"_id": "sink", "adaptorType": "HTTPImport",
      "_connectionId": "api", "hooks": {"preMap": {"_scriptId": "hooks", "function": "preMap"}}})");
  // No "name": the script is refused, and that is the one problem to fix.
  write("hooks.json", R"({"_id": "hooks", "contentFile": "hooks.js"})");
  write("hooks.js", "function preMap(o) { return []; }\n");
  ApplyReport report = apply();
  EXPECT_TRUE(report.applied.empty());
  EXPECT_THAT(report.problems, ElementsAre(HasSubstr("$.name")));
}

TEST_F(Apply, ATraceKeyTemplateThatDoesNotParseIsRefusedWithItsPathAndTheTemplateError) {
  write_samples("export.json", R"({"_id": "orders", "adaptorType": "HTTPExport",
      "_connectionId": "api", "http": {"relativeURI": "/orders"},
      "traceKeyTemplate": "{{record.id"})");
  write("import.json", R"({"_id": "sink", "adaptorType": "HTTPImport", "_connectionId": "api",
      "http": {"relativeURI": "/sink"}, "traceKeyTemplate": "{{#if record.id}}x"})");
  ApplyReport report = apply();
  EXPECT_TRUE(report.applied.empty());
  EXPECT_THAT(
      report.problems,
      ElementsAre(
          file("export.json") + ": export orders: template '$.traceKeyTemplate' line 1, column 12: "
                                "found the end of the template, expected a parameter or '}}'; fix "
                                "the template (docs/templates.md) and apply it again",
          file("import.json") + ": import sink: template '$.traceKeyTemplate' line 1, column 1: "
                                "found the end of the template, expected '{{/if}}' to close the "
                                "block opened; fix the template (docs/templates.md) and apply it "
                                "again"));
}

TEST_F(Apply, AValidTraceKeyTemplateIsAccepted) {
  write_samples("import.json", R"({"_id": "sink", "adaptorType": "HTTPImport",
      "_connectionId": "api", "http": {"relativeURI": "/sink"},
      "traceKeyTemplate": "order {{record.id}}"})");
  ApplyReport report = apply();
  EXPECT_TRUE(report.problems.empty()) << report.message();
  EXPECT_TRUE(stored(ResourceKind::kImport, "sink"));
}

TEST_F(Apply, AMapper1MappingCompilesAtApplyAndCannotComeWithMappings) {
  EXPECT_THAT(problems_with("import.json", R"({"_id": "sink", "adaptorType": "HTTPImport",
          "_connectionId": "api", "mapping": {"fields": [{"extract": "id"}]}})"),
              ElementsAre(HasSubstr("import sink: $.mapping.fields[0]")));
  EXPECT_THAT(problems_with("import.json", R"({"_id": "sink", "adaptorType": "HTTPImport",
          "_connectionId": "api", "mapping": {"fields": [{"extract": "id", "generate": "id"}]},
          "mappings": [{"generate": "id", "dataType": "string", "extract": "$.id"}]})"),
              ElementsAre(file("import.json") +
                          ": import sink: $.mapping and $.mappings are both given; an import has "
                          "one mapping: Mapper 2.0 (mappings) or Mapper 1.0 (mapping)"));
  fs::remove_all(dir_);
  fs::create_directories(dir_);
  write_samples("import.json", R"({"_id": "sink", "adaptorType": "HTTPImport",
          "_connectionId": "api", "mapping": {"fields": [{"extract": "id", "generate": "id"}]}})");
  const ApplyReport report = apply();
  EXPECT_THAT(report.problems, IsEmpty());
  EXPECT_TRUE(stored(ResourceKind::kImport, "sink"));
}

TEST_F(Apply, LookupsWithoutMappingsAreRefused) {
  EXPECT_THAT(problems_with("import.json", R"({"_id": "sink", "adaptorType": "HTTPImport",
          "_connectionId": "api", "lookups": [{"name": "l", "map": {}}]})"),
              ElementsAre(file("import.json") +
                          ": import sink: $.lookups: lookups are read only by mappings, and this "
                          "import has none; add $.mappings (or $.mapping) or remove "
                          "$.lookups"));
}

TEST_F(Apply, WhatImportsDoNotRunYetIsStillRefusedAsNotSupported) {
  EXPECT_THAT(
      problems_with("import.json", R"({"_id": "sink", "adaptorType": "HTTPImport",
          "_connectionId": "api", "responseMapping": {"fields": []},
          "hooks": {"postAggregate": {"_scriptId": "s", "function": "f"}}})"),
      ElementsAre(file("import.json") + ": import sink: $.responseMapping: not supported yet by "
                                        "this version of Sluice; remove it",
                  file("import.json") + ": import sink: $.hooks.postAggregate: not supported "
                                        "yet by this version of Sluice; remove it"));
  EXPECT_THAT(
      problems_with("flow.json", R"({"_id": "copy", "pageGenerators": [{"_exportId": "orders"}],
          "pageProcessors": [{"type": "import", "_importId": "sink",
                              "responseMapping": {"fields": []},
                              "hooks": {"postResponseMap": {"_scriptId": "s", "function": "f"}}}],
          "_runNextExportIds": []})"),
      ElementsAre(HasSubstr("flow copy: $._runNextExportIds: not supported yet")));
  EXPECT_THAT(problems_with("export.json", R"({"_id": "orders", "adaptorType": "HTTPExport",
          "_connectionId": "api", "inputFilter": {"type": "expression"}})"),
              ElementsAre(HasSubstr("export orders: $.inputFilter: only a lookup (isLookup: "
                                    "true) has an input filter; use $.filter on a source "
                                    "export")));
}

TEST_F(Apply, AFlowEntrysResponseMappingIsCompiledAtApplyNamingThePath) {
  EXPECT_THAT(
      problems_with("flow.json", R"({"_id": "copy", "pageGenerators": [{"_exportId": "orders"}],
          "pageProcessors": [{"type": "import", "_importId": "sink",
                              "responseMapping": {"fields": [{"extract": "id"}]}}]})"),
      ElementsAre(HasSubstr("flow copy: $.pageProcessors[0].responseMapping.fields[0]")));
}

TEST_F(Apply, AFlowEntrysPostResponseMapMustNameAScriptThatExists) {
  EXPECT_THAT(
      problems_with("flow.json", R"({"_id": "copy", "pageGenerators": [{"_exportId": "orders"}],
          "pageProcessors": [{"type": "import", "_importId": "sink",
                              "hooks": {"postResponseMap": {"_scriptId": "nope", "function": "f"}},
                              "responseMapping": {"fields": []}}]})"),
      ::testing::Contains(HasSubstr("flow copy: $.pageProcessors[0].hooks.postResponseMap")));
}

// Routers (docs/runtime.md "Routers"): each problem of the branching is refused with its path.
constexpr const char* kRouterFlowHead =
    R"({"_id": "copy", "pageGenerators": [{"_exportId": "orders"}], "routers": )";

TEST_F(Apply, AFlowWithRoutersIsStored) {
  write_samples("flow.json", std::string(kRouterFlowHead) + R"([
      {"id": "r1", "name": "By size", "routeRecordsTo": "all_matching_branches",
       "routeRecordsUsing": "input_filters",
       "branches": [
         {"name": "big", "inputFilter": {"version": "1",
                                         "rules": ["greaterthan", ["number", ["extract", "n"]], 2]},
          "pageProcessors": [{"type": "import", "_importId": "sink"}], "nextRouterId": "r2"},
         {"name": "rest", "pageProcessors": []}]},
      {"id": "r2", "branches": [{"name": "all",
                                 "pageProcessors": [{"type": "import", "_importId": "sink"}]}]}]})");
  ApplyReport report = apply();
  EXPECT_THAT(report.problems, IsEmpty());
  EXPECT_TRUE(stored(ResourceKind::kFlow, "copy"));
}

TEST_F(Apply, ABranchFilterThatDoesNotCompileIsRefusedWithItsRulePath) {
  EXPECT_THAT(
      problems_with("flow.json", std::string(kRouterFlowHead) + R"([{"id": "r1", "branches": [
        {"name": "a", "pageProcessors": []}, {"name": "b"},
        {"name": "c", "inputFilter": {"version": "1",
                                      "rules": ["and", ["equals", ["extract", "n"], 1],
                                                       ["nosuchop", 1]]}}]}])"
                                                                "}"),
      ElementsAre(HasSubstr("flow copy: $.routers[0].branches[2].inputFilter.rules[2]")));
}

TEST_F(Apply, AnUnknownNextRouterIdIsRefusedNamingTheBranch) {
  EXPECT_THAT(
      problems_with("flow.json", std::string(kRouterFlowHead) + R"([{"id": "r1", "branches": [
        {"name": "a"}, {"name": "b", "nextRouterId": "nope"}]}])"
                                                                "}"),
      ElementsAre(HasSubstr("flow copy: $.routers[0].branches[1].nextRouterId: no router "
                            "of the flow has the id \"nope\"")));
}

TEST_F(Apply, RoutersThatLoopAreRefusedNamingTheCycle) {
  EXPECT_THAT(problems_with("flow.json", std::string(kRouterFlowHead) + R"([
        {"id": "r1", "branches": [{"name": "a", "nextRouterId": "r2"}]},
        {"id": "r2", "branches": [{"name": "b", "nextRouterId": "r1"}]}])"
                                                                        "}"),
              ElementsAre(HasSubstr("flow copy: $.routers[1].branches[0].nextRouterId: \"r1\" "
                                    "makes a cycle ($.routers[0] -> $.routers[1] -> "
                                    "$.routers[0])")));
}

TEST_F(Apply, ARouterWithoutBranchesIsRefused) {
  EXPECT_THAT(
      problems_with("flow.json", std::string(kRouterFlowHead) + R"([{"id": "r1", "branches": []}])"
                                                                "}"),
      ElementsAre(HasSubstr("flow copy: $.routers[0].branches: expected at least one "
                            "branch")));
}

TEST_F(Apply, PageProcessorsAndRoutersTogetherAreRefused) {
  EXPECT_THAT(
      problems_with("flow.json", R"({"_id": "copy", "pageGenerators": [{"_exportId": "orders"}],
          "pageProcessors": [{"type": "import", "_importId": "sink"}],
          "routers": [{"branches": [{"name": "a"}]}]})"),
      ElementsAre(HasSubstr("flow copy: $.pageProcessors: a flow has pageProcessors (linear) or "
                            "routers (branching), not both")));
}

TEST_F(Apply, ARouterScriptMustNameAScriptThatExists) {
  EXPECT_THAT(problems_with("flow.json", std::string(kRouterFlowHead) +
                                             R"([{"id": "r1", "routeRecordsUsing": "script",
        "script": {"_scriptId": "nope", "function": "route"}, "branches": [{"name": "a"}]}])"
                                             "}"),
              ::testing::Contains(HasSubstr("$.routers[0].script")));
}

TEST_F(Apply, ABranchFilterOfAScriptRouterIsAppliedWithAWarningThatItIsNotUsed) {
  write_samples("flow.json", std::string(kRouterFlowHead) + R"([{"id": "r1",
      "routeRecordsUsing": "script", "script": {"_scriptId": "s", "function": "route"},
      "branches": [{"name": "a", "inputFilter": {"version": "1", "rules": []},
                    "pageProcessors": [{"type": "import", "_importId": "sink"}]}]}]})");
  write("s.json", R"({"_id": "s", "name": "s", "content": "function route() { return [0]; }"})");
  ApplyReport report = apply();
  EXPECT_THAT(report.problems, IsEmpty());
  EXPECT_THAT(report.warnings,
              ElementsAre(file("flow.json") +
                          ": flow copy: $.routers[0].branches[0].inputFilter is not used: "
                          "$.routers[0] routes with its script (routeRecordsUsing: \"script\"); "
                          "remove the filter or route with input_filters"));
}

TEST_F(Apply, ABranchProcessorNamingAMissingImportIsRefusedWithItsPath) {
  EXPECT_THAT(
      problems_with("flow.json", std::string(kRouterFlowHead) + R"([{"id": "r1", "branches": [
        {"name": "a", "pageProcessors": [{"type": "import", "_importId": "nope"}]}]}])"
                                                                "}"),
      ElementsAre(HasSubstr("flow copy: $.routers[0].branches[0].pageProcessors[0]."
                            "_importId: expected an existing import")));
}

TEST_F(Apply, AnUnknownFieldOfABranchIsRefusedWithItsPath) {
  EXPECT_THAT(problems_with("flow.json",
                            std::string(kRouterFlowHead) +
                                R"([{"id": "r1", "branches": [{"name": "a", "nextRouter": "x"}]}])"
                                "}"),
              ElementsAre(HasSubstr("$.routers[0].branches[0].nextRouter: unknown field")));
}

}  // namespace
}  // namespace sluice::host

namespace sluice::host {
namespace {

class ApplyWebhook : public Apply {};

TEST_F(ApplyWebhook, AListenerAppliesWithoutAConnectionAndItsSecretsAreSealed) {
  ApplyReport report = apply_one(R"({"_id": "hook", "adaptorType": "WebhookExport",
      "type": "webhook", "webhook": {"provider": "github", "key": "gh-signing-Secret-77"}})");
  EXPECT_THAT(report.problems, IsEmpty());
  auto masked = store_->get_resource(ResourceKind::kExport, "hook", Secrets::kMasked);
  ASSERT_TRUE(masked && *masked);
  EXPECT_EQ((**masked).at("webhook").at("key"), "******");
  auto revealed = store_->get_resource(ResourceKind::kExport, "hook", Secrets::kRevealed);
  ASSERT_TRUE(revealed && *revealed);
  EXPECT_EQ((**revealed).at("webhook").at("key"), "gh-signing-Secret-77");
}

TEST_F(ApplyWebhook, AListenerItCouldNotVerifyWithIsRefusedSayingWhatToSet) {
  ApplyReport report = apply_one(R"([
      {"_id": "a", "adaptorType": "WebhookExport", "webhook": {"verify": "hmac", "header": "X-S"}},
      {"_id": "b", "adaptorType": "WebhookExport",
       "webhook": {"verify": "hmac", "key": "k", "header": "X-S", "algorithm": "md5"}},
      {"_id": "c", "adaptorType": "WebhookExport", "webhook": {"provider": "dropbox"}},
      {"_id": "d", "adaptorType": "WebhookExport", "_connectionId": "api",
       "webhook": {"verify": "secret_url", "token": "t"}}])");
  EXPECT_THAT(report.problems,
              ElementsAre("<in> [0]: export a: $.webhook.key is missing: verify 'hmac' needs the "
                          "shared secret the sender signs with; set webhook.key",
                          "<in> [1]: export b: $.webhook.algorithm: expected one of \"sha1\", "
                          "\"sha256\", \"sha384\", \"sha512\", found string \"md5\"",
                          "<in> [2]: export c: $.webhook.provider: \"dropbox\" is not supported "
                          "yet by this version of Sluice; use one of \"custom\", \"github\", "
                          "\"shopify\", \"stripe\", \"slack\"",
                          "<in> [3]: export d: $._connectionId: not supported yet by this version "
                          "of Sluice: a webhook listener (WebhookExport) is fed by the requests "
                          "sent to it and has no connection; remove it"));
  EXPECT_FALSE(stored(ResourceKind::kExport, "a"));
}

}  // namespace
}  // namespace sluice::host
