// A test connector that makes and takes records in memory, with knobs for faults and a call log,
// so the runtime's ordering, counting and cancellation can be specified exactly.
//
// Export settings (memory.*): count, pagesOf, prefix, delayMs, failOnPage, transientOnPage and
// transientTimes (that page fails kTransient that many times, staying where it was), logLevels
// (each page logs a debug, an info and a warn line through the host), report (each page warns
// "memory export: the same warning" and "memory export: a warning on page N", adds 1 to counter
// memory.pages {"export": prefix} and sets gauge memory.lastPage {} to N), log, resumable (page
// states carry a resume position {"next": N} beside the delta {"last": N}, and an export opened
// with {"resume": {"next": N}} starts at record N).
// Import settings (memory.*): name, rejectIds[], failPageWith (an id), authFail, log, hangOnId
// (a page holding that id blocks its submit for up to 60 s, deaf to cancellation), logRecords
// (each record submitted is logged as "R <name> <record JSON>"), giveIds (each accepted record's
// result carries the id "D-<its id>").
// The log has one line per export page ("E <prefix> page <n>"), per committed page
// ("C <prefix> <page state> <run type> <job id>") and per import call
// ("I <name> <id>,<id>,...": every id submitted, in order).
// Lookups: MemoryLookup below.
// Native hooks, one or more per kind: memory_hooks.cpp.
// memory.runLog: a file getting one line per opened export with the run context it got
// ("<prefix> {"type", "lastExportDateTime", "currentExportDateTime", "testLimit", "settings",
// "jobId", "testMode"}").
// Limits modes (tests/limits): export recordBytes (each record padded to about that many bytes
// of JSON), stall (next_page blocks, ignoring cancellation), stallClose (so does closing it) and
// waitForCancel (next_page returns only once the job is cancelled); import submitDelayMs and
// stall (submit blocks); connection stall (opening it blocks).
// A stalled call returns once the test calls sluice_test_memory_release_stalls() (or after
// 120 s), so that a process whose job abandoned it can exit cleanly.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <thread>

#include <boost/json.hpp>
#include <sluice/json_path.hpp>
#include <sluice/plugin.hpp>

namespace {

namespace json = boost::json;
using sluice::RunContext;

int64_t int_at(const json::object& doc, std::string_view path, int64_t fallback) {
  const json::value* v = sluice::find_path(doc, path);
  return v && v->is_number() ? v->to_number<int64_t>() : fallback;
}

std::string string_at(const json::object& doc, std::string_view path) {
  const json::value* v = sluice::find_path(doc, path);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

bool flag_at(const json::object& doc, std::string_view path) {
  const json::value* v = sluice::find_path(doc, path);
  return v && v->is_bool() && v->as_bool();
}

void append_log(const std::string& file, const std::string& line) {
  if (!file.empty()) std::ofstream(file, std::ios::app) << line << '\n';
}

std::mutex g_stall_mutex;
std::condition_variable g_stall_released_cv;
uint64_t g_stall_releases = 0;  // each release ends the stalls that began before it
std::atomic<int> g_waiting_calls{0};
std::atomic<int> g_closed_connections{0};

// Blocks the calling plugin call until the test releases it (at most 120 s), whatever the
// host's cancellation says: a plugin that hangs.
void stall() {
  std::unique_lock lock(g_stall_mutex);
  ++g_waiting_calls;
  const uint64_t releases = g_stall_releases;
  g_stall_released_cv.wait_for(lock, std::chrono::seconds(120),
                               [&] { return g_stall_releases != releases; });
  --g_waiting_calls;
}

// Blocks until the call is cancelled (polling it, as a plugin should; at most 60 s).
bool wait_for_cancel(sluice::Context& context) {
  ++g_waiting_calls;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!context.cancelled() && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  --g_waiting_calls;
  return context.cancelled();
}

class MemoryConnection : public sluice::Connection {
 public:
  ~MemoryConnection() override { ++g_closed_connections; }
  sluice::Result<void> ping(sluice::Context&) override { return {}; }
};

class MemoryExport : public sluice::ExportReader {
 public:
  MemoryExport(const json::object& doc, const json::value& state)
      : count_(int_at(doc, "memory.count", 10)),
        pages_of_(int_at(doc, "memory.pagesOf", 10)),
        delay_ms_(int_at(doc, "memory.delayMs", 0)),
        fail_on_page_(int_at(doc, "memory.failOnPage", 0)),
        transient_on_page_(int_at(doc, "memory.transientOnPage", 0)),
        transient_times_(int_at(doc, "memory.transientTimes", 0)),
        prefix_(string_at(doc, "memory.prefix")),
        log_(string_at(doc, "memory.log")),
        record_bytes_(int_at(doc, "memory.recordBytes", 0)),
        stall_(flag_at(doc, "memory.stall")),
        wait_for_cancel_(flag_at(doc, "memory.waitForCancel")),
        stall_close_(flag_at(doc, "memory.stallClose")),
        log_levels_(flag_at(doc, "memory.logLevels")),
        report_(flag_at(doc, "memory.report")) {
    if (auto* r = sluice::find_path(doc, "memory.resumable"); r && r->is_bool())
      resumable_ = r->as_bool();
    if (const json::object* o = state.if_object(); o && o->contains("resume")) {
      next_ = int_at(*o, "resume.next", 1);
    }
  }
  ~MemoryExport() override {
    if (stall_close_) stall();
  }

  sluice::Result<void> page_committed(sluice::Context& context, const json::value& state) override {
    const RunContext* run = context.run();
    append_log(log_, "C " + prefix_ + " " + json::serialize(state) + " " +
                         (run != nullptr ? run->type + " " + run->job_id : "no run"));
    return {};
  }

  sluice::Result<sluice::Page> next_page(sluice::Context& context) override {
    ++page_;
    if (stall_) stall();
    if (wait_for_cancel_ && wait_for_cancel(context)) {
      return sluice::make_error(sluice::Status::kCancelled, "memory export: saw the cancellation");
    }
    if (delay_ms_ > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms_));
    if (context.cancelled()) return sluice::make_error(sluice::Status::kCancelled, "cancelled");
    if (page_ == transient_on_page_ && transient_times_ > 0) {
      --transient_times_;
      append_log(log_, "T " + prefix_ + " page " + std::to_string(page_));
      --page_;  // the next call returns the same page
      return sluice::make_error(
          sluice::Status::kTransient,
          "memory export: injected transient failure on page " + std::to_string(page_ + 1));
    }
    if (page_ == fail_on_page_) {
      return sluice::make_error(sluice::Status::kRemoteError,
                                "memory export: injected failure on page " + std::to_string(page_));
    }
    append_log(log_, "E " + prefix_ + " page " + std::to_string(page_));
    if (log_levels_) {
      context.log(sluice::LogLevel::kDebug, "memory export: page " + std::to_string(page_));
      context.log(sluice::LogLevel::kInfo, "memory export: page " + std::to_string(page_));
      context.warn("memory export: a warning on page " + std::to_string(page_));
    }
    if (report_) {
      context.warn("memory export: the same warning");
      context.warn("memory export: a warning on page " + std::to_string(page_));
      context.counter("memory.pages", json::object{{"export", prefix_}}, 1);
      context.gauge("memory.lastPage", json::object{}, static_cast<double>(page_));
    }
    sluice::Page page;
    for (int64_t i = 0; i < pages_of_ && next_ <= count_; ++i, ++next_) {
      json::object record{{"id", prefix_ + std::to_string(next_)}, {"n", next_}};
      if (record_bytes_ > 40)
        record["pad"] = std::string(static_cast<size_t>(record_bytes_ - 40), 'p');
      page.records.push_back(std::move(record));
    }
    page.done = next_ > count_;
    page.state = json::object{{"last", next_ - 1}};
    if (resumable_) {
      page.state = json::object{{"resume", json::object{{"next", next_}}}, {"delta", page.state}};
    }
    return page;
  }

 private:
  int64_t count_, pages_of_, delay_ms_, fail_on_page_, transient_on_page_, transient_times_;
  std::string prefix_, log_;
  int64_t record_bytes_;
  bool stall_, wait_for_cancel_, stall_close_, log_levels_, report_;
  bool resumable_ = false;
  int64_t page_ = 0, next_ = 1;
};

class MemoryImport : public sluice::ImportWriter {
 public:
  explicit MemoryImport(const json::object& doc)
      : name_(string_at(doc, "memory.name")),
        fail_with_(string_at(doc, "memory.failPageWith")),
        hang_on_(string_at(doc, "memory.hangOnId")),
        log_(string_at(doc, "memory.log")),
        submit_delay_ms_(int_at(doc, "memory.submitDelayMs", 0)),
        stall_(flag_at(doc, "memory.stall")),
        log_records_(flag_at(doc, "memory.logRecords")),
        give_ids_(flag_at(doc, "memory.giveIds")) {
    if (auto* reject = sluice::find_path(doc, "memory.rejectIds"); reject && reject->is_array()) {
      for (const auto& id : reject->as_array()) reject_.push_back(std::string(id.as_string()));
    }
    if (auto* auth = sluice::find_path(doc, "memory.authFail"); auth && auth->is_bool())
      auth_fail_ = auth->as_bool();
  }

  sluice::Result<std::vector<sluice::RecordResult>> submit(sluice::Context&,
                                                           const json::array& records) override {
    if (auth_fail_)
      return sluice::make_error(sluice::Status::kAuthFailed, "memory import: credentials refused");
    if (stall_) stall();
    if (submit_delay_ms_ > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(submit_delay_ms_));
    }
    std::string ids;
    std::vector<sluice::RecordResult> results;
    for (const auto& r : records) {
      const std::string id(r.as_object().at("id").as_string());
      ids += (ids.empty() ? "" : ",") + id;
      if (log_records_) append_log(log_, "R " + name_ + " " + json::serialize(r));
      if (!hang_on_.empty() && id == hang_on_) {
        append_log(log_, "H " + name_ + " " + id);
        std::this_thread::sleep_for(std::chrono::seconds(60));
      }
      if (id == fail_with_) {
        sluice::Error error = sluice::make_error(sluice::Status::kTransient,
                                                 "memory import: injected page failure at " + id);
        error.details = json::object{{"failedAt", id}};
        return error;
      }
      sluice::RecordResult result;
      if (std::find(reject_.begin(), reject_.end(), id) != reject_.end()) {
        result.status_code = 422;
        result.errors.push_back({"rejected", "memory import " + name_ + " rejected " + id});
      } else if (give_ids_) {
        result.id = "D-" + id;
      }
      results.push_back(std::move(result));
    }
    append_log(log_, "I " + name_ + " " + ids);
    return results;
  }

 private:
  std::string name_, fail_with_, hang_on_, log_;
  int64_t submit_delay_ms_;
  bool stall_, log_records_, give_ids_;
  std::vector<std::string> reject_;
  bool auth_fail_ = false;
};

// A lookup (an export with isLookup: true). Settings (memory.*): name, log (one line per call:
// "L <name> <id>,<id>,..."), missIds[] (found nothing: data []), failIds[] (errors), hits (how
// many records each other id finds, default 1). Record k (from 1) found for id X is
// {"id": "C-X-k", "tier": "gold" for k = 1 else "silver", "of": X}.
class MemoryLookup : public sluice::Lookup {
 public:
  explicit MemoryLookup(const json::object& doc)
      : name_(string_at(doc, "memory.name")),
        log_(string_at(doc, "memory.log")),
        hits_(int_at(doc, "memory.hits", 1)) {
    for (const auto& [key, out] : {std::pair<const char*, std::vector<std::string>*>{
                                       "memory.missIds", &miss_},
                                   {"memory.failIds", &fail_}}) {
      if (auto* ids = sluice::find_path(doc, key); ids && ids->is_array()) {
        for (const auto& id : ids->as_array()) out->push_back(std::string(id.as_string()));
      }
    }
  }

  sluice::Result<std::vector<sluice::LookupResult>> lookup(sluice::Context&,
                                                           const json::array& records) override {
    std::string ids;
    std::vector<sluice::LookupResult> results;
    for (const auto& r : records) {
      const std::string id(r.as_object().at("id").as_string());
      ids += (ids.empty() ? "" : ",") + id;
      sluice::LookupResult result;
      if (std::find(fail_.begin(), fail_.end(), id) != fail_.end()) {
        result.errors.push_back({"lookupFailed", "memory lookup " + name_ + " failed for " + id});
      } else if (std::find(miss_.begin(), miss_.end(), id) == miss_.end()) {
        for (int64_t k = 1; k <= hits_; ++k) {
          result.data.push_back(json::object{{"id", "C-" + id + "-" + std::to_string(k)},
                                             {"tier", k == 1 ? "gold" : "silver"},
                                             {"of", id}});
        }
      }
      results.push_back(std::move(result));
    }
    append_log(log_, "L " + name_ + " " + ids);
    return results;
  }

 private:
  std::string name_, log_;
  int64_t hits_;
  std::vector<std::string> miss_, fail_;
};

class MemoryConnector : public sluice::Connector {
 public:
  sluice::ConnectorInfo describe() const override {
    sluice::ConnectorInfo info;
    info.name = "memory";
    info.connection_type = "memory";
    info.label = "In-memory test connector";
    // Its objects share nothing unsynchronised; the limits tests call a connection while one of
    // its exports is stuck.
    info.thread_safe_connection = true;
    info.export_settings.integer("memory.count").default_value(10);
    info.export_settings.boolean("memory.resumable");
    info.export_settings.integer("memory.pagesOf");
    info.export_settings.integer("memory.delayMs");
    info.export_settings.integer("memory.failOnPage");
    info.export_settings.integer("memory.transientOnPage");
    info.export_settings.boolean("memory.logLevels");
    info.export_settings.boolean("memory.report");
    info.export_settings.integer("memory.transientTimes");
    info.export_settings.string("memory.prefix");
    info.export_settings.string("memory.log");
    info.export_settings.string("memory.runLog");
    info.import_settings.string("memory.name");
    info.import_settings.string("memory.failPageWith");
    info.import_settings.boolean("memory.authFail");
    info.import_settings.string("memory.log");
    info.import_settings.array("memory.rejectIds").items(sluice::FieldType::kString);
    // The limits modes (tests/limits).
    info.connection.boolean("memory.stall");
    info.export_settings.integer("memory.recordBytes");
    info.export_settings.boolean("memory.stall");
    info.export_settings.boolean("memory.stallClose");
    info.export_settings.boolean("memory.waitForCancel");
    info.import_settings.integer("memory.submitDelayMs");
    info.import_settings.boolean("memory.stall");
    info.import_settings.boolean("memory.logRecords");
    info.import_settings.boolean("memory.giveIds");
    info.import_settings.string("memory.hangOnId");
    // Lookups (MemoryLookup).
    info.export_settings.string("memory.name");
    info.export_settings.array("memory.missIds").items(sluice::FieldType::kString);
    info.export_settings.array("memory.failIds").items(sluice::FieldType::kString);
    info.export_settings.integer("memory.hits");
    return info;
  }
  sluice::Result<std::unique_ptr<sluice::Connection>> open_connection(
      sluice::Context&, const json::object& doc) override {
    if (flag_at(doc, "memory.stall")) stall();
    return std::unique_ptr<sluice::Connection>(new MemoryConnection);
  }
  sluice::Result<std::unique_ptr<sluice::ExportReader>> open_export(
      sluice::Context& context, sluice::Connection&, const json::object& doc,
      const json::value& state) override {
    if (const RunContext* run = context.run()) {
      append_log(
          string_at(doc, "memory.runLog"),
          string_at(doc, "memory.prefix") + " " +
              json::serialize(json::object{{"type", run->type},
                                           {"lastExportDateTime", run->last_export_date_time},
                                           {"currentExportDateTime", run->current_export_date_time},
                                           {"testLimit", run->test_limit},
                                           {"settings", run->settings},
                                           {"jobId", run->job_id},
                                           {"testMode", run->test_mode}}));
    }
    return std::unique_ptr<sluice::ExportReader>(new MemoryExport(doc, state));
  }
  sluice::Result<std::unique_ptr<sluice::Lookup>> open_lookup(sluice::Context&, sluice::Connection&,
                                                             const json::object& doc) override {
    return std::unique_ptr<sluice::Lookup>(new MemoryLookup(doc));
  }
  sluice::Result<std::unique_ptr<sluice::ImportWriter>> open_import(
      sluice::Context&, sluice::Connection&, const json::object& doc) override {
    return std::unique_ptr<sluice::ImportWriter>(new MemoryImport(doc));
  }
};

}  // namespace

// For tests/limits: ends every call stalled so far; reports how many calls are waiting in
// stall() or wait_for_cancel(), and how many connections were closed.
extern "C" SLUICE_ABI_EXPORT void sluice_test_memory_release_stalls() {
  {
    std::lock_guard lock(g_stall_mutex);
    ++g_stall_releases;
  }
  g_stall_released_cv.notify_all();
}
extern "C" SLUICE_ABI_EXPORT int sluice_test_memory_waiting_calls() { return g_waiting_calls; }
extern "C" SLUICE_ABI_EXPORT int sluice_test_memory_closed_connections() {
  return g_closed_connections;
}

SLUICE_PLUGIN("memory", "1.0.0", "in-memory records for runtime tests", MemoryConnector)
