// Specifies the one reading of a flow document that apply, get and run share
// (runtime/flow_document.hpp): what it lists and how it words each problem.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "runtime/flow_document.hpp"

namespace sluice::runtime {
namespace {

namespace json = boost::json;
using ::testing::ElementsAre;

FlowDocument read(std::string_view text, std::vector<std::string>& problems) {
  return read_flow_document("f", json::parse(text).as_object(), problems);
}

TEST(FlowDocument, ListsSourcesAndProcessorsInOrderWithTheirPathsAndSettings) {
  std::vector<std::string> problems;
  const FlowDocument flow = read(R"({"name": "Copy", "settings": {"x": 1},
      "pageGenerators": [{"_exportId": "a"}, {"_exportId": "b"}],
      "pageProcessors": [{"type": "import", "_importId": "i", "proceedOnFailure": true}]})",
                                 problems);
  EXPECT_TRUE(problems.empty());
  EXPECT_EQ(flow.name, "Copy");
  EXPECT_EQ(flow.settings, json::parse(R"({"x": 1})"));
  ASSERT_EQ(flow.sources.size(), 2u);
  EXPECT_EQ(flow.sources[1].path, "$.pageGenerators[1]");
  EXPECT_EQ(flow.sources[1].export_id, "b");
  ASSERT_EQ(flow.processors.size(), 1u);
  EXPECT_EQ(flow.processors[0].type, "import");
  EXPECT_EQ(flow.processors[0].id, "i");
  EXPECT_TRUE(flow.processors[0].proceed_on_failure);
}

TEST(FlowDocument, EveryProblemNamesTheFlowThePathWhatWasExpectedAndWhatWasFound) {
  std::vector<std::string> problems;
  const FlowDocument flow = read(R"({"pageGenerators": [3, {"_exportId": 7}],
      "pageProcessors": [{"type": "router"}, {"type": "import"}, "x"]})",
                                 problems);
  EXPECT_EQ(flow.sources.size(), 2u) << "malformed entries are listed too";
  EXPECT_EQ(flow.processors.size(), 3u);
  EXPECT_THAT(
      problems,
      ElementsAre(
          "flow f: $.pageGenerators[0]: expected an object ({\"_exportId\": ...}), found 3",
          "flow f: $.pageGenerators[1]._exportId: expected the _id of an export, found 7",
          "flow f: $.pageProcessors[0].type: expected \"import\" or \"export\", found the string "
          "\"router\"",
          "flow f: $.pageProcessors[1]._importId: expected the _id of an import, found nothing",
          "flow f: $.pageProcessors[2]: expected an object ({\"type\": \"import\", \"_importId\": "
          "...}), found the string \"x\""));
}

TEST(FlowDocument, AFlowWithoutSourcesIsAProblem) {
  std::vector<std::string> problems;
  read(R"({"pageGenerators": []})", problems);
  read(R"({"name": "n"})", problems);
  EXPECT_THAT(problems, ElementsAre("flow f: $.pageGenerators: expected at least one source "
                                    "({\"_exportId\": ...}), found an empty array",
                                    "flow f: $.pageGenerators: expected at least one source "
                                    "({\"_exportId\": ...}), found nothing"));
}

TEST(FlowDocument, ListsRoutersWithTheirBranchesProcessorsAndNextRouters) {
  std::vector<std::string> problems;
  const FlowDocument flow = read(R"({"pageGenerators": [{"_exportId": "a"}],
      "routers": [
        {"id": "r1", "routeRecordsTo": "all_matching_branches", "nextRouterId": "r2",
         "branches": [
           {"name": "one", "inputFilter": {"version": "1", "rules": []},
            "pageProcessors": [{"type": "import", "_importId": "x"},
                               {"type": "export", "_exportId": "l"}]},
           {"pageProcessors": [{"type": "import", "_importId": "y"}], "nextRouterId": ""}]},
        {"_id": "r2", "name": "Last", "routeRecordsUsing": "script",
         "script": {"_scriptId": "s", "function": "route"},
         "branches": [{"name": "end", "pageProcessors": [{"type": "import", "_importId": "z"}]}]}]})",
                                 problems);
  EXPECT_TRUE(problems.empty()) << problems.front();
  EXPECT_TRUE(flow.has_routers);
  ASSERT_EQ(flow.processors.size(), 4u);
  EXPECT_EQ(flow.processors[1].path, "$.routers[0].branches[0].pageProcessors[1]");
  EXPECT_EQ(flow.processors[1].type, "export");
  EXPECT_EQ(flow.processors[3].id, "z");
  ASSERT_EQ(flow.routers.size(), 2u);
  const FlowRouterRef& first = flow.routers[0];
  EXPECT_EQ(first.name, "r1");
  EXPECT_TRUE(first.all_matching);
  EXPECT_FALSE(first.by_script);
  ASSERT_EQ(first.branches.size(), 2u);
  EXPECT_EQ(first.branches[0].processors, (std::vector<size_t>{0, 1}));
  EXPECT_EQ(first.branches[0].next_router, 1);  // the router's nextRouterId
  EXPECT_EQ(first.branches[1].name, "branch 2");
  EXPECT_EQ(first.branches[1].processors, (std::vector<size_t>{2}));
  EXPECT_EQ(first.branches[1].next_router, -1);  // its own, empty: the flow ends there
  const FlowRouterRef& last = flow.routers[1];
  EXPECT_EQ(last.id, "r2");
  EXPECT_EQ(last.name, "Last");
  EXPECT_TRUE(last.by_script);
  EXPECT_EQ(last.script, json::parse(R"({"_scriptId": "s", "function": "route"})"));
}

TEST(FlowDocument, RouterProblemsNameTheirPaths) {
  std::vector<std::string> problems;
  read(R"({"pageGenerators": [{"_exportId": "a"}], "routers": [
      {"id": "r1", "routeRecordsTo": "every", "routeRecordsUsing": "script",
       "branches": [{"name": "a", "nextRouterId": "r1"}]},
      {"id": "r1", "branches": []}]})",
       problems);
  EXPECT_THAT(
      problems,
      ElementsAre(
          "flow f: $.routers[0].routeRecordsTo: expected \"first_matching_branch\" or "
          "\"all_matching_branches\", found the string \"every\"",
          "flow f: $.routers[0].script: expected {\"_scriptId\": ..., \"function\": ...} "
          "(routeRecordsUsing is \"script\"), found nothing",
          "flow f: $.routers[1].branches: expected at least one branch ({\"name\": ..., "
          "\"pageProcessors\": [...]}), found an empty array",
          "flow f: $.routers[1].id: \"r1\" is the id of $.routers[0] too; give each router its "
          "own id",
          "flow f: $.routers[0].branches[0].nextRouterId: \"r1\" makes a cycle ($.routers[0] "
          "-> $.routers[0]); records would never leave it — end one of these branches or point "
          "it to a later router"));
}

}  // namespace
}  // namespace sluice::runtime
