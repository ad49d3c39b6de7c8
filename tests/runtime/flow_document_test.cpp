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

}  // namespace
}  // namespace sluice::runtime
