// proceedOnFailure on a flow's processor entry, as integrator.io documents it ("records that fail
// in this processor continue to subsequent steps"): the flag is on the step where a record fails,
// and the record, still counted once as an error, goes on through the later imports (page.hpp,
// "Proceeding"). Run by the real runtime with the memory plugin.
#include <algorithm>
#include <set>

#include <gtest/gtest.h>

#include "runtime_fixture.hpp"

namespace sluice::runtime {
namespace {

class ProceedOnFailureFlows : public Runtime {
 protected:
  // Flow f: export a (A1, A2), then imports x, y, z; `proceeds` names those with the flag.
  void put_three_imports(const std::set<std::string>& proceeds) {
    put_export("a", {{"count", 2}, {"prefix", "A"}});
    json::array processors;
    for (const char* id : {"x", "y", "z"}) {
      processors.push_back(json::object{
          {"type", "import"}, {"_importId", id}, {"proceedOnFailure", proceeds.contains(id)}});
    }
    put(ResourceKind::kFlow, {{"_id", "f"},
                              {"pageGenerators", json::array{json::object{{"_exportId", "a"}}}},
                              {"pageProcessors", std::move(processors)}});
  }
  std::vector<std::string> error_steps() {
    auto errors = store_->list_errors("f", 10);
    EXPECT_TRUE(errors);
    std::vector<std::string> out;
    if (errors) {
      for (const auto& e : *errors) out.push_back(e.step_id + " " + e.message);
    }
    std::sort(out.begin(), out.end());
    return out;
  }
};

TEST_F(ProceedOnFailureFlows, ARecordFailingAtAStepWithTheFlagGoesOnThroughEveryLaterImport) {
  put_import("x", {{"rejectIds", json::array{"A1"}}});
  put_import("y", {});
  put_import("z", {});
  put_three_imports({"x"});
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(imported()["x"], std::vector<std::string>{"A1,A2"});
  EXPECT_EQ(imported()["y"], std::vector<std::string>{"A1,A2"});
  EXPECT_EQ(imported()["z"], std::vector<std::string>{"A1,A2"});
  EXPECT_EQ(job.num_export, 2);
  EXPECT_EQ(job.num_success, 1);
  EXPECT_EQ(job.num_error, 1);  // A1, once
  expect_identity(job);
  EXPECT_EQ(error_steps(), std::vector<std::string>{"x memory import x rejected A1"});
}

TEST_F(ProceedOnFailureFlows, TheFlagOnALaterStepDoesNotTakeRecordsAnEarlierStepFailed) {
  put_import("x", {{"rejectIds", json::array{"A1"}}});
  put_import("y", {});
  put_import("z", {});
  put_three_imports({"y", "z"});
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(imported()["y"], std::vector<std::string>{"A2"});
  EXPECT_EQ(imported()["z"], std::vector<std::string>{"A2"});
  EXPECT_EQ(job.num_error, 1);
  expect_identity(job);
}

TEST_F(ProceedOnFailureFlows, ARecordThatFailsAgainStopsThereUnlessThatStepHasTheFlagToo) {
  put_import("x", {{"rejectIds", json::array{"A1"}}});
  put_import("y", {{"rejectIds", json::array{"A1"}}});
  put_import("z", {});
  put_three_imports({"x"});
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(imported()["y"], std::vector<std::string>{"A1,A2"});
  EXPECT_EQ(imported()["z"], std::vector<std::string>{"A2"});
  // One record in error, with an error at each step it failed (each retried from its own step).
  EXPECT_EQ(job.num_export, 2);
  EXPECT_EQ(job.num_success, 1);
  EXPECT_EQ(job.num_error, 1);
  expect_identity(job);
  EXPECT_EQ(error_steps(), (std::vector<std::string>{"x memory import x rejected A1",
                                                     "y memory import y rejected A1"}));
}

TEST_F(ProceedOnFailureFlows, WithTheFlagOnEachFailingStepTheRecordReachesTheLastImport) {
  put_import("x", {{"rejectIds", json::array{"A1"}}});
  put_import("y", {{"rejectIds", json::array{"A1"}}});
  put_import("z", {});
  put_three_imports({"x", "y"});
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(imported()["z"], std::vector<std::string>{"A1,A2"});
  EXPECT_EQ(job.num_error, 1);
  expect_identity(job);
}

}  // namespace
}  // namespace sluice::runtime
