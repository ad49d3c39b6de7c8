// The records of one file in another order, for a file export's file.sortByFields and
// file.groupByFields (docs/files.md, "Sorting and grouping"), with memory bounded by a run size,
// not by the file.
//
// RecordSorter is an external merge sort: records are kept in memory until they take about
// `run_bytes`, then sorted (stable) and written to a run file of JSON lines in a folder of its own
// ("sluice-sort-XXXXXX", mode 0700, under `temp_dir`); finish() merges the runs (at most `fan_in`
// at a time: more runs are first merged into longer ones) and hands the records out in order. A
// file whose records fit in one run never touches the disk. The folder and its files are removed
// as soon as finish() ends, and by the destructor.
//
// The order: field by field, each ascending unless `descending`; records equal on every field keep
// their order in the file (stable). Values compare by kind first: empty (missing, null or "") <
// booleans (false < true) < numbers < other text < arrays and objects. A number is a JSON number
// or a text that is a whole decimal number ("42", "-3.5", "1e3"; not " 42", "+1", "0x1F"), compared
// by value, so "9" < "10" in a CSV; other text compares byte by byte (UTF-8: by code point, so
// "B" < "a"); arrays and objects by their JSON text. `descending` reverses the field's order, so
// empty values come first ascending and last descending.
//
// A field names a record's member; when no member has that exact name, a dotted name is a path
// through objects ("customer.name").
//
// RecordGrouper turns consecutive records with equal values in its fields (compared exactly, as
// JSON; missing, null and "" are all empty) into one record, the JSON array of those records in
// their order. A record whose fields are all empty is a group of its own unless
// `group_empty_values`. Memory is bounded by the largest group.
//
// Threading: each object is used by one thread at a time.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include "sluice/result.hpp"

namespace sluice::runtime {

inline constexpr size_t kSortRunBytes = size_t{32} << 20;

struct SortField {
  std::string field;
  bool descending = false;
};

// The value of `field` in `record` (see above), or null when it has none.
const boost::json::value* field_value(const boost::json::value& record, std::string_view field);

// < 0, 0 or > 0 as `a` sorts before, with or after `b` ascending (null: missing).
int compare_sort_values(const boost::json::value* a, const boost::json::value* b);

using RecordOut = std::function<Result<void>(boost::json::value)>;

struct RecordSorterOptions {
  std::vector<SortField> fields;
  size_t run_bytes = kSortRunBytes;  // records in memory before a run is written (estimated)
  size_t fan_in = 64;                // runs merged at once (at least 2)
  std::filesystem::path temp_dir;    // where the folder of runs is made; empty: $TMPDIR, /tmp
  std::string where;                 // prefixes messages: "export orders: file a.csv"
};

class RecordSorter {
 public:
  explicit RecordSorter(RecordSorterOptions options);
  ~RecordSorter();
  RecordSorter(const RecordSorter&) = delete;
  RecordSorter& operator=(const RecordSorter&) = delete;

  // kInternal naming the folder when a run cannot be written (a full disk).
  Result<void> add(boost::json::value record);
  // Hands every record added to `out` in order, then forgets them; an error from `out` stops it
  // and is returned. Called once.
  Result<void> finish(const RecordOut& out);

  // Run files written so far (0: all in memory), and the folder they are in (empty until the
  // first run; removed when finish() ends).
  size_t runs_written() const { return runs_written_; }
  const std::filesystem::path& folder() const { return folder_; }

 private:
  // The indexes of buffer_ in sorted order (stable).
  std::vector<size_t> sorted_order() const;
  Result<std::filesystem::path> new_run_path();
  Result<void> spill();
  Result<void> merge(const std::vector<std::filesystem::path>& runs, const RecordOut& out);
  void remove_folder();

  RecordSorterOptions options_;
  std::vector<boost::json::value> buffer_;
  size_t buffer_bytes_ = 0;
  std::vector<std::filesystem::path> runs_;  // in file order
  size_t runs_written_ = 0;
  std::filesystem::path folder_;
};

class RecordGrouper {
 public:
  RecordGrouper(std::vector<std::string> fields, bool group_empty_values, RecordOut out);

  // The next record; hands out the group before it when it starts a new one.
  Result<void> add(boost::json::value record);
  // Hands out the last group.
  Result<void> finish();

 private:
  std::vector<boost::json::value> key_of(const boost::json::value& record, bool& empty) const;

  std::vector<std::string> fields_;
  bool group_empty_values_;
  RecordOut out_;
  boost::json::array group_;
  std::vector<boost::json::value> key_;
  bool alone_ = false;  // the group in hand is an empty-keyed record that stays alone
};

}  // namespace sluice::runtime
