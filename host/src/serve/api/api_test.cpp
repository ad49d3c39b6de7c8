// The REST API over real HTTP on loopback (serve::HttpServer, Poco's client): tokens, resources
// validated as `sluice apply` validates them, secrets masked and write-only, runs through the
// JobLauncher, jobs, errors, plugins, and the OpenAPI document against the router.
#include "serve/api/api.hpp"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>

#include "../../../../plugins/http/settings.hpp"
#include "serve/api/api_token.hpp"
#include "serve/http_server.hpp"
#include "store/test_home.hpp"

namespace sluice::serve {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;

constexpr char kToken[] = "slc_test-token-0123456789abcdefghijklmnopqrstuv";

constexpr char kConnection[] =
    R"({"_id": "api", "type": "http", "http": {"baseURI": "https://api.example.com",
        "auth": {"type": "basic", "basic": {"username": "u", "password": "p4ss-7c1d"}}}})";
constexpr char kExport[] =
    R"({"_id": "orders", "adaptorType": "HTTPExport", "_connectionId": "api",
        "http": {"relativeURI": "/orders"}})";

struct Reply {
  int status = 0;
  std::string body;
  std::string location;
  std::string www_authenticate;

  json::value json() const { return json::parse(body); }
};

// What the fake run function does: records its job as running, tells the launcher it has
// claimed the flow, then waits until the test opens the gate or the run is cancelled.
struct FakeRuns {
  std::mutex mutex;
  std::condition_variable changed;
  bool open = false;
  int started = 0;

  void release() {
    {
      std::lock_guard lock(mutex);
      open = true;
    }
    changed.notify_all();
  }
};

class ApiTest : public host::testing::StoreTest {
 protected:
  void SetUp() override {
    auto store = host::open_sqlite_store(home_.path());
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
    auto plugin = std::make_unique<host::LoadedPlugin>();
    plugin->id = "http";
    plugin->version = "1.2.3";
    host::ConnectorHandle c;
    c.name = "http";
    c.connection_type = "http";
    c.connection_schema = plugins::http::connection_schema().to_json();
    c.export_schema = plugins::http::export_schema().to_json();
    c.import_schema = plugins::http::import_schema().to_json();
    plugin->connectors.push_back(std::move(c));
    plugin->connectors[0].plugin = plugin.get();
    ASSERT_TRUE(registry_.add(std::move(plugin)));
    ASSERT_TRUE(store_->add_api_token({"ci", api_token_hash(kToken), "2026-12-01T00:00:00.000Z"}));
    launcher_ = std::make_unique<JobLauncher>(
        [this](const std::string& flow_id, const runtime::RunOptions& options) {
          return fake_run(flow_id, options);
        });
    context_ = std::make_unique<ApiContext>(ApiContext{*store_, registry_, *launcher_, {}});
    add_api_routes(router_, *context_);
    server_ = std::make_unique<HttpServer>(router_, ServerOptions{});
    ASSERT_TRUE(server_->start());
  }

  void TearDown() override {
    runs_.release();
    if (launcher_) launcher_->drain();
    if (server_) server_->stop();
  }

  Result<host::Job> fake_run(const std::string& flow_id, const runtime::RunOptions& options) {
    host::Job job;
    {
      std::lock_guard lock(runs_.mutex);
      job.id = "job-" + std::to_string(++runs_.started);
    }
    job.flow_id = flow_id;
    job.status = "running";
    job.started_at = "2026-12-01T00:00:00.000Z";
    if (auto put = store_->put_job(job); !put) return put.error();
    if (options.on_start) options.on_start(job);
    std::unique_lock lock(runs_.mutex);
    // Bounded: at most 3000 waits of 10 ms each for the gate or the cancel flag.
    for (int i = 0; i < 3000 && !runs_.open && !*options.cancelled; ++i) {
      runs_.changed.wait_for(lock, std::chrono::milliseconds(10));
    }
    lock.unlock();
    job.status = *options.cancelled ? "canceled" : "completed";
    job.ended_at = "2026-12-01T00:00:01.000Z";
    if (auto put = store_->put_job(job); !put) return put.error();
    return job;
  }

  Reply call(const std::string& method, const std::string& target, const std::string& body = "",
             std::optional<std::string> token = std::string(kToken)) {
    Poco::Net::HTTPClientSession session("127.0.0.1", server_->port());
    Poco::Net::HTTPRequest request(method, target, Poco::Net::HTTPMessage::HTTP_1_1);
    if (token) request.set("Authorization", "Bearer " + *token);
    request.setContentType("application/json");
    request.setContentLength64(static_cast<Poco::Int64>(body.size()));
    session.sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    std::ostringstream text;
    Poco::StreamCopier::copyStream(in, text);
    return {static_cast<int>(response.getStatus()), text.str(), response.get("Location", ""),
            response.get("WWW-Authenticate", "")};
  }

  void put_direct(host::ResourceKind kind, std::string_view doc) {
    json::object o = json::parse(doc).as_object();
    std::string id(o.at("_id").as_string());
    ASSERT_TRUE(store_->put_resources({host::Resource{kind, id, std::move(o), {}}}));
  }

  void put_flow(const std::string& id) {
    put_direct(host::ResourceKind::kFlow,
               R"({"_id": ")" + id + R"(", "pageGenerators": [{"_exportId": "orders"}]})");
  }

  std::unique_ptr<host::Store> store_;
  host::PluginRegistry registry_;
  FakeRuns runs_;
  std::unique_ptr<JobLauncher> launcher_;
  std::unique_ptr<ApiContext> context_;
  Router router_;
  std::unique_ptr<HttpServer> server_;
};

std::string error_message(const Reply& reply) {
  return std::string(reply.json().at("error").at("message").as_string());
}
std::string error_status(const Reply& reply) {
  return std::string(reply.json().at("error").at("status").as_string());
}

TEST_F(ApiTest, ARequestWithoutATokenGets401WithABearerChallengeAndSaysHowToGetOne) {
  const Reply reply = call("GET", "/api/v1/connections", "", std::nullopt);
  EXPECT_EQ(reply.status, 401);
  EXPECT_EQ(reply.www_authenticate, "Bearer realm=\"sluice\"");
  EXPECT_EQ(error_status(reply), "unauthorized");
  EXPECT_EQ(error_message(reply),
            "this request has no API token: send `Authorization: Bearer TOKEN` with a token made "
            "by `sluice token create NAME`");
}

TEST_F(ApiTest, AnUnknownOrRevokedTokenGets401) {
  EXPECT_EQ(call("GET", "/api/v1/jobs", "", std::string("slc_wrong")).status, 401);
  EXPECT_EQ(call("GET", "/api/v1/jobs").status, 200);
  ASSERT_TRUE(store_->revoke_api_token("ci"));
  const Reply reply = call("GET", "/api/v1/jobs");
  EXPECT_EQ(reply.status, 401);
  EXPECT_EQ(error_message(reply),
            "the API token is not valid (unknown or revoked): make one with `sluice token create "
            "NAME`");
}

TEST_F(ApiTest, TheStoredHashIsNotAToken) {
  EXPECT_EQ(call("GET", "/api/v1/jobs", "", api_token_hash(kToken)).status, 401);
}

TEST_F(ApiTest, TheOpenApiDocumentNeedsNoTokenAndIsTheFileInTheRepository) {
  const Reply reply = call("GET", "/api/v1/openapi.json", "", std::nullopt);
  ASSERT_EQ(reply.status, 200);
  std::ifstream in(SLUICE_OPENAPI_FILE, std::ios::binary);
  const std::string file{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  EXPECT_EQ(reply.body, file);
  EXPECT_EQ(reply.json().at("openapi").as_string(), "3.1.0");
}

TEST_F(ApiTest, EveryRouteIsInTheOpenApiDocumentAndEveryDocumentedOperationIsARoute) {
  std::set<std::string> routes;
  for (const Route& route : router_.routes()) routes.insert(route.method + " " + route.pattern);
  std::set<std::string> documented;
  const json::object doc = json::parse(api_openapi_document()).as_object();
  for (const auto& path : doc.at("paths").as_object()) {
    for (const auto& op : path.value().as_object()) {
      std::string method(op.key());
      if (method == "parameters" || method == "summary" || method == "description") continue;
      for (char& ch : method) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      documented.insert(method + " " + std::string(path.key()));
    }
  }
  EXPECT_EQ(routes, documented);
  EXPECT_EQ(routes.size(), 35u);  // 5 kinds x 5, run, 3 jobs, 3 errors, 2 plugins, the document
}

TEST_F(ApiTest, ACreatedConnectionIsStoredWithItsSecretMaskedInEveryAnswer) {
  const Reply created = call("POST", "/api/v1/connections", kConnection);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.location, "/api/v1/connections/api");
  EXPECT_EQ(created.json().at("resource").at("http").at("auth").at("basic").at("password"),
            "******");
  EXPECT_THAT(created.body, ::testing::Not(HasSubstr("p4ss-7c1d")));
  const Reply got = call("GET", "/api/v1/connections/api");
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.json().at("http").at("auth").at("basic").at("password"), "******");
  const Reply listed = call("GET", "/api/v1/connections");
  ASSERT_EQ(listed.status, 200);
  ASSERT_EQ(listed.json().as_array().size(), 1u);
  EXPECT_THAT(listed.body, ::testing::Not(HasSubstr("p4ss-7c1d")));
  auto revealed =
      store_->get_resource(host::ResourceKind::kConnection, "api", host::Secrets::kRevealed);
  ASSERT_TRUE(revealed && *revealed);
  EXPECT_EQ((**revealed).at("http").at("auth").at("basic").at("password"), "p4ss-7c1d");
}

TEST_F(ApiTest, ASecretMayBeAReferenceResolvedInTheServersEnvironment) {
  host::testing::ScopedEnv env("SLUICE_API_TEST_PASSWORD", "pw-env-5b0e");
  std::string doc = kConnection;
  doc.replace(doc.find("\"p4ss-7c1d\""), 11, R"({"$env": "SLUICE_API_TEST_PASSWORD"})");
  const Reply created = call("POST", "/api/v1/connections", doc);
  ASSERT_EQ(created.status, 201) << created.body;
  auto revealed =
      store_->get_resource(host::ResourceKind::kConnection, "api", host::Secrets::kRevealed);
  ASSERT_TRUE(revealed && *revealed);
  EXPECT_EQ((**revealed).at("http").at("auth").at("basic").at("password"), "pw-env-5b0e");
  env.set(std::nullopt);
  const Reply refused = call("PUT", "/api/v1/connections/api", doc);
  EXPECT_EQ(refused.status, 422);
  EXPECT_THAT(error_message(refused),
              HasSubstr("request body: connection api: $.http.auth.basic.password: "
                        "{\"$env\":\"SLUICE_API_TEST_PASSWORD\"}: environment variable "
                        "SLUICE_API_TEST_PASSWORD is not set"));
}

TEST_F(ApiTest, APutThatSendsTheMaskBackKeepsTheStoredSecretAndChangesTheRest) {
  ASSERT_EQ(call("POST", "/api/v1/connections", kConnection).status, 201);
  json::object doc = call("GET", "/api/v1/connections/api").json().as_object();
  doc["http"].as_object()["baseURI"] = "https://api2.example.com";
  const Reply put = call("PUT", "/api/v1/connections/api", json::serialize(doc));
  ASSERT_EQ(put.status, 200) << put.body;
  auto revealed =
      store_->get_resource(host::ResourceKind::kConnection, "api", host::Secrets::kRevealed);
  ASSERT_TRUE(revealed && *revealed);
  EXPECT_EQ((**revealed).at("http").at("auth").at("basic").at("password"), "p4ss-7c1d");
  EXPECT_EQ((**revealed).at("http").at("baseURI"), "https://api2.example.com");
}

TEST_F(ApiTest, AnInvalidExportIsRefusedWith422NamingTheJsonPathAndNothingIsStored) {
  ASSERT_EQ(call("POST", "/api/v1/connections", kConnection).status, 201);
  const Reply reply = call("POST", "/api/v1/exports",
                           R"({"_id": "orders", "adaptorType": "HTTPExport",
                               "_connectionId": "api", "http": {"relativeURI": 7}})");
  ASSERT_EQ(reply.status, 422) << reply.body;
  EXPECT_EQ(error_status(reply), "invalid_config");
  const json::value body = reply.json();
  const json::array& problems = body.at("error").at("problems").as_array();
  ASSERT_EQ(problems.size(), 1u) << reply.body;
  EXPECT_EQ(problems[0],
            "request body: export orders: $.http.relativeURI: expected a string, found number 7");
  EXPECT_EQ(call("GET", "/api/v1/exports/orders").status, 404);
}

TEST_F(ApiTest, AnExportReferencingAMissingConnectionIsRefusedAsApplyRefusesIt) {
  const Reply reply = call("POST", "/api/v1/exports", kExport);
  ASSERT_EQ(reply.status, 422) << reply.body;
  EXPECT_EQ(reply.json().at("error").at("problems").as_array()[0],
            "request body: export orders: $._connectionId: expected an existing connection, "
            "found \"api\", which is neither in this apply nor in the store");
}

TEST_F(ApiTest, ADocumentOfAnotherKindIsRefusedAtItsCollection) {
  const Reply reply = call("POST", "/api/v1/exports", kConnection);
  ASSERT_EQ(reply.status, 422) << reply.body;
  EXPECT_EQ(reply.json().at("error").at("problems").as_array()[0],
            "request body: expected a export, found a connection (from its fields: see "
            "docs/resources.md)");
}

TEST_F(ApiTest, ABodyThatIsNotJsonIsRefusedWithItsLineAndColumn) {
  const Reply reply = call("POST", "/api/v1/connections", "{\"_id\": \"a\",\n  \"type\": }");
  ASSERT_EQ(reply.status, 400);
  EXPECT_THAT(error_message(reply), HasSubstr("request body:2:"));
  EXPECT_EQ(call("POST", "/api/v1/connections", "[1]").status, 400);
}

TEST_F(ApiTest, CreateWithoutAnIdMakesOneAndCreateOfAnExistingIdIs409) {
  const Reply created = call("POST", "/api/v1/connections",
                             R"({"type": "http", "http": {"baseURI": "https://a.example.com"}})");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id(created.json().at("resource").at("_id").as_string());
  EXPECT_EQ(id.size(), 24u);
  EXPECT_EQ(created.location, "/api/v1/connections/" + id);
  ASSERT_EQ(call("POST", "/api/v1/connections", kConnection).status, 201);
  const Reply again = call("POST", "/api/v1/connections", kConnection);
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(error_message(again),
            "request body: $._id: connection api exists already; change it with PUT "
            "/api/v1/connections/api");
}

TEST_F(ApiTest, PutOfAMissingResourceIs404AndOfAnotherIdIs422) {
  EXPECT_EQ(call("PUT", "/api/v1/connections/api", kConnection).status, 404);
  ASSERT_EQ(call("POST", "/api/v1/connections", kConnection).status, 201);
  const Reply other = call("PUT", "/api/v1/connections/other", kConnection);
  EXPECT_EQ(other.status, 422);
  EXPECT_EQ(error_message(other),
            "request body: $._id: expected \"other\", the id in the path, found \"api\"; an id "
            "cannot change — create the new one with POST /api/v1/connections");
}

TEST_F(ApiTest, AResourceInUseCannotBeDeletedAndAnUnusedOneIs) {
  ASSERT_EQ(call("POST", "/api/v1/connections", kConnection).status, 201);
  ASSERT_EQ(call("POST", "/api/v1/exports", kExport).status, 201);
  const Reply in_use = call("DELETE", "/api/v1/connections/api");
  EXPECT_EQ(in_use.status, 409);
  EXPECT_EQ(error_message(in_use),
            "connection api is used by export orders; change or delete that first");
  EXPECT_EQ(call("DELETE", "/api/v1/exports/orders").status, 200);
  EXPECT_EQ(call("GET", "/api/v1/exports/orders").status, 404);
  EXPECT_EQ(call("DELETE", "/api/v1/connections/api").status, 200);
  const Reply gone = call("DELETE", "/api/v1/connections/api");
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(error_message(gone), "no connection api; GET /api/v1/connections lists them");
}

TEST_F(ApiTest, RunAnswers202WithTheClaimedJobAnd409WhileTheFlowRuns) {
  put_flow("copy");
  const Reply first = call("POST", "/api/v1/flows/copy/run");
  ASSERT_EQ(first.status, 202) << first.body;
  EXPECT_EQ(first.json().at("jobId"), "job-1");
  EXPECT_EQ(first.location, "/api/v1/jobs/job-1");
  const Reply second = call("POST", "/api/v1/flows/copy/run");
  EXPECT_EQ(second.status, 409);
  EXPECT_EQ(error_message(second),
            "flow copy is already running; GET /api/v1/jobs?flow=copy shows its job");
  EXPECT_EQ(call("POST", "/api/v1/flows/nope/run").status, 404);
}

TEST_F(ApiTest, CancelStopsARunningJobAndRefusesOneThatHasEnded) {
  put_flow("copy");
  ASSERT_EQ(call("POST", "/api/v1/flows/copy/run").status, 202);
  const Reply cancel = call("POST", "/api/v1/jobs/job-1/cancel");
  ASSERT_EQ(cancel.status, 202) << cancel.body;
  EXPECT_EQ(cancel.json().at("status"), "canceling");
  ASSERT_TRUE(launcher_->drain());
  const Reply job = call("GET", "/api/v1/jobs/job-1");
  ASSERT_EQ(job.status, 200);
  EXPECT_EQ(job.json().at("status"), "canceled");
  const Reply again = call("POST", "/api/v1/jobs/job-1/cancel");
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(error_message(again), "job job-1 is canceled, not running; nothing to cancel");
  EXPECT_EQ(call("POST", "/api/v1/jobs/job-9/cancel").status, 404);
}

TEST_F(ApiTest, JobsAreListedNewestFirstByFlowWithABoundedLimit) {
  for (const char* id : {"j1", "j2"}) {
    host::Job job;
    job.id = id;
    job.flow_id = id == std::string("j1") ? "a" : "b";
    job.status = "completed";
    job.started_at =
        id == std::string("j1") ? "2026-12-01T00:00:00.000Z" : "2026-12-01T01:00:00.000Z";
    ASSERT_TRUE(store_->put_job(job));
  }
  const Reply all = call("GET", "/api/v1/jobs");
  ASSERT_EQ(all.status, 200);
  ASSERT_EQ(all.json().as_array().size(), 2u);
  EXPECT_EQ(all.json().as_array()[0].at("_id"), "j2");
  const Reply of_a = call("GET", "/api/v1/jobs?flow=a");
  ASSERT_EQ(of_a.json().as_array().size(), 1u);
  EXPECT_EQ(of_a.json().as_array()[0].at("_id"), "j1");
  const Reply bad = call("GET", "/api/v1/jobs?limit=0");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(error_message(bad),
            "query parameter limit: expected a whole number from 1 to 10000, found \"0\"");
  EXPECT_EQ(call("GET", "/api/v1/jobs/j1").json().at("_flowId"), "a");
  EXPECT_EQ(call("GET", "/api/v1/jobs/zz").status, 404);
}

TEST_F(ApiTest, ErrorsAreListedAndResolvedAsSluiceErrorsDoes) {
  put_flow("copy");
  std::vector<host::JobError> errors;
  for (const char* id : {"e1", "e2"}) {
    host::JobError e;
    e.id = id;
    e.job_id = "j1";
    e.flow_id = "copy";
    e.step_id = "orders";
    e.code = "422";
    e.message = "bad";
    e.occurred_at =
        id == std::string("e1") ? "2026-12-01T00:00:00.000Z" : "2026-12-01T00:00:01.000Z";
    errors.push_back(e);
  }
  ASSERT_TRUE(store_->add_errors(errors));
  const Reply open = call("GET", "/api/v1/flows/copy/errors");
  ASSERT_EQ(open.status, 200) << open.body;
  ASSERT_EQ(open.json().as_array().size(), 2u);
  const Reply missing = call("POST", "/api/v1/flows/copy/errors/resolve", R"({"ids": ["e9"]})");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(error_message(missing),
            "no error e9 in flow copy; nothing was resolved — GET /api/v1/flows/copy/errors lists "
            "them");
  const Reply resolved = call("POST", "/api/v1/flows/copy/errors/resolve", R"({"ids": ["e1"]})");
  ASSERT_EQ(resolved.status, 200) << resolved.body;
  EXPECT_EQ(resolved.json().at("resolved"), 1);
  ASSERT_EQ(call("GET", "/api/v1/flows/copy/errors").json().as_array().size(), 1u);
  ASSERT_EQ(call("GET", "/api/v1/flows/copy/errors?resolved=true").json().as_array().size(), 1u);
  const Reply unknown_field = call("POST", "/api/v1/flows/copy/errors/resolve", R"({"id": "e2"})");
  EXPECT_EQ(unknown_field.status, 422);
  EXPECT_EQ(error_message(unknown_field),
            "request body: $.id: unknown field; expected \"step\" and \"ids\"");
  EXPECT_EQ(call("POST", "/api/v1/flows/copy/errors/resolve").json().at("resolved"), 1);
  EXPECT_EQ(call("GET", "/api/v1/flows/copy/errors").json().as_array().size(), 0u);
  EXPECT_EQ(call("GET", "/api/v1/flows/nope/errors").status, 404);
}

TEST_F(ApiTest, RetryWithNothingToRetryAnswersWhyAsSluiceErrorsRetryDoes) {
  put_flow("copy");
  const Reply reply = call("POST", "/api/v1/flows/copy/errors/retry");
  EXPECT_GE(reply.status, 400) << reply.body;
  EXPECT_LT(reply.status, 500) << reply.body;
  EXPECT_FALSE(error_message(reply).empty());
}

TEST_F(ApiTest, PluginsAreListedAndOneIsDescribedWithItsSchemas) {
  const Reply list = call("GET", "/api/v1/plugins");
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.json().as_array().size(), 1u);
  EXPECT_EQ(list.json().as_array()[0].at("id"), "http");
  EXPECT_FALSE(
      list.json().as_array()[0].at("connectors").as_array()[0].as_object().contains("connection"));
  const Reply info = call("GET", "/api/v1/plugins/http");
  ASSERT_EQ(info.status, 200);
  EXPECT_EQ(info.json().at("version"), "1.2.3");
  EXPECT_TRUE(info.json().at("connectors").as_array()[0].at("connection").is_object());
  EXPECT_EQ(call("GET", "/api/v1/plugins/nope").status, 404);
}

}  // namespace
}  // namespace sluice::serve
