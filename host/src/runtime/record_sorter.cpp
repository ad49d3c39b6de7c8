#include "runtime/record_sorter.hpp"

#include <stdlib.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <queue>
#include <system_error>
#include <utility>

#include <fmt/format.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace sluice::runtime {

namespace json = boost::json;
namespace fs = std::filesystem;

const json::value* field_value(const json::value& record, std::string_view field) {
  const json::object* o = record.if_object();
  if (o == nullptr) return nullptr;
  if (const json::value* v = o->if_contains(field)) return v;
  const json::value* at = &record;
  size_t start = 0;
  for (;;) {
    const size_t dot = field.find('.', start);
    const std::string_view part = field.substr(start, dot - start);
    const json::object* obj = at->if_object();
    if (obj == nullptr) return nullptr;
    at = obj->if_contains(part);
    if (at == nullptr || dot == std::string_view::npos) return at;
    start = dot + 1;
  }
}

namespace {

enum Kind { kEmpty, kBool, kNumber, kText, kStructured };

// A text that is a whole decimal number, as its value.
bool numeric_text(std::string_view s, double& out) {
  if (s.empty()) return false;
  const char* end = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(s.data(), end, out, std::chars_format::general);
  return ec == std::errc() && ptr == end && std::isfinite(out);
}

// A value as the sort sees it; `value` points into the record it came from.
struct Classified {
  Kind kind = kEmpty;
  double number = 0;
  const json::value* value = nullptr;
};

Classified classify(const json::value* v) {
  if (v == nullptr || v->is_null()) return {kEmpty};
  switch (v->kind()) {
    case json::kind::bool_:
      return {kBool, 0, v};
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      return {kNumber, v->to_number<double>(), v};
    case json::kind::string: {
      const json::string& s = v->get_string();
      if (s.empty()) return {kEmpty};
      double d = 0;
      if (numeric_text(s, d)) return {kNumber, d, v};
      return {kText, 0, v};
    }
    default:
      return {kStructured, 0, v};
  }
}

int sign(auto a, auto b) { return a < b ? -1 : b < a ? 1 : 0; }

// A rough count of the bytes `v` holds in memory: what the run size is measured in.
size_t footprint(const json::value& v) {
  switch (v.kind()) {
    case json::kind::string:
      return sizeof(json::value) + v.get_string().size();
    case json::kind::array: {
      size_t n = sizeof(json::value);
      for (const json::value& item : v.get_array()) n += footprint(item);
      return n;
    }
    case json::kind::object: {
      size_t n = sizeof(json::value);
      for (const auto& member : v.get_object()) {
        n += sizeof(json::key_value_pair) + member.key().size() + footprint(member.value());
      }
      return n;
    }
    default:
      return sizeof(json::value);
  }
}

}  // namespace

namespace {

int compare_classified(const Classified& ca, const Classified& cb) {
  if (ca.kind != cb.kind) return sign(ca.kind, cb.kind);
  const json::value* a = ca.value;
  const json::value* b = cb.value;
  switch (ca.kind) {
    case kEmpty:
      return 0;
    case kBool:
      return sign(a->get_bool(), b->get_bool());
    case kNumber:
      if (a->is_int64() && b->is_int64()) return sign(a->get_int64(), b->get_int64());
      return sign(ca.number, cb.number);
    case kText: {
      const int c = std::string_view(a->get_string()).compare(std::string_view(b->get_string()));
      return sign(c, 0);
    }
    case kStructured: {
      const int c = json::serialize(*a).compare(json::serialize(*b));
      return sign(c, 0);
    }
  }
  return 0;
}

}  // namespace

int compare_sort_values(const json::value* a, const json::value* b) {
  return compare_classified(classify(a), classify(b));
}

RecordSorter::RecordSorter(RecordSorterOptions options) : options_(std::move(options)) {
  if (options_.fan_in < 2) options_.fan_in = 2;
  if (options_.run_bytes == 0) options_.run_bytes = 1;
}

RecordSorter::~RecordSorter() { remove_folder(); }

void RecordSorter::remove_folder() {
  if (folder_.empty()) return;
  std::error_code ec;
  fs::remove_all(folder_, ec);
  folder_.clear();
  runs_.clear();
}

Result<fs::path> RecordSorter::new_run_path() {
  if (folder_.empty()) {
    fs::path root = options_.temp_dir;
    if (root.empty()) {
      std::error_code ec;
      root = fs::temp_directory_path(ec);
      if (ec || root.empty()) root = "/tmp";
    }
    std::string pattern = (root / "sluice-sort-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      return make_error(Status::kInternal,
                        fmt::format("{}: cannot make a folder for sorting the file's records in "
                                    "{}: {}; check that it exists and is writable",
                                    options_.where, root.string(), std::strerror(errno)));
    }
    folder_ = pattern;
  }
  return folder_ / fmt::format("run-{}.jsonl", runs_written_++);
}

namespace {

Error write_failed(std::string_view where, const fs::path& path) {
  return make_error(Status::kInternal,
                    fmt::format("{}: cannot write {} while sorting the file's records: {}; "
                                "free space there or set another temporary folder ($TMPDIR)",
                                where, path.string(), std::strerror(errno)));
}

// One run file being read during a merge.
class RunReader {
 public:
  explicit RunReader(const fs::path& path) : path_(path), in_(path, std::ios::binary) {}
  bool open() const { return in_.is_open(); }
  // The next record into `out`; false at the end. kInternal for a line that is not JSON.
  Result<bool> next(json::value& out) {
    if (!std::getline(in_, line_)) {
      if (in_.bad()) return failed("cannot be read");
      return false;
    }
    json::error_code ec;
    out = json::parse(line_, ec);
    if (ec) return failed("holds a line that is not JSON");
    return true;
  }
  const fs::path& path() const { return path_; }

 private:
  Result<bool> failed(std::string_view what) {
    return make_error(Status::kInternal,
                      fmt::format("the sort run {} {} (was it changed while the job ran?)",
                                  path_.string(), what));
  }
  fs::path path_;
  std::ifstream in_;
  std::string line_;
};

// Writes records as JSON lines to a file.
class RunWriter {
 public:
  explicit RunWriter(const fs::path& path) : file_(std::fopen(path.c_str(), "wb")) {}
  ~RunWriter() {
    if (file_ != nullptr) std::fclose(file_);
  }
  bool write(const json::value& record) {
    if (file_ == nullptr) return false;
    const std::string line = json::serialize(record);
    return std::fwrite(line.data(), 1, line.size(), file_) == line.size() &&
           std::fputc('\n', file_) != EOF;
  }
  bool close() {
    if (file_ == nullptr) return false;
    const bool ok = std::fclose(file_) == 0;
    file_ = nullptr;
    return ok;
  }

 private:
  std::FILE* file_;
};

}  // namespace

std::vector<size_t> RecordSorter::sorted_order() const {
  // Each record's values are classified once (a numeric text parsed once), not at every compare.
  const size_t fields = options_.fields.size();
  std::vector<Classified> keys(buffer_.size() * fields);
  for (size_t i = 0; i < buffer_.size(); ++i) {
    for (size_t f = 0; f < fields; ++f) {
      keys[i * fields + f] = classify(field_value(buffer_[i], options_.fields[f].field));
    }
  }
  std::vector<size_t> order(buffer_.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    for (size_t f = 0; f < fields; ++f) {
      int c = compare_classified(keys[a * fields + f], keys[b * fields + f]);
      if (options_.fields[f].descending) c = -c;
      if (c != 0) return c < 0;
    }
    return false;
  });
  return order;
}

Result<void> RecordSorter::spill() {
  const std::vector<size_t> order = sorted_order();
  auto path = new_run_path();
  if (!path) return path.error();
  RunWriter writer(*path);
  for (size_t i : order) {
    if (!writer.write(buffer_[i])) return write_failed(options_.where, *path);
  }
  if (!writer.close()) return write_failed(options_.where, *path);
  runs_.push_back(*path);
  buffer_.clear();
  buffer_bytes_ = 0;
  return {};
}

Result<void> RecordSorter::add(json::value record) {
  buffer_bytes_ += footprint(record);
  buffer_.push_back(std::move(record));
  if (buffer_bytes_ >= options_.run_bytes) return spill();
  return {};
}

Result<void> RecordSorter::merge(const std::vector<fs::path>& runs, const RecordOut& out) {
  std::vector<std::unique_ptr<RunReader>> readers;
  std::vector<json::value> heads(runs.size());
  for (const fs::path& run : runs) {
    readers.push_back(std::make_unique<RunReader>(run));
    if (!readers.back()->open()) {
      return make_error(Status::kInternal,
                        fmt::format("{}: the sort run {} cannot be opened: {}", options_.where,
                                    run.string(), std::strerror(errno)));
    }
  }
  // Each head's values, classified once when it is read.
  const size_t fields = options_.fields.size();
  std::vector<Classified> keys(runs.size() * fields);
  const auto read = [&](size_t i) -> Result<bool> {
    auto got = readers[i]->next(heads[i]);
    if (!got || !*got) return got;
    for (size_t f = 0; f < fields; ++f) {
      keys[i * fields + f] = classify(field_value(heads[i], options_.fields[f].field));
    }
    return true;
  };
  // The run whose head comes first; on equal records the earlier run (file order: stable).
  const auto later = [&](size_t a, size_t b) {
    for (size_t f = 0; f < fields; ++f) {
      int c = compare_classified(keys[a * fields + f], keys[b * fields + f]);
      if (options_.fields[f].descending) c = -c;
      if (c != 0) return c > 0;
    }
    return a > b;
  };
  std::priority_queue<size_t, std::vector<size_t>, decltype(later)> queue(later);
  for (size_t i = 0; i < readers.size(); ++i) {
    auto got = read(i);
    if (!got) return got.error();
    if (*got) queue.push(i);
  }
  while (!queue.empty()) {
    const size_t i = queue.top();
    queue.pop();
    if (auto r = out(std::move(heads[i])); !r) return r;
    auto got = read(i);
    if (!got) return got.error();
    if (*got) queue.push(i);
  }
  return {};
}

Result<void> RecordSorter::finish(const RecordOut& out) {
  Result<void> result = [&]() -> Result<void> {
    if (runs_.empty()) {
      const std::vector<size_t> order = sorted_order();
      std::vector<json::value> records = std::move(buffer_);
      buffer_.clear();
      buffer_bytes_ = 0;
      for (size_t i : order) {
        if (auto r = out(std::move(records[i])); !r) return r;
      }
      return {};
    }
    if (!buffer_.empty()) {
      if (auto r = spill(); !r) return r;
    }
    // Too many runs to open at once: merge the first ones into a longer run, in file order.
    while (runs_.size() > options_.fan_in) {
      std::vector<fs::path> first(runs_.begin(), runs_.begin() + options_.fan_in);
      auto path = new_run_path();
      if (!path) return path.error();
      RunWriter writer(*path);
      bool written = true;
      auto merged = merge(first, [&](json::value record) -> Result<void> {
        if (!writer.write(record)) written = false;
        if (!written) return write_failed(options_.where, *path);
        return {};
      });
      if (!merged) return merged;
      if (!writer.close()) return write_failed(options_.where, *path);
      for (const fs::path& run : first) {
        std::error_code ec;
        fs::remove(run, ec);
      }
      runs_.erase(runs_.begin(), runs_.begin() + options_.fan_in);
      runs_.insert(runs_.begin(), *path);
    }
    return merge(runs_, out);
  }();
  remove_folder();
  return result;
}

RecordGrouper::RecordGrouper(std::vector<std::string> fields, bool group_empty_values,
                             RecordOut out)
    : fields_(std::move(fields)), group_empty_values_(group_empty_values), out_(std::move(out)) {}

std::vector<json::value> RecordGrouper::key_of(const json::value& record, bool& empty) const {
  std::vector<json::value> key;
  key.reserve(fields_.size());
  empty = true;
  for (const std::string& field : fields_) {
    const json::value* v = field_value(record, field);
    if (v == nullptr || v->is_null() || (v->is_string() && v->get_string().empty())) {
      key.emplace_back(nullptr);
    } else {
      key.push_back(*v);
      empty = false;
    }
  }
  return key;
}

Result<void> RecordGrouper::add(json::value record) {
  bool empty = false;
  std::vector<json::value> key = key_of(record, empty);
  const bool alone = empty && !group_empty_values_;
  if (!group_.empty() && (alone || alone_ || key != key_)) {
    if (auto r = finish(); !r) return r;
  }
  if (group_.empty()) {
    key_ = std::move(key);
    alone_ = alone;
  }
  group_.push_back(std::move(record));
  return {};
}

Result<void> RecordGrouper::finish() {
  if (group_.empty()) return {};
  json::array group = std::move(group_);
  group_ = json::array();
  return out_(json::value(std::move(group)));
}

}  // namespace sluice::runtime
