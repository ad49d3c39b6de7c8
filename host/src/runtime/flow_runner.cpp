#include "runtime/flow_runner.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
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

class FlowRun {
 public:
  FlowRun(host::Store& store, FlowPlan plan, const RunOptions& options, Job job)
      : store_(store), plan_(std::move(plan)), options_(options), job_(std::move(job)) {}

  Job run() {
    for (const GeneratorStep& generator : plan_.generators) {
      if (!run_generator(generator)) break;
    }
    flush_errors();
    job_.ended_at = now_iso8601();
    if (job_.status == "running") {
      job_.status = "completed";
      for (const auto& [export_id, state] : states_) {
        if (!state.is_null()) {
          if (auto r = store_.put_state(export_id, state); !r) {
            job_.message =
                "the job completed but its export state could not be saved: " + r.error().message;
          }
        }
      }
    }
    save_job(true);
    return job_;
  }

 private:
  bool cancelled() const { return options_.cancelled != nullptr && options_.cancelled->load(); }

  void fail(std::string message) {
    if (job_.status == "running") {
      job_.status = "failed";
      job_.message = std::move(message);
    }
  }

  void job_level_error(const std::string& step_id, const Error& error) {
    JobError e;
    e.id = new_id();
    e.job_id = job_.id;
    e.flow_id = job_.flow_id;
    e.step_id = step_id;
    e.code = std::string(to_string(error.status));
    e.message = error.message;
    e.occurred_at = now_iso8601();
    pending_errors_.push_back(std::move(e));
  }

  void save_job(bool force) {
    const auto now = std::chrono::steady_clock::now();
    if (!force && now - last_saved_ < std::chrono::seconds(1)) return;
    last_saved_ = now;
    if (auto r = store_.put_job(job_); !r && force) {
      job_.message += (job_.message.empty() ? "" : "; ") +
                      std::string("the job could not be saved: ") + r.error().message;
    }
  }

  void flush_errors() {
    if (pending_errors_.empty()) return;
    if (auto r = store_.add_errors(pending_errors_); !r) {
      fail("errors could not be saved to the store: " + r.error().message);
    }
    pending_errors_.clear();
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

  // Returns false when the job must stop (failure or cancellation).
  bool run_generator(const GeneratorStep& generator) {
    auto connection = connection_for(generator.connection);
    if (!connection) {
      job_level_error(generator.export_id, connection.error());
      fail(fmt::format("export {}: {}", generator.name, connection.error().message));
      return false;
    }
    auto state = store_.get_state(generator.export_id);
    const std::string state_text = state && !state->is_null() ? json::serialize(*state) : "null";
    auto exp = (*connection)
                   ->open_export(json::serialize(generator.doc), state_text,
                                 fmt::format("export {}", generator.name));
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
        job_.status = "canceled";
        job_.message = "canceled by the operator";
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
      states_[generator.export_id] = json::value(doc["state"], json::storage_ptr());
      if (!process_page(generator, doc["records"].as_array())) {
        keep_going = false;
        break;
      }
    }
    stop = true;
    queue.close();
    producer.join();
    if (job_.status == "running" && cancelled()) {
      job_.status = "canceled";
      job_.message = "canceled by the operator";
      keep_going = false;
    }
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

  void produce(const GeneratorStep& generator, host::RemoteExport& exp,
               PageQueue<FetchedPage>& queue, std::atomic<bool>& stop) {
    while (!stop && !cancelled()) {
      auto text = exp.next_page();
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

  bool process_page(const GeneratorStep& generator, const json::array& records) {
    for (size_t begin = 0; begin < records.size(); begin += generator.page_size) {
      const size_t end = std::min(records.size(), begin + generator.page_size);
      if (!process_flow_page(records, begin, end)) return false;
      if (cancelled()) return false;
    }
    return job_.status == "running";
  }

  // One flow page: records[begin, end) through every processor in order.
  bool process_flow_page(const json::array& records, size_t begin, size_t end) {
    const size_t count = end - begin;
    job_.num_pages_generated += 1;
    job_.num_export += static_cast<int64_t>(count);
    std::vector<uint8_t> failed(count, 0), ignored(count, 0);
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
        JobError e;
        e.id = new_id();
        e.job_id = job_.id;
        e.flow_id = job_.flow_id;
        e.step_id = step.import_id;
        e.code = std::move(code);
        e.message = std::move(message);
        e.occurred_at = now_iso8601();
        e.retry_data = json::value(records[begin + i], json::storage_ptr());
        pending_errors_.push_back(std::move(e));
      }
      if (!submitted && is_fatal(submitted.error().status)) {
        fatal = true;
        fail(fmt::format("import {} failed: {}", step.name, submitted.error().message));
      }
    }
    for (size_t i = 0; i < count; ++i) {
      if (failed[i]) {
        job_.num_error += 1;
      } else if (ignored[i]) {
        job_.num_ignore += 1;
      } else {
        job_.num_success += 1;
      }
    }
    job_.num_pages_processed += 1;
    if (pending_errors_.size() >= 1000) flush_errors();
    save_job(false);
    if (options_.on_progress) options_.on_progress(job_);
    return !fatal;
  }

  host::Store& store_;
  FlowPlan plan_;
  const RunOptions& options_;
  Job job_;
  std::map<std::string, std::unique_ptr<host::RemoteConnection>> connections_;
  std::vector<std::unique_ptr<host::RemoteImport>> imports_;
  std::map<std::string, json::value> states_;
  std::vector<JobError> pending_errors_;
  std::chrono::steady_clock::time_point last_saved_{};
};

// One run of a flow at a time: refuses while another live process runs it, and closes as failed
// the jobs whose process died without finishing them.
Result<void> claim_flow(host::Store& store, std::string_view flow_id) {
  auto jobs = store.list_jobs(flow_id, 20);
  if (!jobs) return jobs.error();
  for (Job& job : *jobs) {
    if (job.status != "running") continue;
    const bool alive = job.pid > 0 && job.pid != ::getpid() &&
                       (::kill(static_cast<pid_t>(job.pid), 0) == 0 || errno == EPERM);
    if (alive) {
      return make_error(
          Status::kInvalidConfig,
          fmt::format("flow {} is already running as job {} (process {}); a flow runs "
                      "one job at a time — wait for it, or cancel it with Ctrl-C or "
                      "`kill -INT {}`",
                      flow_id, job.id, job.pid, job.pid));
    }
    job.status = "failed";
    job.ended_at = now_iso8601();
    job.message = fmt::format(
        "the process running this job ({}) ended without finishing it; its counts are as last "
        "saved, and records it had not yet counted were not delivered: run the flow again",
        job.pid > 0 ? fmt::format("pid {}", job.pid) : std::string("unknown"));
    if (auto saved = store.put_job(job); !saved) return saved.error();
  }
  return {};
}

}  // namespace

Result<Job> run_flow(host::Store& store, const host::PluginRegistry& registry,
                     std::string_view flow_id, const RunOptions& options) {
  auto exists = store.get_resource(host::ResourceKind::kFlow, flow_id, host::Secrets::kMasked);
  if (!exists) return exists.error();
  if (!*exists)
    return make_error(Status::kNotFound,
                      fmt::format("no flow {} in the store; see `sluice get flows`", flow_id));
  if (auto claimed = claim_flow(store, flow_id); !claimed) return claimed.error();
  Job job;
  job.id = new_id();
  job.flow_id = std::string(flow_id);
  job.status = "running";
  job.started_at = now_iso8601();
  job.pid = ::getpid();
  if (auto r = store.put_job(job); !r) return r.error();
  auto plan = resolve_flow(store, registry, flow_id);
  if (!plan) {
    job.status = "failed";
    job.message = plan.error().message;
    job.ended_at = now_iso8601();
    if (auto r = store.put_job(job); !r) return r.error();
    return job;
  }
  return FlowRun(store, std::move(*plan), options, std::move(job)).run();
}

}  // namespace sluice::runtime
