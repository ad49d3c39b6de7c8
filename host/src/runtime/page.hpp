// A flow page (DESIGN.md §2a): the records one source page hands to the steps, owned by the page,
// with a state per record. Steps read records, take them mutably, replace them, fail or ignore
// them; the page remembers, for each record, the record as it entered the step that failed it
// (the retry data) and, while no step took it mutably, its raw JSON text from the export page, so
// that a record that passes every step unchanged is copied to the import, never re-serialized.
//
// Storage: records come from a shared export page (PageSource below: the page's text and the
// arena it was parsed into, shared by the flow pages re-paged from it; each flow page holds a
// disjoint slice, so no two pages touch the same record) or are made by a step in the page's own
// arena (new_value()). Not thread-safe: one thread at a time (the producer builds it, then hands
// it over through the queue; the job's thread runs the steps).
//
// Counting rule (checked by the job recorder's identity numExport = numSuccess + numIgnore +
// numError): every record the source put in the page is exported once. A step that replaces the
// live records with fewer (replace_live) has the missing ones counted as ignored (dropped());
// with more, the extra ones count as exported too (added()). A record ends as
//   failed  -> numError   (its error is in error(i), with retry data),
//   ignored -> numIgnore  (a filter dropped it, an import said "ignored", or the flow has no
//                          processors),
//   alive   -> numSuccess (it reached the end of the pipeline and was submitted to at least one
//              import: submitted()),
//   alive but submitted nowhere -> numIgnore (every import skipped it: input filters, preMap or
//              postMap hooks returning {}, or the flow has no processors; the flow runner
//              ignores such records once the last step ran: ignore_unsubmitted()),
// A flow with routers (router_step.hpp): a record routed down several branches is still one
// record here, counted once: failed if any copy failed (or routing it failed; each further
// failure is stored as a job error, not counted), alive and submitted if a copy was submitted
// somewhere and none failed, ignored otherwise (it matched no branch, or every branch it took
// ended without submitting it: a branch with no processors discards).
// so numExport(page) = size at the source + added() and
//    numSuccess + numIgnore + numError (page) = alive + ignored + dropped() + failed.
//
// Skipping (skip()) is not a state: a record an import's input filter does not match skips that
// import's steps only (skipped() until the next begin_step) and goes on to the next processor.
//
// Proceeding (proceed()) is not a state either: a record that failed at a processor with
// proceedOnFailure (integrator.io: records that fail in this processor continue to subsequent
// steps) stays failed, counted once, but the later imports still take it (takes()). If it fails
// again at a later one, that failure is a second error of the record (error(i) stays the first;
// take_errors() gives both), and the record stops there unless that processor has
// proceedOnFailure too (ProceedOnFailure below).
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parser.hpp>
#include <boost/json/value.hpp>
#include <boost/system/error_code.hpp>

namespace sluice::runtime {

// The text of a record's top-level "_id" and "id" values, found while the page is scanned (empty
// when it has none); `exact` false when some key is written with escapes (it might be one of
// them: parse the record instead).
struct RecordIdText {
  std::string_view underscore_id, id;
  bool object = false;
  bool exact = true;
};

// Whether the steps read the records of a source's pages: set by PageSource::record() the first
// time it parses a record of a page made with the hint; read by parse_page_source for the pages
// after. Shared by a producer thread and the job's thread, hence atomic.
using ReadHint = std::shared_ptr<std::atomic<bool>>;

// One export page as the plugin returned it: its text, the arena values are parsed into, the
// page's other members, and its records, each parsed from its raw text the first time a step
// reads it (record()): a page whose records no step reads (a flow without processors, an
// import that copies raw text) is validated and scanned, never built as a DOM. A page made
// when its ReadHint says the steps read records has them all parsed at once instead, in the
// one parse that validates the page (on the producer's thread, not the job's); they keep their
// raw text all the same. Immutable once built except through the Page that holds a record of
// it; one thread at a time (page.hpp).
struct PageSource {
  std::string text;
  // Declared before the values so that it outlives them. Not a shared resource: Boost.JSON
  // skips the element-by-element destruction only for storage it knows is not shared.
  std::unique_ptr<boost::json::monotonic_resource> arena;
  // The page without its records: {"records":[],"done":bool,"state":...,"commit":bool}.
  boost::json::value doc;
  // Each record's text in `text`, by index; empty when the records could not be cut from the
  // text (the "records" key written with escapes, or twice): they are all parsed then.
  std::vector<std::string_view> raw;

  size_t size() const noexcept { return records_.size(); }
  // Record i, parsed into the arena on first use.
  boost::json::value& record(size_t i);
  // Whether record i was parsed yet (for tests).
  bool parsed(size_t i) const { return parsed_[i]; }
  // The text of record i's ids, when the page was scanned; nullptr otherwise.
  const RecordIdText* id_text(size_t i) const { return i < ids_.size() ? &ids_[i] : nullptr; }

 private:
  friend std::shared_ptr<PageSource> parse_page_source(std::string text, const ReadHint& hint);
  friend std::shared_ptr<PageSource> page_source_of(std::vector<boost::json::value> records);
  std::vector<boost::json::value> records_;  // null until parsed_
  std::vector<bool> parsed_;
  std::vector<RecordIdText> ids_;  // beside raw
  // Reused by record(): one parser per page, not one per record.
  std::unique_ptr<boost::json::parser> parser_;
  ReadHint read_hint_;  // set when record() parses a record; may be null
};

// Checks that `text` is an export page {"records":[...],"done":bool,"state":...} (valid JSON,
// records an array), finds each record's raw text and parses the rest. nullptr when it is not
// such a page. With a `hint` that is set (a step read a record of an earlier page made with
// it), the records are parsed now too, in the same parse; either way the values, raw texts
// and ids are the same.
std::shared_ptr<PageSource> parse_page_source(std::string text, const ReadHint& hint);
inline std::shared_ptr<PageSource> parse_page_source(std::string text) {
  return parse_page_source(std::move(text), nullptr);
}

// A page of records that are values already (a file reader's): no text, nothing to parse.
std::shared_ptr<PageSource> page_source_of(std::vector<boost::json::value> records);

enum class RecordState : uint8_t { kAlive, kIgnored, kFailed };

// Why a record failed: the step (an export or import id), a code and a message for the operator.
struct RecordError {
  std::string step_id;
  std::string code;
  std::string message;
  boost::json::value details;
  boost::json::value retry_data;  // the record as it entered the failing step (default storage)
};

class Page {
 public:
  Page();
  // Records [begin, end) of `source`'s records (which must hold that many).
  Page(std::shared_ptr<PageSource> source, size_t begin, size_t end);
  Page(Page&&) noexcept;
  Page& operator=(Page&&) noexcept;
  ~Page();

  size_t size() const noexcept { return slots_.size(); }
  const boost::json::value& record(size_t i) const { return *value(slots_[i]); }
  RecordState state(size_t i) const { return slots_[i].state; }
  bool alive(size_t i) const { return slots_[i].state == RecordState::kAlive; }
  size_t count(RecordState state) const;

  // The record to change in place. Drops its raw text (it will be serialized for submit) and,
  // the first time in a step, keeps a copy of it as it entered the step (the retry data).
  boost::json::value& mutable_record(size_t i);
  // Replaces record i by `value` (made with new_value()); the old one is kept as the retry data.
  void set_record(size_t i, boost::json::value value);
  // A null value in the page's own arena, for a step to fill in and pass to set_record or
  // replace_live.
  boost::json::value new_value();
  boost::json::storage_ptr storage() const;

  // Its `_id`, else its `id` (a string or a number, as a value of the default storage), else
  // "#<fallback>": from its raw text when it has one, without parsing the record.
  boost::json::value record_id(size_t i, int64_t fallback) const;

  // The record's text as the export produced it, or empty once a step took it mutably.
  std::string_view raw(size_t i) const { return slots_[i].raw; }
  // Appends record i as JSON to `out`: its raw text when it has one, else serialized.
  void append_json(size_t i, std::string& out) const;
  // Its size as JSON: the raw text's length, or the length of its serialization (which is then
  // kept as its raw text: a later submit copies it).
  size_t json_size(size_t i);
  // At least json_size(i), without serializing: the raw text's length, or
  // record_json_size_bound() of the record (exact but for doubles), computed once until the
  // record changes (mutable_record, set_record), so that the limits checked after each step
  // (pipeline.hpp) do not walk a record again that no step changed.
  size_t json_size_bound(size_t i) const;

  // The record fails at `step_id`; from now on no step sees it. Retry data: the record as it
  // entered the current step (begin_step).
  void fail(size_t i, std::string step_id, std::string code, std::string message,
            boost::json::value details = nullptr);
  // As fail(), with the error as given (its step, code, message and retry data): a record that
  // failed in a router's branch, on a copy (router_step.hpp).
  void fail_with(size_t i, RecordError error);
  // The record is ignored (e.g. a filter dropped it); no later step sees it.
  void ignore(size_t i);
  // The error of a failed record, else nullptr.
  const RecordError* error(size_t i) const;
  // Moves the errors out (the job recorder stores them); error(i) is nullptr afterwards.
  std::vector<RecordError> take_errors();

  // Replaces the alive records by `records` (values made with new_value(), or any storage: they
  // are copied into the page's arena then), keeping the failed and ignored ones. See the
  // counting rule above.
  void replace_live(std::vector<boost::json::value> records);
  int64_t added() const noexcept { return added_; }
  int64_t dropped() const noexcept { return dropped_; }
  // How many times replace_live ran on this page (a tool telling a replaced page from one whose
  // records kept their places: flow_tester.hpp).
  int64_t replacements() const noexcept { return replacements_; }

  // Marks the start of a step: the retry data of records failed from now on is the record as it
  // is now; no record is skipped any more.
  void begin_step();

  // Record i skips the rest of the current step (an import and its hooks), until begin_step.
  void skip(size_t i) { slots_[i].skipped = true; }
  bool skipped(size_t i) const { return slots_[i].skipped; }
  // Alive and not skipped: the current step is to handle it.
  bool active(size_t i) const { return alive(i) && !slots_[i].skipped; }
  // Record i, failed, goes on to the later imports all the same (see above). Never cleared but
  // by a new failure (fail()).
  void proceed(size_t i) {
    if (slots_[i].state == RecordState::kFailed) slots_[i].proceeds = true;
  }
  bool proceeds(size_t i) const { return slots_[i].proceeds; }
  // Whether an import takes record i: alive or proceeding, and not skipped.
  bool takes(size_t i) const { return (alive(i) || slots_[i].proceeds) && !slots_[i].skipped; }
  // Record i was submitted to an import (SubmitStep). Never cleared.
  void mark_submitted(size_t i) { slots_[i].submitted = true; }
  bool submitted(size_t i) const { return slots_[i].submitted; }
  // Ignores every alive record that no import was given (the counting rule above); returns how
  // many. The flow runner calls it after the last step.
  size_t ignore_unsubmitted();

 private:
  static constexpr size_t kNoBound = static_cast<size_t>(-1);
  struct Slot {
    boost::json::value* value = nullptr;  // null: record `index` of source_, not parsed yet
    size_t index = 0;
    const boost::json::value* entry = nullptr;  // the record as it entered the current step
    std::string_view raw;
    mutable size_t bound = kNoBound;  // json_size_bound() of a record without raw text
    RecordState state = RecordState::kAlive;
    bool skipped = false;    // by the current step (skip())
    bool submitted = false;  // to some import (mark_submitted())
    bool proceeds = false;   // failed, but goes on (proceed())
    int error = -1;          // index in errors_
  };
  boost::json::value* own(boost::json::value value);
  // The slot's record, parsed from the source page on first use.
  boost::json::value* value(Slot& slot) const {
    if (slot.value == nullptr) slot.value = &source_->record(slot.index);
    return slot.value;
  }

  std::shared_ptr<PageSource> source_;
  // Declared before `owned_` so that it outlives the values in it.
  std::unique_ptr<boost::json::monotonic_resource> arena_;
  std::deque<boost::json::value> owned_;  // values made by steps (stable addresses)
  std::deque<std::string> texts_;         // serializations kept as raw text (json_size)
  mutable std::vector<Slot> slots_;       // mutable: records are parsed when first read
  std::vector<RecordError> errors_;
  int64_t added_ = 0;
  int64_t dropped_ = 0;
  int64_t replacements_ = 0;
};

// proceedOnFailure for one run of a processor (an import, a lookup): made before the processor
// changes `page`, it remembers the records the processor may take (Page::takes); when it goes
// out of scope, those of them now failed and not proceeding (they failed at this processor)
// proceed (Page::proceed). Does nothing when `on` is false.
class ProceedOnFailure {
 public:
  ProceedOnFailure(Page& page, bool on);
  ~ProceedOnFailure();
  ProceedOnFailure(const ProceedOnFailure&) = delete;
  ProceedOnFailure& operator=(const ProceedOnFailure&) = delete;

 private:
  Page& page_;
  std::vector<bool> taken_;  // empty when off
};

}  // namespace sluice::runtime
