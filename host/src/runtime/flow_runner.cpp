#include "runtime/flow_runner.hpp"

#include <chrono>
#include <map>
#include <memory>
#include <thread>

#include <fmt/format.h>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/serializer.hpp>

#include "plugins/connector_client.hpp"
#include "runtime/clock.hpp"
#include "runtime/flow_plan.hpp"
#include "runtime/job_log.hpp"
#include "runtime/job_recorder.hpp"
#include "runtime/page_queue.hpp"

namespace sluice::runtime {

namespace json = boost::json;
using host::Job;
using host::JobError;

namespace {

// One page as the export produced it, parsed on the producer thread into its own arena.
struct FetchedPage {
  // Declared before `doc` so that it outlives it. Not a shared resource: Boost.JSON skips the
  // element-by-element destruction only for storage it knows is not shared.
  std::unique_ptr<json::monotonic_resource> arena;
  json::value doc;  // {"records":[...],"done":bool,"state":...}, allocated in `arena`
  bool failed = false;
  Error error;
};

void append_json(std::string& out, const json::value& value) {
  json::serializer serializer;
  serializer.reset(&value);
  char buffer[16384];
  while (!serializer.done()) out.append(serializer.read(buffer));
}

bool is_fatal(Status status) {
  return status == Status::kAuthFailed || status == Status::kInvalidConfig ||
         status == Status::kUnsupported || status == Status::kInternal ||
         status == Status::kNotFound;
}

std::string error_code_of(const json::object& result) {
  if (auto* errors = result.if_contains("errors");
      errors && errors->is_array() && !errors->as_array().empty()) {
    if (auto* first = errors->as_array()[0].if_object()) {
      if (auto* code = first->if_contains("code")) {
        return code->is_string() ? std::string(code->as_string()) : json::serialize(*code);
      }
    }
  }
  if (auto* status = result.if_contains("statusCode"); status && status->is_number()) {
    return json::serialize(*status);
  }
  return "error";
}

std::string error_message_of(const json::object& result) {
  std::string message;
  if (auto* errors = result.if_contains("errors"); errors && errors->is_array()) {
    for (const auto& e : errors->as_array()) {
      if (auto* o = e.if_object()) {
        if (auto* m = o->if_contains("message"); m && m->is_string()) {
          if (!message.empty()) message += "; ";
          message += m->as_string();
        }
      }
    }
  }
  return message.empty() ? "the destination rejected the record without a message" : message;
}

bool result_ok(const json::value& result) {
  const json::object* o = result.if_object();
  if (o == nullptr) return false;
  if (auto* errors = o->if_contains("errors");
      errors && errors->is_array() && !errors->as_array().empty())
    return false;
  if (auto* status = o->if_contains("statusCode");
      status && status->is_number() && status->to_number<double>() >= 400) {
    return false;
  }
  return true;
}

bool result_ignored(const json::value& result) {
  const json::object* o = result.if_object();
  if (o == nullptr) return false;
  auto* ignored = o->if_contains("ignored");
  return ignored && ignored->is_bool() && ignored->as_bool();
}

// Where a page generator is in its export (the checkpoint of job_recorder.hpp, for one export).
struct Cursor {
  json::value position;        // resume position after the last fully confirmed export page
  int64_t skip = 0;            // records after `position` confirmed
  int64_t to_skip = 0;         // records still to drop from the stream (a resumed job)
  int64_t export_records = 0;  // records of this export confirmed, by this job and earlier ones
};

int64_t int_field(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_number() ? v->to_number<int64_t>() : 0;
}

// A record's id for the job's inFlight list: its "_id" or "id", else "#<index in the export>".
json::value record_id(const json::value& record, int64_t index) {
  if (const json::object* o = record.if_object()) {
    for (std::string_view key : {"_id", "id"}) {
      if (const json::value* id = o->if_contains(key)) {
        if (id->is_string() || id->is_number()) return json::value(*id, json::storage_ptr());
      }
    }
  }
  return json::value(fmt::format("#{}", index));
}

class FlowRun {
 public:
  FlowRun(host::Store& store, FlowPlan plan, const RunOptions& options, JobRecorder recorder)
      : store_(store),
        plan_(std::move(plan)),
        options_(options),
        recorder_(std::move(recorder)),
        log_(store, recorder_.job().id, options.on_log) {}

  Job run() {
    size_t first = 0;
    Cursor start;
    if (const json::object* checkpoint = recorder_.job().checkpoint.if_object()) {
      first = static_cast<size_t>(std::max<int64_t>(0, int_field(*checkpoint, "generator")));
      if (auto* deltas = checkpoint->if_contains("deltas"); deltas && deltas->is_object()) {
        for (const auto& [export_id, state] : deltas->get_object()) {
          states_[std::string(export_id)] = state;
          finished_deltas_[export_id] = state;
        }
      }
      if (auto* position = checkpoint->if_contains("position")) start.position = *position;
      start.skip = start.to_skip = int_field(*checkpoint, "skip");
      start.export_records = int_field(*checkpoint, "exportRecords");
      const json::value* export_id = checkpoint->if_contains("exportId");
      if (first < plan_.generators.size() &&
          (export_id == nullptr || !export_id->is_string() ||
           export_id->get_string() != plan_.generators[first].export_id)) {
        recorder_.end(JobStatus::kFailed,
                      fmt::format("flow {} changed since job {}: its page generator {} is export "
                                  "{}, not the one that job stopped in; run the flow without "
                                  "--resume",
                                  plan_.flow_id, recorder_.job().resumed_from, first,
                                  plan_.generators[first].export_id));
        return recorder_.finish();
      }
    }
    for (size_t g = first; g < plan_.generators.size(); ++g) {
      if (!run_generator(g, g == first ? std::move(start) : Cursor{})) break;
    }
    if (recorder_.running()) {
      for (const auto& [export_id, state] : states_) {
        if (!state.is_null()) {
          if (auto r = store_.put_state(export_id, state); !r) {
            recorder_.note("the job completed but its export state could not be saved: " +
                           r.error().message);
          }
        }
      }
    }
    flush_log();
    recorder_.set_reports(log_.warnings(), log_.metrics());
    return recorder_.finish();
  }

 private:
  // Writes the job's log lines so far; a store that cannot is noted on the job, once.
  void flush_log() {
    if (auto r = log_.flush(); !r && !log_failed_) {
      log_failed_ = true;
      recorder_.note("the job's log could not be saved: " + r.error().message);
    }
  }

  bool cancelled() const { return options_.cancelled != nullptr && options_.cancelled->load(); }

  void fail(std::string message) { recorder_.end(JobStatus::kFailed, std::move(message)); }

  JobError new_error(const std::string& step_id) const {
    JobError e;
    e.id = new_id();
    e.job_id = recorder_.job().id;
    e.flow_id = recorder_.job().flow_id;
    e.step_id = step_id;
    e.occurred_at = now_iso8601();
    return e;
  }

  void job_level_error(const std::string& step_id, const Error& error) {
    JobError e = new_error(step_id);
    e.code = std::string(to_string(error.status));
    e.message = error.message;
    e.details = error.details;
    recorder_.add_error(std::move(e));
  }

  Result<host::RemoteConnection*> connection_for(const StepConnection& step) {
    auto found = connections_.find(step.id);
    if (found != connections_.end()) return found->second.get();
    auto opened = host::RemoteConnection::open(*step.connector, json::serialize(step.doc),
                                               fmt::format("connection {}", step.id),
                                               options_.cancelled, options_.limits);
    if (!opened) return opened.error();
    return (connections_[step.id] = std::move(*opened)).get();
  }

  Result<host::RemoteImport*> import_for(size_t index) {
    if (imports_.size() < plan_.processors.size()) imports_.resize(plan_.processors.size());
    if (imports_[index]) return imports_[index].get();
    const ProcessorStep& step = plan_.processors[index];
    auto connection = connection_for(step.connection);
    if (!connection) return connection.error();
    auto opened =
        (*connection)->open_import(json::serialize(step.doc), fmt::format("import {}", step.name));
    if (!opened) return opened.error();
    return (imports_[index] = std::move(*opened)).get();
  }

  // The state open_export gets: the delta state of the last completed run, or — resuming from a
  // position — {"delta": that state, "resume": position} (sdk/README.md).
  std::string open_state(const GeneratorStep& generator, const Cursor& cursor) {
    auto state = store_.get_state(generator.export_id);
    json::value delta = state ? std::move(*state) : json::value();
    if (cursor.position.is_null()) return delta.is_null() ? "null" : json::serialize(delta);
    return json::serialize(json::object{{"delta", std::move(delta)}, {"resume", cursor.position}});
  }

  // The run context of plugin.h's export_open_run. Only "all" exports run today (resources
  // refuse delta, once and test), so the dates are this run's start and no previous one.
  std::string run_context(const GeneratorStep& generator) const {
    json::object settings{{"flow", json::object()}, {"export", json::object()}};
    if (const json::value* s = generator.doc.if_contains("settings"); s && s->is_object()) {
      settings["export"] = *s;
    }
    return json::serialize(json::object{{"type", "all"},
                                        {"lastExportDateTime", nullptr},
                                        {"currentExportDateTime", recorder_.job().started_at},
                                        {"test", nullptr},
                                        {"settings", std::move(settings)},
                                        {"jobId", recorder_.job().id},
                                        {"testMode", false}});
  }

  void cancel() { recorder_.end(JobStatus::kCanceled, "canceled by the operator"); }

  // Returns false when the job must stop (failure or cancellation).
  bool run_generator(size_t index, Cursor cursor) {
    const GeneratorStep& generator = plan_.generators[index];
    auto connection = connection_for(generator.connection);
    if (!connection) {
      job_level_error(generator.export_id, connection.error());
      fail(fmt::format("export {}: {}", generator.name, connection.error().message));
      return false;
    }
    auto exp = (*connection)
                   ->open_export(json::serialize(generator.doc), open_state(generator, cursor),
                                 fmt::format("export {}", generator.name), run_context(generator));
    if (!exp) {
      job_level_error(generator.export_id, exp.error());
      fail(fmt::format("export {}: {}", generator.name, exp.error().message));
      return false;
    }
    PageQueue<FetchedPage> queue(options_.queue_depth);
    std::atomic<bool> stop{false};
    std::thread producer([&] { produce(generator, **exp, queue, stop); });
    bool keep_going = true;
    while (auto page = queue.pop()) {
      if (cancelled()) {
        cancel();
        keep_going = false;
        break;
      }
      if (page->failed) {
        job_level_error(generator.export_id, page->error);
        fail(fmt::format("export {} failed: {}", generator.name, page->error.message));
        keep_going = false;
        break;
      }
      json::object& doc = page->doc.as_object();
      const json::value* state = doc.if_contains("state");
      const json::value* position = nullptr;
      json::value delta;
      if (state != nullptr && state->is_object() && state->get_object().contains("resume")) {
        position = &state->get_object().at("resume");
        if (auto* d = state->get_object().if_contains("delta")) delta = json::value(*d, {});
      } else if (state != nullptr) {
        delta = json::value(*state, json::storage_ptr());
      }
      states_[generator.export_id] = std::move(delta);
      const json::value* done = doc.if_contains("done");
      const bool last = done == nullptr || !done->is_bool() || done->as_bool();
      if (!process_page(index, doc["records"].as_array(), cursor, position, last)) {
        keep_going = false;
        break;
      }
      // The page is durably processed: a `once` or file export may now act on it.
      if (auto committed = (*exp)->page_committed(state != nullptr ? json::serialize(*state)
                                                                   : std::string("null"));
          !committed) {
        job_level_error(generator.export_id, committed.error());
        fail(fmt::format("export {}: {}", generator.name, committed.error().message));
        keep_going = false;
        break;
      }
    }
    stop = true;
    queue.close();
    producer.join();
    if (recorder_.running() && cancelled()) {
      cancel();
      keep_going = false;
    }
    if (keep_going) finished_deltas_[generator.export_id] = states_[generator.export_id];
    return keep_going;
  }

  // Parses a page into an arena of its own (constructed in place: assigning a json::value to
  // one with another storage would copy it).
  static FetchedPage parse_page(const std::string& text, const GeneratorStep& generator) {
    auto arena = std::make_unique<json::monotonic_resource>(text.size() + 1024);
    json::monotonic_resource* storage = arena.get();
    json::error_code ec;
    FetchedPage page{std::move(arena), json::parse(text, ec, storage)};
    const json::object* o = ec ? nullptr : page.doc.if_object();
    const json::value* records = o ? o->if_contains("records") : nullptr;
    if (records == nullptr || !records->is_array()) {
      page.failed = true;
      page.error =
          make_error(Status::kInternal,
                     fmt::format("plugin '{}' returned a page that is not {{\"records\":[...]}} "
                                 "(a bug in the plugin)",
                                 generator.connection.connector->plugin->id));
    }
    return page;
  }

  // next_page, retried after a retryable failure (kTransient, kRateLimited) up to
  // options_.export_retries more times with a doubling backoff from options_.export_backoff
  // (a rate limit's retry-after when longer, at most 60 s), waking early for cancellation. The
  // last failure, once the attempts are spent, says how many there were.
  Result<std::string> next_page_with_retries(const GeneratorStep& generator,
                                             host::RemoteExport& exp, std::atomic<bool>& stop) {
    std::chrono::milliseconds backoff = options_.export_backoff;
    for (int attempt = 0;; ++attempt) {
      auto text = exp.next_page();
      if (text || !is_retryable(text.error().status) || exp.abandoned()) return text;
      if (attempt >= options_.export_retries) {
        Error error = text.error();
        if (attempt > 0) {
          error.message = fmt::format("{} (failed {} times in a row; the host retried it {} times)",
                                      error.message, attempt + 1, attempt);
        }
        return error;
      }
      std::chrono::milliseconds wait = backoff;
      if (text.error().retry_after_ms > 0) {
        wait = std::max(wait, std::chrono::milliseconds(text.error().retry_after_ms));
      }
      wait = std::min(wait, std::chrono::milliseconds(60'000));
      const auto until = std::chrono::steady_clock::now() + wait;
      while (std::chrono::steady_clock::now() < until && !stop && !cancelled()) {
        std::this_thread::sleep_for(std::min(std::chrono::milliseconds(20), wait));
      }
      if (stop || cancelled()) return text;
      backoff *= 2;
      (void)generator;
    }
  }

  void produce(const GeneratorStep& generator, host::RemoteExport& exp,
               PageQueue<FetchedPage>& queue, std::atomic<bool>& stop) {
    while (!stop && !cancelled()) {
      auto text = next_page_with_retries(generator, exp, stop);
      FetchedPage page =
          text ? parse_page(*text, generator) : FetchedPage{nullptr, {}, true, text.error()};
      bool done = false;
      if (!page.failed) {
        auto* d = page.doc.as_object().if_contains("done");
        done = d == nullptr || !d->is_bool() || d->as_bool();
      }
      const bool failed = page.failed;
      if (!queue.push(std::move(page)) || failed || done) break;
    }
    queue.close();
  }

  // One export page: drops the records a resumed job's predecessor confirmed, then the rest in
  // flow pages of pageSize. `position` is the page's resume position (null when the plugin gives
  // none); `last` whether it ends the export.
  bool process_page(size_t generator, const json::array& records, Cursor& cursor,
                    const json::value* position, bool last) {
    size_t start = 0;
    if (cursor.to_skip > 0) {
      start = static_cast<size_t>(std::min<int64_t>(cursor.to_skip, records.size()));
      cursor.to_skip -= static_cast<int64_t>(start);
    }
    if (start == records.size() && position != nullptr && cursor.to_skip == 0) {
      cursor.position = json::value(*position, json::storage_ptr());
      cursor.skip = 0;
    }
    const size_t page_size = plan_.generators[generator].page_size;
    for (size_t begin = start; begin < records.size(); begin += page_size) {
      const size_t end = std::min(records.size(), begin + page_size);
      const bool end_of_page = end == records.size();
      if (!process_flow_page(generator, records, begin, end, cursor,
                             end_of_page ? position : nullptr, end_of_page && last)) {
        return false;
      }
      if (cancelled()) return false;
    }
    return recorder_.running();
  }

  json::value checkpoint_after(size_t generator, const Cursor& cursor, bool export_done) {
    if (export_done) {
      finished_deltas_[plan_.generators[generator].export_id] =
          states_[plan_.generators[generator].export_id];
      const bool more = generator + 1 < plan_.generators.size();
      return json::object{
          {"generator", generator + 1},
          {"exportId", more ? json::value(plan_.generators[generator + 1].export_id) : nullptr},
          {"position", nullptr},
          {"skip", 0},
          {"exportRecords", 0},
          {"deltas", finished_deltas_}};
    }
    return json::object{{"generator", generator},
                        {"exportId", plan_.generators[generator].export_id},
                        {"position", cursor.position},
                        {"skip", cursor.skip},
                        {"exportRecords", cursor.export_records},
                        {"deltas", finished_deltas_}};
  }

  // One flow page: records[begin, end) through every processor in order, recorded in flight
  // before the first processor and confirmed after the last.
  bool process_flow_page(size_t generator, const json::array& records, size_t begin, size_t end,
                         Cursor& cursor, const json::value* position, bool export_done) {
    const GeneratorStep& source = plan_.generators[generator];
    const size_t count = end - begin;
    json::array ids;
    ids.reserve(count);
    for (size_t i = begin; i < end; ++i) {
      ids.push_back(record_id(records[i], cursor.export_records + static_cast<int64_t>(i - begin)));
    }
    recorder_.page_in_flight(source.export_id, std::move(ids));
    if (!recorder_.running()) return false;

    // Without processors every record is ignored: it went nowhere, and the counts still add up.
    std::vector<uint8_t> failed(count, 0), ignored(count, plan_.processors.empty() ? 1 : 0);
    std::vector<JobError> errors;
    bool fatal = false;
    for (size_t p = 0; p < plan_.processors.size() && !fatal; ++p) {
      const ProcessorStep& step = plan_.processors[p];
      std::vector<size_t> alive;
      for (size_t i = 0; i < count; ++i) {
        if (!ignored[i] && (!failed[i] || step.proceed_on_failure)) alive.push_back(i);
      }
      if (alive.empty()) break;
      std::string body = "[";
      for (size_t k = 0; k < alive.size(); ++k) {
        if (k > 0) body += ',';
        append_json(body, records[begin + alive[k]]);
      }
      body += ']';
      auto imp = import_for(p);
      Result<std::string> submitted =
          imp ? (*imp)->submit(std::move(body)) : Result<std::string>(imp.error());
      json::monotonic_resource results_arena;
      json::value results(&results_arena);  // parsed into below, in the same storage: no copy
      if (submitted) {
        json::error_code ec;
        results = json::parse(*submitted, ec, &results_arena);
        if (ec || !results.is_array() || results.as_array().size() != alive.size()) {
          submitted = make_error(
              Status::kInternal,
              fmt::format(
                  "import {}: plugin '{}' returned {} instead of one result per record ({})",
                  step.name, step.connection.connector->plugin->id,
                  results.is_array() ? fmt::format("{} results", results.as_array().size())
                                     : std::string("no result array"),
                  alive.size()));
        }
      }
      for (size_t k = 0; k < alive.size(); ++k) {
        const size_t i = alive[k];
        std::string code, message;
        if (!submitted) {
          code = std::string(to_string(submitted.error().status));
          message = submitted.error().status == Status::kCancelled
                        ? fmt::format(
                              "import {} did not confirm this record: the job was canceled while "
                              "its page "
                              "was being submitted, so it may or may not have arrived; check the "
                              "destination, then retry it",
                              step.name)
                        : submitted.error().message;
        } else {
          const json::value& r = results.as_array()[k];
          if (result_ok(r)) {
            if (result_ignored(r)) ignored[i] = 1;
            continue;
          }
          code = r.is_object() ? error_code_of(r.as_object()) : "error";
          message = r.is_object() ? error_message_of(r.as_object())
                                  : "the plugin returned a malformed result";
        }
        if (failed[i]) continue;  // already counted at an earlier step (proceedOnFailure)
        failed[i] = 1;
        JobError e = new_error(step.import_id);
        e.code = std::move(code);
        e.message = std::move(message);
        e.retry_data = json::value(records[begin + i], json::storage_ptr());
        if (!submitted) e.details = submitted.error().details;
        errors.push_back(std::move(e));
      }
      if (!submitted && is_fatal(submitted.error().status)) {
        fatal = true;
        fail(fmt::format("import {} failed: {}", step.name, submitted.error().message));
      }
    }
    int64_t success = 0, ignore = 0, error = 0;
    for (size_t i = 0; i < count; ++i) {
      if (failed[i]) {
        ++error;
      } else if (ignored[i]) {
        ++ignore;
      } else {
        ++success;
      }
    }
    cursor.export_records += static_cast<int64_t>(count);
    cursor.skip += static_cast<int64_t>(count);
    if (position != nullptr) {
      cursor.position = json::value(*position, json::storage_ptr());
      cursor.skip = 0;
    }
    recorder_.commit_page(success, ignore, error, std::move(errors),
                          checkpoint_after(generator, cursor, export_done));
    flush_log();
    if (options_.on_progress) options_.on_progress(recorder_.job());
    return !fatal && recorder_.running();
  }

  host::Store& store_;
  FlowPlan plan_;
  const RunOptions& options_;
  JobRecorder recorder_;
  JobLog log_;  // before the connections: it is the log sink while they are closed
  bool log_failed_ = false;
  std::map<std::string, std::unique_ptr<host::RemoteConnection>> connections_;
  std::vector<std::unique_ptr<host::RemoteImport>> imports_;
  std::map<std::string, json::value> states_;  // the latest delta state of each export
  json::object finished_deltas_;               // those of the exports this flow has finished
};

}  // namespace

Result<Job> run_flow(host::Store& store, const host::PluginRegistry& registry,
                     std::string_view flow_id, const RunOptions& options) {
  auto exists = store.get_resource(host::ResourceKind::kFlow, flow_id, host::Secrets::kMasked);
  if (!exists) return exists.error();
  if (!*exists)
    return make_error(Status::kNotFound,
                      fmt::format("no flow {} in the store; see `sluice get flows`", flow_id));
  std::optional<Job> resume_from;
  if (options.resume) {
    auto newest = store.list_jobs(flow_id, 1);
    if (!newest) return newest.error();
    if (newest->empty()) {
      return make_error(
          Status::kInvalidConfig,
          fmt::format("flow {} has no job to resume; run it without --resume", flow_id));
    }
    if (newest->front().status == to_string(JobStatus::kCompleted)) {
      return make_error(Status::kInvalidConfig,
                        fmt::format("the last job of flow {} ({}) completed, so there is nothing "
                                    "to resume; run the flow without --resume to start a new job",
                                    flow_id, newest->front().id));
    }
    resume_from = std::move(newest->front());
  }
  auto recorder = JobRecorder::claim(store, flow_id, resume_from ? &*resume_from : nullptr);
  if (!recorder) return recorder.error();
  if (options.on_start) options.on_start(recorder->job());
  auto plan = resolve_flow(store, registry, flow_id);
  if (!plan) {
    recorder->end(JobStatus::kFailed, plan.error().message);
    return recorder->finish();
  }
  return FlowRun(store, std::move(*plan), options, std::move(*recorder)).run();
}

}  // namespace sluice::runtime
