// A page from a plugin is refused at the boundary when its text is over the page limit, before
// the host copies or parses it; other call results have a limit of their own.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "flow_fixture.hpp"

namespace sluice::limits_test {
namespace {

using ::testing::MatchesRegex;

class PageLimit : public FlowFixture {};

TEST_F(PageLimit, APageOverTheLimitFailsTheJobNamingPluginExportSizeAndLimit) {
  // 10 records of ~30,000 bytes: a page of ~300 KB against a limit of 256 KB.
  put_flow(*store_, {{"count", 10}, {"pagesOf", 10}, {"recordBytes", 30'000}}, {});
  runtime::RunOptions options;
  options.limits.page_bytes = 256 * 1024;
  const host::Job job = run(options);
  EXPECT_EQ(job.status, "failed");
  EXPECT_EQ(job.message,
            "export e failed: export e: plugin 'memory' returned a page of 299907 bytes, more "
            "than the page limit of 256 KB; make the export fetch fewer records per page (a "
            "smaller page size in its paging settings), or raise the limit with "
            "SLUICE_PAGE_LIMIT_BYTES");
  EXPECT_EQ(job.num_export, 0);
}

TEST_F(PageLimit, APageJustUnderTheLimitIsAccepted) {
  put_flow(*store_, {{"count", 20}, {"pagesOf", 10}, {"recordBytes", 25'000}}, {});
  runtime::RunOptions options;
  options.limits.page_bytes = 256 * 1024;
  const host::Job job = run(options);
  EXPECT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(job.num_success, 20);
}

TEST_F(PageLimit, AnImportResultOverTheResultLimitFailsTheJob) {
  put_flow(*store_, {{"count", 10}, {"pagesOf", 10}}, {});
  runtime::RunOptions options;
  options.limits.result_bytes = 100;
  const host::Job job = run(options);
  EXPECT_EQ(job.status, "failed");
  EXPECT_THAT(job.message,
              MatchesRegex("import i failed: import i: plugin 'memory' returned [0-9]+ bytes from "
                           "import_submit, more than the limit of 100 bytes for a call result; "
                           "lower the export's pageSize so that each page holds fewer records\\. What "
                           "is known: 10 records confirmed \\(success 0, ignored 0, errors 10\\); "
                           "none in flight; the records the export had not produced yet were not "
                           "sent anywhere\\. To continue after the last confirmed page, run "
                           "`sluice flow run f --resume`"));
  EXPECT_EQ(job.num_error, 10);
}

}  // namespace
}  // namespace sluice::limits_test
