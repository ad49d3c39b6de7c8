// Specifies the pipeline inside a real job (runtime/flow_runner.hpp, docs/runtime.md): the order
// of the export steps (recording steps put in their slots), what steps may do to a page and how
// it is counted, the retry data of a record failed after a step changed it, and SubmitStep alone.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "plugins/connector_client.hpp"
#include "runtime/export_steps.hpp"
#include "runtime/job_recorder.hpp"
#include "runtime/submit_step.hpp"
#include "runtime_fixture.hpp"

namespace sluice::runtime {
namespace {

using ::testing::ElementsAre;

// Whatever `act` does, with what the step saw: "id:trail" for each live record, in page order,
// where trail is the record's "trail" array joined by '+'.
class RecordingStep : public Step {
 public:
  using Act = std::function<Result<StepResult>(Page&)>;
  RecordingStep(std::string id, std::vector<std::string>& seen, Act act)
      : id_(std::move(id)), seen_(seen), act_(std::move(act)) {}
  std::string_view kind() const override { return "recording"; }
  const std::string& name() const override { return id_; }
  const std::string& step_id() const override { return id_; }
  Result<StepResult> run(Page& page, const StepContext&) override {
    std::string line = id_ + ":";
    for (size_t i = 0; i < page.size(); ++i) {
      if (!page.alive(i)) continue;
      const json::object& r = page.record(i).as_object();
      std::string trail;
      if (auto* t = r.if_contains("trail")) {
        for (const auto& s : t->as_array())
          trail += (trail.empty() ? "" : "+") + std::string(s.as_string());
      }
      line += " " + std::string(r.at("id").as_string()) + "[" + trail + "]";
    }
    seen_.push_back(line);
    return act_ ? act_(page) : StepResult{};
  }

 private:
  std::string id_;
  std::vector<std::string>& seen_;
  Act act_;
};

// Adds the step's name to every live record's "trail".
Result<StepResult> stamp(Page& page, std::string_view name) {
  for (size_t i = 0; i < page.size(); ++i) {
    if (!page.alive(i)) continue;
    json::object& r = page.mutable_record(i).as_object();
    if (!r.contains("trail")) r["trail"] = json::array();
    r["trail"].as_array().emplace_back(name);
  }
  return StepResult{};
}

class PipelineRun : public Runtime {
 protected:
  // Puts recording steps in the export slots that `acts` names (the other slots stay empty).
  RunOptions recording(std::map<ExportSlot, RecordingStep::Act> acts) {
    RunOptions options;
    options.export_step_maker =
        [this, acts](ExportSlot slot, const GeneratorStep&) -> Result<std::unique_ptr<Step>> {
      auto found = acts.find(slot);
      if (found == acts.end()) return std::unique_ptr<Step>();
      return std::unique_ptr<Step>(
          std::make_unique<RecordingStep>(std::string(to_string(slot)), seen_, found->second));
    };
    return options;
  }
  std::vector<host::JobError> errors_of(const std::string& flow) {
    auto errors = store_->list_errors(flow, 100);
    EXPECT_TRUE(errors);
    return errors ? *errors : std::vector<host::JobError>{};
  }
  std::vector<std::string> seen_;
};

TEST_F(PipelineRun, ExportStepsRunAsIntegratorIoOrdersThemEachSeeingWhatTheOneBeforeLeft) {
  put_export("a", {{"count", 3}, {"pagesOf", 3}, {"prefix", "A"}}, 3);
  put_import("x", {});
  put_flow("f", {"a"}, {"x"});
  const Job job =
      run("f", recording({{ExportSlot::kPreSavePage,
                           [](Page& p) -> Result<StepResult> {
                             stamp(p, "hook");
                             std::vector<json::value> records;
                             for (size_t i = 0; i < p.size(); ++i)
                               if (p.alive(i)) records.emplace_back(p.record(i), p.storage());
                             records.emplace_back(json::object{{"id", "NEW"}}, p.storage());
                             p.replace_live(std::move(records));
                             return StepResult{};
                           }},
                          {ExportSlot::kFilter,
                           [](Page& p) -> Result<StepResult> {
                             p.ignore(1);
                             return stamp(p, "filter");
                           }},
                          {ExportSlot::kTransform,
                           [](Page& p) -> Result<StepResult> { return stamp(p, "transform"); }}}));
  ASSERT_EQ(job.status, "completed") << job.message;
  EXPECT_THAT(seen_, ElementsAre("transform: A1[] A2[] A3[]",
                                 "filter: A1[transform] A2[transform] A3[transform]",
                                 "hooks.preSavePage: A1[transform+filter] A3[transform+filter]"));
  EXPECT_EQ(imported()["x"], std::vector<std::string>{"A1,A3,NEW"});
  // 3 exported + 1 the hook added = 3 success + 1 the filter ignored.
  EXPECT_EQ(job.num_export, 4);
  EXPECT_EQ(job.num_success, 3);
  EXPECT_EQ(job.num_ignore, 1);
  EXPECT_EQ(job.num_error, 0);
}

TEST_F(PipelineRun, RecordsAStepRemovesAreCountedAsIgnored) {
  put_export("a", {{"count", 5}, {"pagesOf", 5}, {"prefix", "A"}}, 5);
  put_import("x", {});
  put_flow("f", {"a"}, {"x"});
  const Job job = run("f", recording({{ExportSlot::kPreSavePage, [](Page& p) -> Result<StepResult> {
                                         std::vector<json::value> first;
                                         first.emplace_back(p.record(0), p.storage());
                                         p.replace_live(std::move(first));
                                         return StepResult{};
                                       }}}));
  ASSERT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(imported()["x"], std::vector<std::string>{"A1"});
  EXPECT_EQ(job.num_export, 5);
  EXPECT_EQ(job.num_success, 1);
  EXPECT_EQ(job.num_ignore, 4);
  expect_identity(job);
}

TEST_F(PipelineRun, AStepAskingToAbortStopsPagingItsSourceAfterThatPageAndTheNextSourceRuns) {
  put_export("a", {{"count", 40}, {"pagesOf", 2}, {"prefix", "A"}}, 2);
  put_export("b", {{"count", 3}, {"pagesOf", 3}, {"prefix", "B"}}, 3);
  put_import("x", {});
  put_flow("f", {"a", "b"}, {"x"});
  const Job job =
      run("f", recording({{ExportSlot::kPreSavePage, [](Page& p) -> Result<StepResult> {
                             StepResult r;
                             r.abort = json::value_to<std::string>(p.record(0).at("id")) == "A1";
                             return r;
                           }}}));
  ASSERT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(imported()["x"], (std::vector<std::string>{"A1,A2", "B1,B2,B3"}))
      << "the aborting page still goes on, and so does the next source";
  EXPECT_EQ(job.num_export, 5);
  EXPECT_EQ(job.num_pages_generated, 2);
  size_t fetched = 0;
  for (const auto& line : log_lines()) fetched += line.rfind("E A ", 0) == 0 ? 1 : 0;
  EXPECT_LT(fetched, 20u) << "export a was read to its end";
}

TEST_F(PipelineRun, JobErrorsAStepAddsAreStoredButCountNoRecord) {
  put_export("a", {{"count", 2}, {"pagesOf", 2}, {"prefix", "A"}}, 2);
  put_import("x", {});
  put_flow("f", {"a"}, {"x"});
  const Job job = run("f", recording({{ExportSlot::kPreSavePage, [](Page&) -> Result<StepResult> {
                                         StepResult r;
                                         host::JobError e;
                                         e.code = "hook";
                                         e.message = "order A9 is missing upstream";
                                         r.job_errors.push_back(e);
                                         return r;
                                       }}}));
  ASSERT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(job.num_export, 2);
  EXPECT_EQ(job.num_success, 2);
  EXPECT_EQ(job.num_error, 0);
  const auto errors = errors_of("f");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].step_id, "a");
  EXPECT_EQ(errors[0].code, "hook");
  EXPECT_EQ(errors[0].message, "order A9 is missing upstream");
  EXPECT_EQ(errors[0].job_id, job.id);
}

TEST_F(PipelineRun, AnExportStepThatCannotRunFailsTheJobWithItsMessageAndItsPagesRecordsAsErrors) {
  put_export("a", {{"count", 4}, {"pagesOf", 2}, {"prefix", "A"}}, 2);
  put_import("x", {});
  put_flow("f", {"a"}, {"x"});
  const Job job = run("f", recording({{ExportSlot::kTransform, [](Page&) -> Result<StepResult> {
                                         return make_error(Status::kInvalidConfig,
                                                           "transform: the script is broken");
                                       }}}));
  EXPECT_EQ(job.status, "failed");
  EXPECT_THAT(job.message, ::testing::StartsWith("transform: the script is broken"));
  EXPECT_EQ(job.num_export, 2);
  EXPECT_EQ(job.num_error, 2);
  EXPECT_TRUE(imported()["x"].empty());
  expect_identity(job);
}

TEST_F(PipelineRun, ARecordAnImportRejectsKeepsTheRecordAsItEnteredTheImportAsRetryData) {
  put_export("a", {{"count", 2}, {"pagesOf", 2}, {"prefix", "A"}}, 2);
  put_import("x", {{"rejectIds", json::array{"A2"}}});
  put_flow("f", {"a"}, {"x"});
  const Job job = run("f", recording({{ExportSlot::kTransform, [](Page& p) -> Result<StepResult> {
                                         return stamp(p, "transform");
                                       }}}));
  EXPECT_EQ(job.num_error, 1);
  const auto errors = errors_of("f");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].step_id, "x");
  EXPECT_EQ(errors[0].retry_data, json::parse(R"({"id":"A2","n":2,"trail":["transform"]})"));
}

TEST_F(PipelineRun, ARecordOverTheRecordLimitFailsAtTheStepThatGrewItAndTheRestGoesOn) {
  put_export("a", {{"count", 3}, {"pagesOf", 3}, {"prefix", "A"}}, 3);
  put_import("x", {});
  put_flow("f", {"a"}, {"x"});
  RunOptions options = recording({{ExportSlot::kTransform, [](Page& p) -> Result<StepResult> {
                                     p.mutable_record(1).as_object()["pad"] = std::string(300, 'p');
                                     return StepResult{};
                                   }}});
  options.record_bytes = 200;
  const Job job = run("f", options);
  ASSERT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(imported()["x"], std::vector<std::string>{"A1,A3"});
  EXPECT_EQ(job.num_error, 1);
  const auto errors = errors_of("f");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].step_id, "transform");
  EXPECT_EQ(errors[0].message,
            "record 2 (id \"A2\") of flow page 1 is 326 bytes of JSON after recording transform, "
            "over the limit of 200 bytes per record (SLUICE_RECORD_LIMIT_BYTES); make it smaller "
            "at its source or in a transformation");
}

TEST_F(PipelineRun, AnExportSlotThatDoesNotCompileFailsTheJobInsteadOfBeingIgnored) {
  // `sluice apply` refuses such a document; one stored by another version still must not be
  // ignored: the job fails before any record is sent.
  put_export("a", {{"count", 2}}, 0, {{"filter", json::object{{"type", "expression"}}}});
  put_import("x", {});
  put_flow("f", {"a"}, {"x"});
  const Job job = run("f");
  EXPECT_EQ(job.status, "failed");
  EXPECT_EQ(job.message,
            "export a: $.filter: \"type\" is \"expression\" but \"expression\" is missing; add "
            "\"expression\": {\"version\": \"1\", \"rules\": [...]}");
  EXPECT_EQ(job.num_export, 0);
  EXPECT_TRUE(imported()["x"].empty());
}

// SubmitStep alone, on a page it is handed: the memory import's results decoded per record.
TEST_F(PipelineRun, SubmitStepSendsTheLiveRecordsAndDecodesOneResultPerRecord) {
  auto connector = registry_.connector_for(json::object{{"type", "memory"}});
  ASSERT_TRUE(connector);
  auto connection = host::RemoteConnection::open(**connector, R"({"_id":"mem","type":"memory"})",
                                                 "connection mem", nullptr, {});
  ASSERT_TRUE(connection) << connection.error().message;
  auto imp =
      (*connection)
          ->open_import(
              json::serialize(json::object{
                  {"_id", "x"}, {"memory", {{"name", "x"}, {"log", log_}, {"rejectIds", {"A3"}}}}}),
              "import x");
  ASSERT_TRUE(imp) << imp.error().message;
  host::RemoteImport* opened = imp->get();
  SubmitStep step("x", "x", "memory", false,
                  [&]() -> Result<host::RemoteImport*> { return opened; });
  auto source =
      parse_page_source(R"({"records": [{"id": "A1"}, {"id": "A2"}, {"id": "A3"}, {"id": "A4"}]})");
  runtime::Page page(source, 0, 4);
  page.ignore(1);
  page.fail(3, "earlier", "c", "failed before");
  auto ran = step.run(page, StepContext{});
  ASSERT_TRUE(ran) << ran.error().message;
  EXPECT_EQ(imported()["x"], std::vector<std::string>{"A1,A3"});
  EXPECT_EQ(page.state(0), RecordState::kAlive);
  EXPECT_EQ(page.state(1), RecordState::kIgnored);
  ASSERT_EQ(page.state(2), RecordState::kFailed);
  EXPECT_EQ(page.error(2)->step_id, "x");
  EXPECT_EQ(page.error(2)->code, "rejected");
  EXPECT_EQ(page.error(2)->message, "memory import x rejected A3");
  EXPECT_EQ(page.error(3)->step_id, "earlier");
}

TEST_F(PipelineRun, SubmitStepSendsTheFailedRecordsThatProceedTooAndAFailureAgainIsASecondError) {
  auto connector = registry_.connector_for(json::object{{"type", "memory"}});
  ASSERT_TRUE(connector);
  auto connection = host::RemoteConnection::open(**connector, R"({"_id":"mem","type":"memory"})",
                                                 "connection mem", nullptr, {});
  ASSERT_TRUE(connection);
  auto imp =
      (*connection)
          ->open_import(
              json::serialize(json::object{
                  {"_id", "y"}, {"memory", {{"name", "y"}, {"log", log_}, {"rejectIds", {"A2"}}}}}),
              "import y");
  ASSERT_TRUE(imp);
  host::RemoteImport* opened = imp->get();
  SubmitStep step("y", "y", "memory", false,
                  [&]() -> Result<host::RemoteImport*> { return opened; });
  runtime::Page page(
      parse_page_source(R"({"records": [{"id": "A1"}, {"id": "A2"}, {"id": "A3"}]})"), 0, 3);
  page.fail(1, "x", "c", "failed at x");
  page.proceed(1);  // x had proceedOnFailure
  page.fail(2, "x", "c", "failed at x");
  ASSERT_TRUE(step.run(page, StepContext{}));
  // A3 does not proceed: not sent. A2 is, and y rejects it: an error at y too, still one record.
  EXPECT_EQ(imported()["y"], std::vector<std::string>{"A1,A2"});
  EXPECT_EQ(page.count(RecordState::kFailed), 2u);
  EXPECT_EQ(page.error(1)->step_id, "x") << "error(i) is the first step that failed it";
  EXPECT_FALSE(page.proceeds(1)) << "y has no proceedOnFailure: A2 stops at y";
  std::vector<std::string> errors;
  for (const RecordError& e : page.take_errors()) errors.push_back(e.step_id + ": " + e.message);
  EXPECT_EQ(errors, (std::vector<std::string>{"x: failed at x", "x: failed at x",
                                              "y: memory import y rejected A2"}));
}

TEST_F(PipelineRun, ASubmitThatCannotReachTheImportFailsItsRecordsAndAFatalOneFailsTheJob) {
  SubmitStep step("x", "orders", "memory", false, []() -> Result<host::RemoteImport*> {
    return make_error(Status::kAuthFailed, "credentials refused");
  });
  runtime::Page page(parse_page_source(R"({"records": [{"id": "A1"}]})"), 0, 1);
  auto ran = step.run(page, StepContext{});
  ASSERT_FALSE(ran);
  EXPECT_EQ(ran.error().message, "import orders failed: credentials refused");
  ASSERT_EQ(page.state(0), RecordState::kFailed);
  EXPECT_EQ(page.error(0)->message, "credentials refused");
  EXPECT_EQ(page.error(0)->retry_data, json::parse(R"({"id": "A1"})"));
}

// The identity numExport = numSuccess + numIgnore + numError is a bug when it fails: a debug build
// aborts, a release build records it in the job.
TEST_F(PipelineRun, CountsThatDoNotAddUpAbortADebugBuildAndFailTheJobInARelease) {
  put_export("a", {});
  put_flow("f", {"a"}, {});
  auto finish_wrong = [&] {
    auto recorder = JobRecorder::claim(*store_, "f", nullptr);
    if (!recorder) return Job{};
    recorder->page_in_flight("a", json::array{"A1", "A2", "A3"});
    recorder->commit_page({3, 1, 1, 0}, {}, nullptr);
    return recorder->finish();
  };
#ifdef NDEBUG
  const Job job = finish_wrong();
  EXPECT_EQ(job.status, "failed");
  EXPECT_THAT(job.message,
              ::testing::StartsWith("internal error: the counts do not add up (exported 3 but "
                                    "success 1 + ignored 1 + errors 0) — please report it"));
#else
  EXPECT_DEATH(finish_wrong(), "numExport != numSuccess \\+ numIgnore \\+ numError");
#endif
}

}  // namespace
}  // namespace sluice::runtime
