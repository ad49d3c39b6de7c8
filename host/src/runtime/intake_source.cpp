#include "runtime/intake_source.hpp"

#include <fmt/format.h>

namespace sluice::runtime {

IntakeSource::IntakeSource(host::Store& store, IntakeSourceOptions options, Cursor start)
    : store_(store), options_(std::move(options)), cursor_(std::move(start)) {
  if (cursor_.position.is_int64()) after_ = cursor_.position.as_int64();
}

Result<std::optional<SourcePage>> IntakeSource::next() {
  if (stopped_ || drained_ || (options_.cancelled != nullptr && options_.cancelled->load())) {
    return std::optional<SourcePage>{};
  }
  if (!removed_start_ && after_ > 0) {
    // Confirmed by the job this one resumes, which may have ended before removing them.
    auto removed = store_.remove_intake(options_.export_id, after_);
    if (!removed) return removed.error();
  }
  removed_start_ = true;
  auto read = store_.read_intake(options_.export_id, after_, options_.page_size);
  if (!read) return read.error();
  if (read->size() < options_.page_size) drained_ = true;
  if (read->empty()) return std::optional<SourcePage>{};
  std::string text = "{\"records\":[";
  for (size_t i = 0; i < read->size(); ++i) {
    if (i > 0) text.push_back(',');
    text += (*read)[i].record;
  }
  text += "],\"done\":false}";
  auto source = parse_page_source(std::move(text));
  if (source == nullptr) {
    return make_error(Status::kInternal,
                      fmt::format("listener {}: a queued record is not valid JSON (seq {} to {}); "
                                  "the intake queue in the store is damaged",
                                  options_.export_id, read->front().seq, read->back().seq));
  }
  SourcePage page;
  page.page = Page(std::move(source), 0, read->size());
  page.records = read->size();
  page.ends_source_page = true;
  page.position = read->back().seq;
  after_ = read->back().seq;
  return std::optional<SourcePage>(std::move(page));
}

Result<void> IntakeSource::committed(const SourcePage& page) {
  cursor_.export_records += static_cast<int64_t>(page.records);
  cursor_.position = page.position;
  cursor_.skip = 0;
  if (!page.position.is_int64()) return {};
  auto removed = store_.remove_intake(options_.export_id, page.position.as_int64());
  if (!removed) return removed.error();
  return {};
}

}  // namespace sluice::runtime
