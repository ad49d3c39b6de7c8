// Specifies the warnings in `sluice flow run`'s summary.
#include "cli/job_summary.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace sluice::cli {
namespace {

TEST(JobSummary, AJobWithoutWarningsPrintsNoWarningsSection) {
  EXPECT_EQ(format_warnings(host::Job{}), "");
}

TEST(JobSummary, EachDistinctWarningIsOneLineWithItsCountAndStepInArrivalOrder) {
  host::Job job;
  job.warnings = boost::json::parse(R"([
    {"step":"export e","message":"memory export: the same warning","count":2},
    {"step":"import x","message":"line\nforged","count":1}])")
                     .as_array();
  EXPECT_EQ(format_warnings(job),
            "  warnings:\n"
            "    2x [export e] memory export: the same warning\n"
            "    1x [import x] line\\nforged\n");
}

}  // namespace
}  // namespace sluice::cli
