// Specifies the RecordSorter and RecordGrouper (runtime/record_sorter.hpp) alone, and through the
// file export's readers (file_source_readers.hpp) over a local file: the order of values (numbers
// by value, text by bytes, empty first), stability, descending fields, several runs on disk
// (forced by a tiny run size, merged more than once with a small fan-in) giving the same order,
// the runs' folder removed, consecutive grouping (also across runs), groupEmptyValues, and a bad
// row still a failed record of its file.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "runtime/file_source.hpp"
#include "runtime/file_source_readers.hpp"
#include "runtime/local_file_producer.hpp"
#include "runtime/record_sorter.hpp"
#include "temp_dir.hpp"

namespace sluice::runtime {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;

std::vector<std::string> sorted(const std::vector<std::string>& records,
                                std::vector<SortField> fields, size_t run_bytes = kSortRunBytes,
                                size_t fan_in = 64, size_t* runs = nullptr,
                                const fs::path& temp_dir = {}) {
  RecordSorterOptions options;
  options.fields = std::move(fields);
  options.run_bytes = run_bytes;
  options.fan_in = fan_in;
  options.temp_dir = temp_dir;
  options.where = "export x: file f";
  RecordSorter sorter(options);
  for (const std::string& r : records) {
    auto added = sorter.add(json::parse(r));
    EXPECT_TRUE(added) << added.error().message;
  }
  std::vector<std::string> out;
  auto done = sorter.finish([&](json::value v) -> Result<void> {
    out.push_back(json::serialize(v));
    return {};
  });
  EXPECT_TRUE(done) << done.error().message;
  if (runs != nullptr) *runs = sorter.runs_written();
  EXPECT_TRUE(sorter.folder().empty());
  return out;
}

int compare(const std::string& a, const std::string& b) {
  const json::value va = json::parse(a), vb = json::parse(b);
  return compare_sort_values(&va, &vb);
}

TEST(CompareSortValues, EmptyThenBooleansThenNumbersByValueThenTextByBytesThenStructures) {
  EXPECT_EQ(compare_sort_values(nullptr, nullptr), 0);
  EXPECT_EQ(compare("null", R"("")"), 0);
  EXPECT_LT(compare(R"("")", "false"), 0);
  EXPECT_LT(compare("false", "true"), 0);
  EXPECT_LT(compare("true", "-5"), 0);
  EXPECT_LT(compare(R"("9")", R"("10")"), 0);
  EXPECT_LT(compare(R"("-3.5")", "2"), 0);
  EXPECT_EQ(compare(R"("1e3")", "1000"), 0);
  EXPECT_EQ(compare(R"("007")", R"("7")"), 0);
  EXPECT_LT(compare("1000000", R"("a")"), 0);
  EXPECT_LT(compare(R"(" 42")", R"("+1")"), 0);  // both text: ' ' (0x20) < '+' (0x2B)
  EXPECT_LT(compare(R"("B")", R"("a")"), 0);
  EXPECT_LT(compare(R"("z")", R"("é")"), 0);  // UTF-8 bytes, by code point
  EXPECT_LT(compare(R"("zzz")", "[1]"), 0);
  EXPECT_GT(compare("10", "9"), 0);
  const json::value a = json::parse("1"), b = json::parse("2");
  EXPECT_LT(compare_sort_values(nullptr, &a), 0);
  EXPECT_GT(compare_sort_values(&b, nullptr), 0);
}

TEST(FieldValue, AnExactMemberNameFirstElseADottedPathThroughObjects) {
  const json::value r = json::parse(R"({"a.b":1,"a":{"b":2,"c":{"d":3}},"e":[1]})");
  EXPECT_EQ(*field_value(r, "a.b"), json::value(1));
  EXPECT_EQ(*field_value(r, "a.c.d"), json::value(3));
  EXPECT_EQ(field_value(r, "a.x"), nullptr);
  EXPECT_EQ(field_value(r, "e.0"), nullptr);
  EXPECT_EQ(field_value(json::parse("[1]"), "a"), nullptr);
}

TEST(RecordSorter, SortsAscendingAndKeepsFileOrderForEqualRecords) {
  EXPECT_EQ(sorted({R"({"k":"10","i":1})", R"({"k":"9","i":2})", R"({"i":3})", R"({"k":"9","i":4})",
                    R"({"k":"x","i":5})", R"({"k":"","i":6})"},
                   {{"k", false}}),
            (std::vector<std::string>{R"({"i":3})", R"({"k":"","i":6})", R"({"k":"9","i":2})",
                                      R"({"k":"9","i":4})", R"({"k":"10","i":1})",
                                      R"({"k":"x","i":5})"}));
}

TEST(RecordSorter, DescendingReversesOnlyItsFieldAndEmptyValuesComeLast) {
  EXPECT_EQ(sorted({R"({"d":"2024-01-01","p":1,"i":1})", R"({"d":"2024-03-01","p":2,"i":2})",
                    R"({"p":1,"i":3})", R"({"d":"2024-03-01","p":1,"i":4})",
                    R"({"d":"2024-01-01","p":1,"i":5})"},
                   {{"d", true}, {"p", false}}),
            (std::vector<std::string>{R"({"d":"2024-03-01","p":1,"i":4})",
                                      R"({"d":"2024-03-01","p":2,"i":2})",
                                      R"({"d":"2024-01-01","p":1,"i":1})",
                                      R"({"d":"2024-01-01","p":1,"i":5})", R"({"p":1,"i":3})"}));
}

std::vector<std::string> many_records(int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) {
    out.push_back(fmt::format(R"({{"k":"{}","i":{}}})", (i * 7) % 5, i));
  }
  return out;
}

TEST(RecordSorter, SeveralRunsOnDiskMergeToTheSameStableOrderAsInMemory) {
  testing::TempDir tmp("sluice-sort-test");
  const auto records = many_records(40);
  size_t runs = 0;
  const auto in_memory = sorted(records, {{"k", true}}, kSortRunBytes, 64, &runs);
  EXPECT_EQ(runs, 0u);
  ASSERT_EQ(in_memory.size(), 40u);
  EXPECT_EQ(in_memory.front(), R"({"k":"4","i":2})");
  EXPECT_EQ(in_memory.back(), R"({"k":"0","i":35})");
  // One record per run, merged three at a time: 40 runs, then 19 merged runs more.
  EXPECT_EQ(sorted(records, {{"k", true}}, 1, 3, &runs, tmp.path()), in_memory);
  EXPECT_EQ(runs, 59u);
  EXPECT_TRUE(fs::is_empty(tmp.path()));  // the folder of runs is gone
  // A few records per run, all merged at once.
  EXPECT_EQ(sorted(records, {{"k", true}}, 400, 64, &runs, tmp.path()), in_memory);
  EXPECT_GT(runs, 2u);
  EXPECT_LT(runs, 40u);
  EXPECT_TRUE(fs::is_empty(tmp.path()));
}

TEST(RecordSorter, TheDestructorRemovesTheRunsOfASortNeverFinished) {
  testing::TempDir tmp("sluice-sort-test");
  {
    RecordSorterOptions options;
    options.fields = {{"k", false}};
    options.run_bytes = 1;
    options.temp_dir = tmp.path();
    RecordSorter sorter(options);
    ASSERT_TRUE(sorter.add(json::parse(R"({"k":1})")));
    ASSERT_TRUE(sorter.add(json::parse(R"({"k":0})")));
    EXPECT_EQ(sorter.runs_written(), 2u);
    ASSERT_FALSE(sorter.folder().empty());
    EXPECT_EQ(sorter.folder().parent_path(), tmp.path());
    EXPECT_TRUE(fs::exists(sorter.folder() / "run-1.jsonl"));
  }
  EXPECT_TRUE(fs::is_empty(tmp.path()));
}

TEST(RecordSorter, AnErrorFromTheReceiverStopsTheMergeAndIsReturned) {
  RecordSorterOptions options;
  options.fields = {{"k", false}};
  options.run_bytes = 1;
  RecordSorter sorter(options);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(sorter.add(json::object{{"k", 5 - i}}));
  int seen = 0;
  auto r = sorter.finish([&](json::value) -> Result<void> {
    if (++seen == 2) return make_error(Status::kCancelled, "enough");
    return {};
  });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "enough");
  EXPECT_EQ(seen, 2);
  EXPECT_TRUE(sorter.folder().empty());
}

TEST(RecordSorter, ARunThatCannotBeWrittenIsAnErrorNamingTheFolder) {
  RecordSorterOptions options;
  options.fields = {{"k", false}};
  options.run_bytes = 1;
  options.temp_dir = "/nonexistent-sluice-folder";
  options.where = "export x: file f.csv";
  RecordSorter sorter(options);
  auto r = sorter.add(json::object{{"k", 1}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "export x: file f.csv: cannot make a folder for sorting the file's records in "
            "/nonexistent-sluice-folder: No such file or directory; check that it exists and is "
            "writable");
}

std::vector<std::string> grouped(const std::vector<std::string>& records, bool group_empty) {
  std::vector<std::string> out;
  RecordGrouper grouper({"c", "o.id"}, group_empty, [&](json::value v) -> Result<void> {
    out.push_back(json::serialize(v));
    return {};
  });
  for (const std::string& r : records) EXPECT_TRUE(grouper.add(json::parse(r)));
  EXPECT_TRUE(grouper.finish());
  return out;
}

TEST(RecordGrouper, ConsecutiveRecordsWithEqualFieldsAreOneArrayAndAKeyComingBackStartsAnother) {
  EXPECT_EQ(grouped({R"({"c":1,"o":{"id":"a"},"n":1})", R"({"c":1,"o":{"id":"a"},"n":2})",
                     R"({"c":1,"o":{"id":"b"},"n":3})", R"({"c":"1","o":{"id":"b"},"n":4})",
                     R"({"c":1,"o":{"id":"a"},"n":5})"},
                    false),
            (std::vector<std::string>{
                R"([{"c":1,"o":{"id":"a"},"n":1},{"c":1,"o":{"id":"a"},"n":2}])",
                R"([{"c":1,"o":{"id":"b"},"n":3}])", R"([{"c":"1","o":{"id":"b"},"n":4}])",
                R"([{"c":1,"o":{"id":"a"},"n":5}])"}));
}

TEST(RecordGrouper, RecordsWithAllFieldsEmptyStayAloneUnlessGroupEmptyValues) {
  const std::vector<std::string> records{R"({"n":1})", R"({"c":"","o":{"id":null},"n":2})",
                                         R"({"c":null,"n":3})", R"({"c":2,"n":4})",
                                         R"({"c":2,"o":{},"n":5})"};
  EXPECT_EQ(grouped(records, false),
            (std::vector<std::string>{R"([{"n":1}])", R"([{"c":"","o":{"id":null},"n":2}])",
                                      R"([{"c":null,"n":3}])",
                                      R"([{"c":2,"n":4},{"c":2,"o":{},"n":5}])"}));
  EXPECT_EQ(
      grouped(records, true),
      (std::vector<std::string>{R"([{"n":1},{"c":"","o":{"id":null},"n":2},{"c":null,"n":3}])",
                                R"([{"c":2,"n":4},{"c":2,"o":{},"n":5}])"}));
}

// Through the export's readers and a FileSource over a local CSV file: each page's records, a
// failed one as "!message".
std::vector<std::vector<std::string>> pages_of(const std::string& file_json,
                                               const std::string& bytes, size_t page_size,
                                               const fs::path& temp_dir, size_t run_bytes,
                                               int64_t* handed_out = nullptr,
                                               int64_t record_limit = 0) {
  testing::TempDir dir("sluice-sort-readers");
  const auto path = dir.path() / "orders.csv";
  std::ofstream(path, std::ios::binary) << bytes;
  auto settings = read_file_export_settings(json::parse(file_json).as_object(), "export x",
                                            temp_dir, run_bytes);
  EXPECT_TRUE(settings) << settings.error().message;
  if (!settings) return {};
  FileSourceOptions o;
  o.export_id = "x";
  o.export_name = "X";
  o.page_size = page_size;
  o.record_limit = record_limit;
  o.make_reader = settings->make_reader;
  FileSource source(std::move(*LocalFileProducer::open(path)), o);
  std::vector<std::vector<std::string>> out;
  for (int guard = 0; guard < 100; ++guard) {
    auto next = source.next();
    EXPECT_TRUE(next) << next.error().message;
    if (!next || !*next) break;
    std::vector<std::string> page;
    for (size_t i = 0; i < (*next)->page.size(); ++i) {
      page.push_back((*next)->page.state(i) == RecordState::kFailed
                         ? "!" + (*next)->page.error(i)->message
                         : json::serialize((*next)->page.record(i)));
    }
    out.push_back(std::move(page));
    EXPECT_TRUE(source.committed(**next));
  }
  if (handed_out != nullptr) *handed_out = source.records_handed_out();
  return out;
}

const char* const kOrders =
    "c,n\n"
    "b,1\n"
    "a,2\n"
    "b,3\n"
    "c,4,extra\n"
    "a,5\n"
    "b,6\n";

TEST(FileReaders, SortByFieldsSortsEachFilesRecordsAndABadRowComesFirstAsItsError) {
  testing::TempDir tmp("sluice-sort-test");
  int64_t handed_out = 0;
  const auto pages = pages_of(R"({"type":"csv","sortByFields":[{"field":"c","descending":true}]})",
                              kOrders, 3, tmp.path(), 1, &handed_out);
  ASSERT_EQ(pages.size(), 2u);
  ASSERT_EQ(pages[0].size(), 3u);
  EXPECT_EQ(pages[0][0].rfind("!orders.csv line 5", 0), 0u) << pages[0][0];
  EXPECT_EQ(pages[0][1], R"({"c":"b","n":"1"})");
  EXPECT_EQ(pages[0][2], R"({"c":"b","n":"3"})");
  EXPECT_EQ(pages[1], (std::vector<std::string>{R"({"c":"b","n":"6"})", R"({"c":"a","n":"2"})",
                                                R"({"c":"a","n":"5"})"}));
  EXPECT_EQ(handed_out, 6);
  EXPECT_TRUE(fs::is_empty(tmp.path()));
}

TEST(FileReaders, GroupByFieldsAfterTheSortGroupsAcrossRunsAndPageSizeCountsGroups) {
  testing::TempDir tmp("sluice-sort-test");
  int64_t handed_out = 0;
  const auto pages =
      pages_of(R"({"type":"csv","sortByFields":[{"field":"c"}],"groupByFields":["c"]})", kOrders, 2,
               tmp.path(), 1, &handed_out);
  ASSERT_EQ(pages.size(), 2u);
  ASSERT_EQ(pages[0].size(), 2u);
  EXPECT_EQ(pages[0][0].rfind("!orders.csv line 5", 0), 0u) << pages[0][0];
  EXPECT_EQ(pages[0][1], R"([{"c":"a","n":"2"},{"c":"a","n":"5"}])");
  EXPECT_EQ(
      pages[1],
      (std::vector<std::string>{R"([{"c":"b","n":"1"},{"c":"b","n":"3"},{"c":"b","n":"6"}])"}));
  EXPECT_EQ(handed_out, 3);
  EXPECT_TRUE(fs::is_empty(tmp.path()));
}

TEST(FileReaders, GroupByFieldsAloneGroupsConsecutiveRecordsAsTheyAreRead) {
  testing::TempDir tmp("sluice-sort-test");
  const auto pages = pages_of(R"({"type":"csv","groupByFields":["c"]})",
                              "c,n\nb,1\nb,2\na,3\nb,4\n", 10, tmp.path(), 1);
  ASSERT_EQ(pages.size(), 1u);
  EXPECT_EQ(pages[0],
            (std::vector<std::string>{R"([{"c":"b","n":"1"},{"c":"b","n":"2"}])",
                                      R"([{"c":"a","n":"3"}])", R"([{"c":"b","n":"4"}])"}));
}

TEST(FileReaders, ATestRunsRecordLimitCountsSortedRecords) {
  testing::TempDir tmp("sluice-sort-test");
  int64_t handed_out = 0;
  const auto pages = pages_of(R"({"type":"csv","sortByFields":[{"field":"n","descending":true}]})",
                              "n\n1\n10\n9\n", 10, tmp.path(), 1, &handed_out, 2);
  ASSERT_EQ(pages.size(), 1u);
  EXPECT_EQ(pages[0], (std::vector<std::string>{R"({"n":"10"})", R"({"n":"9"})"}));
  EXPECT_EQ(handed_out, 2);
  EXPECT_TRUE(fs::is_empty(tmp.path()));
}

}  // namespace
}  // namespace sluice::runtime
