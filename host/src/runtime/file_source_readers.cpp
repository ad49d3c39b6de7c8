#include "runtime/file_source_readers.hpp"

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "sluice/support/formats/file_options.hpp"

namespace sluice::runtime {

namespace formats = support::formats;
namespace json = boost::json;

namespace {

struct Ordering {
  std::vector<SortField> sort;
  std::vector<std::string> group;
  bool group_empty_values = false;
  std::filesystem::path temp_dir;
  size_t run_bytes = kSortRunBytes;
};

// A file's reader whose records are sorted and/or grouped before they reach `sink`: the format's
// reader writes to this, as its sink.
class OrderingReader : public formats::Reader, public formats::RecordSink {
 public:
  OrderingReader(const Ordering& ordering, std::string where, const std::string& file,
                 formats::RecordSink& sink)
      : file_(file), sink_(sink) {
    if (!ordering.sort.empty()) {
      RecordSorterOptions options;
      options.fields = ordering.sort;
      options.run_bytes = ordering.run_bytes;
      options.temp_dir = ordering.temp_dir;
      options.where = std::move(where);
      sorter_.emplace(std::move(options));
    }
    if (!ordering.group.empty()) {
      grouper_.emplace(ordering.group, ordering.group_empty_values,
                       [this](json::value group) { return hand_out(std::move(group)); });
    }
  }

  Result<void> open(const formats::FileOptions& options) {
    auto made = formats::make_reader(options, file_, *this);
    if (!made) return made.error();
    inner_ = std::move(*made);
    return {};
  }

  Result<void> write(std::string_view bytes) override { return inner_->write(bytes); }

  Result<void> finish() override {
    if (auto r = inner_->finish(); !r) return r;
    if (sorter_) {
      auto r = sorter_->finish([this](json::value record) { return ordered(std::move(record)); });
      if (!r) return r;
    }
    if (grouper_) return grouper_->finish();
    return {};
  }

  Result<void> record(json::value record, const formats::Origin&) override {
    if (sorter_) return sorter_->add(std::move(record));
    return ordered(std::move(record));
  }

  Result<void> bad_record(Error error, const formats::Origin& where) override {
    return sink_.bad_record(std::move(error), where);
  }

 private:
  // A record in its final order, before grouping.
  Result<void> ordered(json::value record) {
    if (grouper_) return grouper_->add(std::move(record));
    return hand_out(std::move(record));
  }
  Result<void> hand_out(json::value record) {
    return sink_.record(std::move(record), formats::Origin{file_, ++handed_out_, 0, 0});
  }

  std::string file_;
  formats::RecordSink& sink_;
  std::unique_ptr<formats::Reader> inner_;
  std::optional<RecordSorter> sorter_;
  std::optional<RecordGrouper> grouper_;
  uint64_t handed_out_ = 0;
};

}  // namespace

Result<FileExportSettings> read_file_export_settings(const json::object& file,
                                                     std::string_view where,
                                                     std::filesystem::path temp_dir,
                                                     size_t sort_run_bytes) {
  auto options = formats::read_file_options(file, where);
  if (!options) return options.error();
  FileExportSettings out;
  out.metadata = options->output == formats::FileOptions::Output::kMetadata;
  if (options->sort_by_fields.empty() && options->group_by_fields.empty()) {
    out.make_reader = [options = std::move(*options)](const std::string& name,
                                                      formats::RecordSink& sink) {
      return formats::make_reader(options, name, sink);
    };
    return out;
  }
  auto ordering = std::make_shared<Ordering>();
  for (const auto& field : options->sort_by_fields) {
    ordering->sort.push_back(SortField{field.field, field.descending});
  }
  ordering->group = options->group_by_fields;
  ordering->group_empty_values = options->group_empty_values;
  ordering->temp_dir = std::move(temp_dir);
  ordering->run_bytes = sort_run_bytes;
  out.make_reader = [options = std::move(*options), ordering, where = std::string(where)](
                        const std::string& name,
                        formats::RecordSink& sink) -> Result<std::unique_ptr<formats::Reader>> {
    auto reader = std::make_unique<OrderingReader>(
        *ordering, fmt::format("{}: file {}", where, name), name, sink);
    if (auto r = reader->open(options); !r) return r.error();
    return std::unique_ptr<formats::Reader>(std::move(reader));
  };
  return out;
}

}  // namespace sluice::runtime
