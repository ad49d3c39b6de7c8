#include "runtime/page.hpp"

#include <boost/json/parse.hpp>

#include "runtime/record_json.hpp"

namespace sluice::runtime {

namespace json = boost::json;

Page::Page() : arena_(std::make_unique<json::monotonic_resource>()) {}

Page::Page(std::shared_ptr<PageSource> source, size_t begin, size_t end)
    : source_(std::move(source)), arena_(std::make_unique<json::monotonic_resource>()) {
  slots_.resize(end - begin);
  for (size_t i = begin; i < end; ++i) {
    Slot& slot = slots_[i - begin];
    slot.index = i;
    if (i < source_->raw.size()) slot.raw = source_->raw[i];
  }
}

Page::Page(Page&&) noexcept = default;
Page& Page::operator=(Page&&) noexcept = default;
Page::~Page() = default;

size_t Page::count(RecordState state) const {
  size_t n = 0;
  for (const Slot& slot : slots_) n += slot.state == state ? 1 : 0;
  return n;
}

json::storage_ptr Page::storage() const { return json::storage_ptr(arena_.get()); }

json::value Page::new_value() { return json::value(storage()); }

json::value* Page::own(json::value value) {
  owned_.emplace_back(std::move(value), storage());
  return &owned_.back();
}

json::value& Page::mutable_record(size_t i) {
  Slot& slot = slots_[i];
  if (slot.entry == nullptr) slot.entry = own(json::value(*value(slot), storage()));
  slot.raw = {};
  slot.bound = kNoBound;
  return *slot.value;
}

void Page::set_record(size_t i, json::value value) {
  Slot& slot = slots_[i];
  if (slot.entry == nullptr) slot.entry = this->value(slot);
  slot.value = own(std::move(value));
  slot.raw = {};
  slot.bound = kNoBound;
}

json::value Page::record_id(size_t i, int64_t fallback) const {
  Slot& slot = slots_[i];
  const RecordIdText* ids =
      slot.value == nullptr && !slot.raw.empty() ? source_->id_text(slot.index) : nullptr;
  if (ids != nullptr && ids->exact) {
    bool known = true;
    for (const std::string_view text : {ids->underscore_id, ids->id}) {
      if (text.empty()) continue;
      if (text.size() >= 2 && text.front() == '"' && text.find('\\') == std::string_view::npos) {
        return json::value(json::string_view(text.substr(1, text.size() - 2)));
      }
      if (text.front() == '-' || (text.front() >= '0' && text.front() <= '9')) {
        json::error_code ec;
        json::value number = json::parse(text, ec);
        if (!ec) return number;
      }
      known = false;  // an escaped string, or not a string nor a number: parsed below
      break;
    }
    if (known) return json::value("#" + std::to_string(fallback));  // neither: no parse
  }
  if (const json::object* o = value(slot)->if_object()) {
    for (std::string_view key : {"_id", "id"}) {
      if (const json::value* id = o->if_contains(key)) {
        if (id->is_string() || id->is_number()) return json::value(*id, json::storage_ptr());
      }
    }
  }
  return json::value("#" + std::to_string(fallback));
}

void Page::append_json(size_t i, std::string& out) const {
  Slot& slot = slots_[i];
  if (!slot.raw.empty()) {
    out.append(slot.raw);
    return;
  }
  append_record_json(out, *value(slot));
}

size_t Page::json_size(size_t i) {
  Slot& slot = slots_[i];
  if (slot.raw.empty()) {
    std::string text;
    append_json(i, text);
    texts_.push_back(std::move(text));
    slot.raw = texts_.back();
  }
  return slot.raw.size();
}

size_t Page::json_size_bound(size_t i) const {
  Slot& slot = slots_[i];
  if (!slot.raw.empty()) return slot.raw.size();
  if (slot.bound == kNoBound) slot.bound = record_json_size_bound(*value(slot));
  return slot.bound;
}

void Page::fail_with(size_t i, RecordError error) {
  Slot& slot = slots_[i];
  if (slot.state == RecordState::kFailed) return;
  slot.state = RecordState::kFailed;
  slot.error = static_cast<int>(errors_.size());
  errors_.push_back(std::move(error));
}

void Page::fail(size_t i, std::string step_id, std::string code, std::string message,
                json::value details) {
  Slot& slot = slots_[i];
  if (slot.state == RecordState::kFailed && !slot.proceeds) return;
  RecordError e;
  e.step_id = std::move(step_id);
  e.code = std::move(code);
  e.message = std::move(message);
  e.details = std::move(details);
  e.retry_data = json::value(slot.entry != nullptr ? *slot.entry : *value(slot), {});
  if (slot.state == RecordState::kFailed) {  // failed again, at a step it proceeded to
    slot.proceeds = false;
    errors_.push_back(std::move(e));
    return;
  }
  slot.state = RecordState::kFailed;
  slot.error = static_cast<int>(errors_.size());
  errors_.push_back(std::move(e));
}

void Page::ignore(size_t i) {
  if (slots_[i].state == RecordState::kAlive) slots_[i].state = RecordState::kIgnored;
}

const RecordError* Page::error(size_t i) const {
  const int e = slots_[i].error;
  return e >= 0 && static_cast<size_t>(e) < errors_.size() ? &errors_[e] : nullptr;
}

std::vector<RecordError> Page::take_errors() {
  for (Slot& slot : slots_) slot.error = -1;
  std::vector<RecordError> out = std::move(errors_);
  errors_.clear();
  return out;
}

void Page::replace_live(std::vector<json::value> records) {
  std::vector<Slot> kept;
  kept.reserve(slots_.size() + records.size());
  size_t live = 0;
  for (Slot& slot : slots_) {
    if (slot.state == RecordState::kAlive) {
      ++live;
    } else {
      kept.push_back(slot);
    }
  }
  for (json::value& record : records) {
    Slot slot;
    slot.value = own(std::move(record));
    kept.push_back(slot);
  }
  if (records.size() >= live) {
    added_ += static_cast<int64_t>(records.size() - live);
  } else {
    dropped_ += static_cast<int64_t>(live - records.size());
  }
  slots_ = std::move(kept);
  ++replacements_;
}

void Page::begin_step() {
  for (Slot& slot : slots_) {
    slot.entry = nullptr;
    slot.skipped = false;
  }
}

size_t Page::ignore_unsubmitted() {
  size_t n = 0;
  for (Slot& slot : slots_) {
    if (slot.state == RecordState::kAlive && !slot.submitted) {
      slot.state = RecordState::kIgnored;
      ++n;
    }
  }
  return n;
}

}  // namespace sluice::runtime

namespace sluice::runtime {

ProceedOnFailure::ProceedOnFailure(Page& page, bool on) : page_(page) {
  if (!on) return;
  taken_.resize(page.size());
  for (size_t i = 0; i < page.size(); ++i) taken_[i] = page.alive(i) || page.proceeds(i);
}

ProceedOnFailure::~ProceedOnFailure() {
  for (size_t i = 0; i < taken_.size() && i < page_.size(); ++i) {
    if (taken_[i] && page_.state(i) == RecordState::kFailed) page_.proceed(i);
  }
}

}  // namespace sluice::runtime
