#include "serve/schedule/scheduler.hpp"

#include <algorithm>

#include <date/tz.h>
#include <boost/json/value.hpp>

namespace sluice::serve::schedule {

namespace json = boost::json;
using std::chrono::system_clock;

namespace {

std::string state_key(const std::string& flow_id) { return "sluice.schedule/" + flow_id; }

// What the state keeps of a schedule: the instant it last came due, and the schedule and zone
// then (a schedule changed since starts afresh: its old instant says nothing about it).
json::object stored_entry(system_clock::time_point due, const std::string& cron,
                          const std::string& zone) {
  return {{"at", format_utc(std::chrono::floor<std::chrono::seconds>(due))},
          {"schedule", cron},
          {"timezone", zone}};
}

std::optional<system_clock::time_point> stored_instant(const json::object& state,
                                                       const std::string& reason,
                                                       const std::string& cron,
                                                       const std::string& zone) {
  const json::value* entry = state.if_contains(reason);
  const json::object* o = entry != nullptr ? entry->if_object() : nullptr;
  if (o == nullptr) return std::nullopt;
  const json::value* at = o->if_contains("at");
  const json::value* was = o->if_contains("schedule");
  const json::value* tz = o->if_contains("timezone");
  if (at == nullptr || !at->is_string() || was == nullptr || !was->is_string() ||
      was->get_string() != cron || tz == nullptr || !tz->is_string() || tz->get_string() != zone)
    return std::nullopt;
  auto parsed = parse_instant(at->get_string(), *date::locate_zone("UTC"));
  if (!parsed) return std::nullopt;
  return *parsed;
}

}  // namespace

Scheduler::Scheduler(host::Store& store, JobLauncher& launcher, Clock clock, DoneFn on_done)
    : store_(store), launcher_(launcher), clock_(std::move(clock)), on_done_(std::move(on_done)) {}

Scheduler::~Scheduler() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [this] { return in_flight_ == 0; });
}

std::string Scheduler::reason_of(const Entry& entry) {
  return entry.generator ? "pageGenerators[" + std::to_string(*entry.generator) + "]" : "flow";
}

Result<void> Scheduler::reload() {
  auto docs = store_.list_resources(host::ResourceKind::kFlow, host::Secrets::kMasked);
  if (!docs) {
    std::lock_guard lock(mutex_);
    problems_.push_back("the scheduler could not read the flows: " + docs.error().message);
    return docs.error();
  }
  const auto now = clock_();
  std::map<std::string, FlowSchedule> flows;
  std::vector<Entry> entries;
  std::vector<std::string> problems;
  for (const json::object& doc : *docs) {
    const json::value* id = doc.if_contains("_id");
    if (id == nullptr || !id->is_string()) continue;
    const std::string flow_id(id->get_string());
    std::vector<std::string> found;
    FlowSchedule flow = read_flow_schedule(flow_id, doc, found);
    if (!found.empty()) {
      for (const std::string& problem : found)
        problems.push_back("flow " + flow_id + ": " + problem);
      continue;
    }
    std::vector<Entry> mine;
    if (!flow.disabled) {
      if (flow.schedule) mine.push_back({flow_id, std::nullopt, *flow.schedule, {}});
      for (const auto& [index, cron] : flow.overrides) mine.push_back({flow_id, index, cron, {}});
    }
    if (!mine.empty()) {
      auto state = store_.get_state(state_key(flow_id));
      json::object stored = state && state->is_object() ? state->get_object() : json::object();
      bool baseline = false;
      for (Entry& entry : mine) {
        const std::string reason = reason_of(entry);
        auto last = stored_instant(stored, reason, entry.cron.text, flow.zone_name);
        if (!last) {  // first seen or changed: scheduled from now (also after a restart)
          last = now;
          stored[reason] = stored_entry(now, entry.cron.text, flow.zone_name);
          baseline = true;
        }
        auto next = next_run(entry.cron, *flow.zone, *last);
        if (!next) {
          problems.push_back("flow " + flow_id + ": " + next.error().message);
          continue;
        }
        entry.next_due = *next;
        entries.push_back(std::move(entry));
      }
      if (baseline) {
        if (auto put = store_.put_state(state_key(flow_id), stored); !put)
          problems.push_back("flow " + flow_id + ": " + put.error().message);
      }
    }
    flows.emplace(flow_id, std::move(flow));
  }
  {
    std::lock_guard lock(mutex_);
    flows_ = std::move(flows);
    entries_ = std::move(entries);
    problems_ = std::move(problems);
  }
  wake();
  return {};
}

std::vector<std::string> Scheduler::problems() const {
  std::lock_guard lock(mutex_);
  return problems_;
}

void Scheduler::record_due(const Entry& entry, system_clock::time_point due) {
  auto state = store_.get_state(state_key(entry.flow_id));
  json::object stored = state && state->is_object() ? state->get_object() : json::object();
  stored[reason_of(entry)] = stored_entry(due, entry.cron.text, flows_.at(entry.flow_id).zone_name);
  if (auto put = store_.put_state(state_key(entry.flow_id), stored); !put) {
    problems_.push_back("flow " + entry.flow_id + ": " + put.error().message);
  }
}

void Scheduler::tick() {
  std::lock_guard lock(mutex_);
  const auto now = clock_();
  for (Entry& entry : entries_) {
    if (entry.next_due > now) continue;
    const auto due = entry.next_due;
    record_due(entry, due);
    const FlowSchedule& flow = flows_.at(entry.flow_id);
    auto next = next_run(entry.cron, *flow.zone, now);  // runs missed in between run once
    entry.next_due = next ? *next : system_clock::time_point::max();
    if (!next) problems_.push_back("flow " + entry.flow_id + ": " + next.error().message);
    start_or_queue(entry.flow_id, {reason_of(entry), entry.generator, due});
  }
  for (auto& [flow_id, queue] : queues_) {
    if (queue.empty() || launcher_.running(flow_id)) continue;
    Pending next = std::move(queue.front());
    queue.pop_front();
    if (!start(flow_id, next)) queue.push_front(std::move(next));
  }
}

void Scheduler::start_or_queue(const std::string& flow_id, Pending pending) {
  auto& queue = queues_[flow_id];
  const bool queued = std::any_of(queue.begin(), queue.end(),
                                  [&](const Pending& p) { return p.reason == pending.reason; });
  if (queued) return;  // queued once, not stacked
  if (!queue.empty() || !start(flow_id, pending)) queue.push_back(std::move(pending));
}

bool Scheduler::start(const std::string& flow_id, const Pending& pending) {
  auto flow = flows_.find(flow_id);
  if (flow == flows_.end() || flow->second.disabled) return true;  // nothing to run: dropped
  runtime::RunOptions options;
  options.only_generator = pending.generator;
  if (!pending.generator) {
    for (const auto& [index, cron] : flow->second.overrides)
      options.skip_generators.push_back(index);
  }
  ++in_flight_;
  auto launched =
      launcher_.launch(flow_id, std::move(options),
                       [this, pending](const std::string& id, const Result<host::Job>& job) {
                         finished(id, pending, job);
                       });
  if (!launched) {
    --in_flight_;
    return false;
  }
  const auto now = clock_();
  lag_seconds_ = std::max(0.0, std::chrono::duration<double>(now - pending.due).count());
  return true;
}

void Scheduler::finished(const std::string& flow_id, const Pending& pending,
                         const Result<host::Job>& job) {
  {
    std::lock_guard lock(mutex_);
    const bool completed = job && job->status == "completed";
    auto flow = flows_.find(flow_id);
    if (completed && !pending.generator && flow != flows_.end()) {
      const std::vector<std::string> next = flow->second.run_next;
      for (const std::string& next_id : next)
        start_or_queue(next_id, {"chain", std::nullopt, clock_()});
    }
    auto queue = queues_.find(flow_id);
    if (queue != queues_.end() && !queue->second.empty()) {
      Pending next = std::move(queue->second.front());
      queue->second.pop_front();
      if (!start(flow_id, next)) queue->second.push_front(std::move(next));
    }
  }
  if (on_done_) on_done_(flow_id, pending.reason, job);
  std::lock_guard lock(mutex_);
  --in_flight_;
  idle_.notify_all();
}

std::optional<system_clock::time_point> Scheduler::next_due() const {
  std::lock_guard lock(mutex_);
  std::optional<system_clock::time_point> earliest;
  for (const Entry& entry : entries_) {
    if (!earliest || entry.next_due < *earliest) earliest = entry.next_due;
  }
  return earliest;
}

void Scheduler::wake() {
  std::lock_guard lock(mutex_);
  woken_ = true;
  wake_.notify_all();
}

void Scheduler::run(std::stop_token stop) {
  while (!stop.stop_requested()) {
    tick();
    const auto due = next_due();
    std::chrono::milliseconds wait = std::chrono::minutes(1);
    if (due) {
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(*due - clock_());
      wait = std::clamp(left, std::chrono::milliseconds(0), wait);
    }
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, stop, wait, [this] { return woken_; });
    woken_ = false;
  }
}

double Scheduler::lag_seconds() const {
  std::lock_guard lock(mutex_);
  return lag_seconds_;
}

std::vector<std::string> Scheduler::queued(const std::string& flow_id) const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  if (auto queue = queues_.find(flow_id); queue != queues_.end()) {
    for (const Pending& p : queue->second) out.push_back(p.reason);
  }
  return out;
}

}  // namespace sluice::serve::schedule
