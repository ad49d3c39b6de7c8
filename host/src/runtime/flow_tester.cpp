#include "runtime/flow_tester.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include <fmt/format.h>
#include <boost/json/serialize.hpp>

#include "filter/filter.hpp"
#include "plugins/connector_client.hpp"
#include "plugins/host_api.hpp"
#include "runtime/clock.hpp"
#include "runtime/export_steps.hpp"
#include "runtime/fan_out.hpp"
#include "runtime/file_export_source.hpp"
#include "runtime/filter_explainer.hpp"
#include "runtime/flow_plan.hpp"
#include "runtime/flow_runner.hpp"
#include "runtime/job_environment.hpp"
#include "runtime/job_log.hpp"
#include "runtime/local_file_producer.hpp"
#include "runtime/lookup_step.hpp"
#include "runtime/pipeline.hpp"
#include "runtime/pull_export_source.hpp"
#include "runtime/router_step.hpp"

namespace sluice::runtime {

namespace json = boost::json;

namespace {

// An import in a test run: it receives the records (the alive ones, and the failed ones that
// proceed: page.hpp) and submits nothing; they go on unchanged.
class WouldReceiveStep : public Step {
 public:
  WouldReceiveStep(std::string import_id, std::string name, bool proceed_on_failure)
      : import_id_(std::move(import_id)),
        name_(std::move(name)),
        proceed_on_failure_(proceed_on_failure) {}
  std::string_view kind() const override { return "import"; }
  const std::string& name() const override { return name_; }
  const std::string& step_id() const override { return import_id_; }
  // Records it receives count as submitted (a router then keeps them alive: router_step.hpp).
  Result<StepResult> run(Page& page, const StepContext&) override {
    for (size_t i = 0; i < page.size(); ++i)
      if (page.active(i)) page.mark_submitted(i);
    return StepResult{};
  }
  bool proceed_on_failure() const { return proceed_on_failure_; }

 private:
  std::string import_id_, name_;
  bool proceed_on_failure_;
};

// The lookup's answers during one run of its step, by the record's index in the page (in the
// child page, for a oneToMany lookup).
using LookupAnswers = std::map<size_t, json::value>;
// A oneToMany step's children during one run of it, by their record's index in the page.
using Children = std::map<size_t, std::vector<TestedChild>>;

// What a step of the pipeline is, for the report.
struct StepInfo {
  size_t index = 0;  // in TestedSource::steps, or in its branch's steps
  const FilterExplainer* explainer = nullptr;
  const WouldReceiveStep* import = nullptr;
  bool router = false;               // the router step: its records show the branches they took
  LookupAnswers* answers = nullptr;  // a lookup step
  Children* children = nullptr;      // a oneToMany step
  std::string path_to_many;          // a oneToMany step
};

// What the router step decided for each record of the page (by index), for the report.
using Routes = std::map<size_t, std::vector<std::pair<std::string, std::string>>>;

// {"dotted.path": value in `after`} of every field `after` adds to or changes in `before` (in an
// array field of unchanged length, element by element: "items[0].x").
void changes(const json::value& before, const json::value& after, const std::string& path,
             json::object& out) {
  const json::object* a = before.if_object();
  const json::object* b = after.if_object();
  if (a != nullptr && b != nullptr) {
    for (const auto& [key, value] : *b) {
      const std::string at = path.empty() ? std::string(key) : fmt::format("{}.{}", path, key);
      if (const json::value* old = a->if_contains(key)) {
        changes(*old, value, at, out);
      } else {
        out[at] = value;
      }
    }
    return;
  }
  const json::array* x = before.if_array();
  const json::array* y = after.if_array();
  if (x != nullptr && y != nullptr && x->size() == y->size() && !path.empty()) {
    for (size_t k = 0; k < x->size(); ++k)
      changes((*x)[k], (*y)[k], fmt::format("{}[{}]", path, k), out);
    return;
  }
  if (before != after) out[path.empty() ? std::string("(the record)") : path] = after;
}

std::string state_name(RecordState state) {
  switch (state) {
    case RecordState::kAlive:
      return "alive";
    case RecordState::kIgnored:
      return "ignored";
    case RecordState::kFailed:
      return "failed";
  }
  return "alive";
}

const json::value* id_of(const json::value& record) {
  if (const json::object* o = record.if_object()) {
    for (std::string_view key : {"_id", "id"}) {
      if (const json::value* id = o->if_contains(key); id && (id->is_string() || id->is_number()))
        return id;
    }
  }
  return nullptr;
}

// Catches the plugins' log lines while the test runs (instead of the stderr sink).
class LogCapture {
 public:
  LogCapture() {
    previous_ = host::set_log_sink(
        [this](int32_t level, const std::string& scope, std::string_view message) {
          std::lock_guard lock(mutex_);
          lines_.push_back({log_level_name(level), scope, std::string(message)});
        });
  }
  ~LogCapture() { host::set_log_sink(std::move(previous_)); }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;
  void add(TestedLogLine line) {
    std::lock_guard lock(mutex_);
    lines_.push_back(std::move(line));
  }
  std::vector<TestedLogLine> take() {
    std::lock_guard lock(mutex_);
    return std::exchange(lines_, {});
  }

 private:
  host::LogSink previous_;
  std::mutex mutex_;
  std::vector<TestedLogLine> lines_;
};

// One record of the page as a step got it.
struct Entry {
  int64_t index = 0;  // TestedRecord::index
  RecordState state = RecordState::kAlive;
  json::value record;
};

class FlowTester {
 public:
  FlowTester(host::Store& store, FlowPlan plan, const FlowTestOptions& options)
      : store_(store),
        plan_(std::move(plan)),
        options_(options),
        env_(plan_, new_id(), options.cancelled, options.limits, &store_) {}

  Result<FlowTestReport> run() {
    // Every step of every source is built before any export is read: a step that does not
    // compile is reported before anything runs.
    std::vector<Built> built;
    for (const GeneratorStep& generator : plan_.generators) {
      auto pipeline = build(generator);
      if (!pipeline) return pipeline.error();
      built.push_back(std::move(*pipeline));
    }
    FlowTestReport report;
    report.flow_id = plan_.flow_id;
    report.flow_name = plan_.name;
    report.records = options_.records;
    for (size_t g = 0; g < plan_.generators.size(); ++g) {
      report.sources.push_back(run_source(plan_.generators[g], built[g]));
    }
    return report;
  }

 private:
  struct Built {
    std::unique_ptr<Pipeline> pipeline;
    std::vector<std::unique_ptr<FilterExplainer>> explainers;
    std::vector<std::unique_ptr<LookupAnswers>> answers;  // one per lookup step
    std::vector<std::unique_ptr<Children>> children;      // one per oneToMany step
    std::map<const Step*, StepInfo> steps;                // in branches too
    TestedSource source;                                  // its steps named, with no records yet
    std::shared_ptr<Routes> routes;  // the router step's decisions for the current page
    RouterStep* router = nullptr;    // the router step, if any
    size_t router_index = 0;         // its index in source.steps
    // Each (router, branch) of the plan: its index in the router step's branches.
    std::map<std::pair<size_t, size_t>, size_t> branch_index;
  };

  // The step of processor `p` in a test run, as a job makes it (a lookup, which runs: it only
  // reads; with oneToMany, fanned out) except that an import would receive its records.
  Result<std::unique_ptr<Step>> test_step(size_t p, Built& out, StepInfo& info) {
    const ProcessorStep& processor = plan_.processors[p];
    Result<std::unique_ptr<Step>> step =
        processor.is_lookup
            ? make_lookup_step(processor, [this, p] { return env_.lookup_for(p); })
            : fan_out_if_one_to_many(
                  processor.doc, fmt::format("import {}", processor.import_id),
                  std::make_unique<WouldReceiveStep>(processor.import_id, processor.name,
                                                     processor.proceed_on_failure),
                  /*takes_proceeding=*/true, processor.proceed_on_failure);
    if (!step) return step;
    Step* inner = step->get();
    auto* fan = dynamic_cast<FanOutStep*>(inner);
    if (fan != nullptr) inner = &fan->inner();
    if (processor.is_lookup) {
      out.answers.push_back(std::make_unique<LookupAnswers>());
      LookupAnswers* answers = out.answers.back().get();
      static_cast<LookupStep*>(inner)->set_answer_observer(
          [answers](size_t i, const json::value& answer) { (*answers)[i] = answer; });
      info.answers = answers;
    } else {
      info.import = static_cast<const WouldReceiveStep*>(inner);
    }
    if (fan != nullptr) {
      out.children.push_back(std::make_unique<Children>());
      Children* children = out.children.back().get();
      LookupAnswers* answers = info.answers;
      fan->set_child_observer(
          [children, answers](size_t record, const Page& page, size_t first, size_t count) {
            std::vector<TestedChild>& list = (*children)[record];
            for (size_t c = first; c < first + count; ++c) {
              TestedChild child;
              child.record = json::value(page.record(c));
              child.state = state_name(page.state(c));
              if (const RecordError* e = page.error(c)) {
                child.error_code = e->code;
                child.error_message = e->message;
              }
              if (answers != nullptr) {
                if (auto answer = answers->find(c); answer != answers->end())
                  child.lookup = answer->second;
              }
              list.push_back(std::move(child));
            }
          });
      info.children = children;
      info.path_to_many = fan->path();
    }
    return step;
  }

  static TestedStep tested_step(const Step& step, const StepInfo& info) {
    TestedStep tested;
    tested.step = fmt::format("{} {}", step.kind(), step.name());
    tested.kind = std::string(step.kind());
    tested.step_id = step.step_id();
    tested.would_receive = info.import != nullptr;
    tested.path_to_many = info.path_to_many;
    return tested;
  }

  Result<Built> build(const GeneratorStep& generator) {
    Built out;
    out.pipeline = std::make_unique<Pipeline>(
        generator.export_id, generator.name,
        PipelineLimits{options_.limits.page_bytes, options_.record_bytes});
    out.source.export_id = generator.export_id;
    out.source.name = generator.name;
    TestedStep source_step;
    source_step.step = fmt::format("export {}", generator.name);
    source_step.kind = "export";
    source_step.step_id = generator.export_id;
    out.source.steps.push_back(std::move(source_step));
    auto add = [&](std::unique_ptr<Step> step, StepInfo info) {
      info.index = out.source.steps.size();
      out.source.steps.push_back(tested_step(*step, info));
      out.steps[step.get()] = info;
      out.pipeline->add(std::move(step));
    };
    for (ExportSlot slot : kExportSlots) {
      auto step = make_export_step(slot, generator);
      if (!step) return step.error();
      if (!*step) continue;
      StepInfo info;
      if (slot == ExportSlot::kFilter) {
        out.explainers.push_back(std::make_unique<FilterExplainer>(generator.filter));
        info.explainer = out.explainers.back().get();
      }
      add(std::move(*step), info);
    }
    if (!plan_.routers.empty()) {
      // The branches' steps run inside the router step; the report shows which branches each
      // record took, and each branch's steps under the router step.
      TestedStep router_step;
      for (size_t r = 0; r < plan_.routers.size(); ++r) {
        for (size_t b = 0; b < plan_.routers[r].branches.size(); ++b) {
          out.branch_index[{r, b}] = router_step.branches.size();
          router_step.branches.push_back(
              TestedBranch{plan_.routers[r].name, plan_.routers[r].branches[b].name, {}});
        }
      }
      // RouterStep::make makes each branch's steps in order, branch after branch.
      size_t router_at = 0, branch_at = 0;
      auto router = RouterStep::make(
          plan_, 0,
          [&](size_t p) -> Result<std::unique_ptr<Step>> {
            StepInfo info;
            auto step = test_step(p, out, info);
            if (!step) return step;
            for (size_t r = 0; r < plan_.routers.size(); ++r) {
              for (size_t b = 0; b < plan_.routers[r].branches.size(); ++b) {
                const std::vector<size_t>& ps = plan_.routers[r].branches[b].processors;
                if (std::find(ps.begin(), ps.end(), p) == ps.end()) continue;
                router_at = r;
                branch_at = b;
              }
            }
            TestedBranch& branch =
                router_step.branches[out.branch_index.at({router_at, branch_at})];
            info.index = branch.steps.size();
            branch.steps.push_back(tested_step(**step, info));
            out.steps[step->get()] = info;
            return step;
          },
          PipelineLimits{options_.limits.page_bytes, options_.record_bytes});
      if (!router) return router.error();
      out.router = router->get();
      out.routes = std::make_shared<Routes>();
      (*router)->set_route_observer(
          [routes = out.routes](const std::string& name, size_t record,
                                const std::vector<std::string>& branches) {
            for (const std::string& branch : branches) (*routes)[record].emplace_back(name, branch);
          });
      StepInfo info;
      info.router = true;
      out.router_index = out.source.steps.size();
      add(std::move(*router), info);
      out.source.steps.back().branches = std::move(router_step.branches);
      return out;
    }
    for (size_t p = 0; p < plan_.processors.size(); ++p) {
      StepInfo info;
      auto step = test_step(p, out, info);
      if (!step) return step.error();
      add(std::move(*step), info);
    }
    return out;
  }

  // The generator's source as a run opens it (flow_runner.cpp), reading what a run would read and
  // confirming nothing: its pull export, or a file source over the plugin's files or, for a data
  // loader, FlowTestOptions::data_file — with commit_files off (no file is deleted or moved).
  Result<std::unique_ptr<Source>> open_source(const GeneratorStep& generator,
                                              StepContext& context) {
    int64_t limit = static_cast<int64_t>(options_.records);
    if (generator.type == ExportType::kTest && (limit == 0 || generator.test_limit < limit)) {
      limit = generator.test_limit;
    }
    std::unique_ptr<FileProducer> files;
    std::unique_ptr<host::RemoteExport> exp;
    if (generator.simple) {
      if (options_.data_file.empty()) {
        return make_error(Status::kInvalidConfig,
                          "it is a data loader (SimpleExport): give the file to test with "
                          "`sluice flow test ID --data FILE`");
      }
      auto local = LocalFileProducer::open(options_.data_file);
      if (!local) return local.error();
      files = std::move(*local);
    } else {
      auto connection = env_.connection_for(generator.connection);
      if (!connection) return connection.error();
      auto state = store_.get_state(generator.export_id);
      const std::string state_json =
          state && !state->is_null() ? json::serialize(*state) : std::string("null");
      auto opened = (*connection)
                        ->open_export(json::serialize(generator.doc), state_json,
                                      fmt::format("export {}", generator.name),
                                      env_.run_context(
                                          generator, generator.type,
                                          last_export_date_time(store_, generator, generator.type),
                                          /*test_mode=*/true, context));
      if (!opened) return opened.error();
      exp = std::move(*opened);
    }
    if (!generator.files && !generator.simple) {
      PullExportOptions pull;
      pull.export_id = generator.export_id;
      pull.plugin_id = generator.connection.connector->plugin->id;
      pull.page_size = generator.page_size;
      pull.queue_depth = 1;
      pull.retries = options_.export_retries;
      pull.record_limit = limit;
      pull.cancelled = options_.cancelled;
      // No committed() call, ever: a test run confirms no page (nothing flagged, no state).
      return std::unique_ptr<Source>(
          std::make_unique<PullExportSource>(std::move(exp), std::move(pull), Cursor{}));
    }
    if (!files) {
      files = remote_file_producer(std::move(exp), generator.connection.connector->plugin->id);
    }
    // A test run confirms, deletes and moves no file.
    return open_file_export_source(generator, std::move(files),
                                   {.queue_depth = 1,
                                    .record_limit = limit,
                                    .commit_files = false,
                                    .cancelled = options_.cancelled});
  }

  TestedSource run_source(const GeneratorStep& generator, Built& built) {
    TestedSource& out = built.source;
    StepContext context =
        env_.step_context(generator.export_id, &generator.settings,
                          [this](std::string_view level, std::string_view message) {
                            log_.add({std::string(level), {}, std::string(message)});
                          });
    auto opened = open_source(generator, context);
    if (!opened) {
      out.error = fmt::format("export {}: {}", generator.name, opened.error().message);
      out.steps.front().log = log_.take();
      return std::move(out);
    }
    Source& source = **opened;
    next_index_ = 0;
    added_ = 0;
    constexpr int kMaxEmptyPages = 100;
    for (int empty = 0; empty < kMaxEmptyPages;) {
      auto next = source.next();
      if (!next) {
        out.error = fmt::format("export {} failed: {}", generator.name, next.error().message);
        break;
      }
      if (!*next) break;
      SourcePage& page = **next;
      if (page.records == 0) {
        ++empty;
        continue;
      }
      context.page_index = out.pages++;
      context.file = page.file.is_null() ? nullptr : &page.file;
      const Result<StepResult> ran = run_page(built, page.page, context);
      context.file = nullptr;
      if (!ran || ran->abort || options_.records == 0) break;
      if (options_.cancelled != nullptr && options_.cancelled->load()) {
        out.error = "canceled by the operator";
        break;
      }
    }
    source.stop();
    // Lines the plugin logged after the last step (its last pages, closing): the source's.
    for (TestedLogLine& line : log_.take()) {
      line.page = std::max<int64_t>(0, out.pages - 1);
      out.steps.front().log.push_back(std::move(line));
    }
    return std::move(out);
  }

  Result<StepResult> run_page(Built& built, Page& page, StepContext& context) {
    std::vector<Entry> before;
    int64_t replacements = page.replacements();
    const int64_t page_index = context.page_index;
    built.pipeline->set_observer([&](const Step* step, const Page& after,
                                     const Result<StepResult>* ran) {
      StepInfo info;
      if (step != nullptr) info = built.steps.at(step);
      TestedStep& tested = built.source.steps[info.index];
      std::vector<Entry> now;
      if (step == nullptr) {
        take_log(tested, page_index);
        now.reserve(after.size());
        for (size_t i = 0; i < after.size(); ++i) {
          now.push_back({next_index_++, after.state(i), json::value(after.record(i))});
          tested.records.push_back(record_of(now.back(), after, i, page_index));
        }
      } else {
        observe(built, info, tested, before, after, ran, replacements, page_index, context, now);
      }
      before = std::move(now);
    });
    // Inside the router step: each branch's page, its records paired with the router step's
    // records (`before` holds them as they entered it).
    std::vector<Entry> branch_before;
    int64_t branch_replacements = 0;
    if (built.router != nullptr) {
      built.router->set_branch_observer([&](size_t r, size_t b, const Step* step, size_t step_index,
                                            const Page& after, const std::vector<size_t>& origins,
                                            const Result<StepResult>* ran) {
        TestedBranch& branch =
            built.source.steps[built.router_index].branches[built.branch_index.at({r, b})];
        std::vector<Entry> now;
        if (step == nullptr) {
          for (size_t j = 0; j < after.size(); ++j) {
            const int64_t index = origins[j] < before.size() ? before[origins[j]].index : 0;
            now.push_back({index, after.state(j), json::value(after.record(j))});
          }
          branch_replacements = after.replacements();
        } else if (step_index < branch.steps.size()) {
          observe(built, built.steps.at(step), branch.steps[step_index], branch_before, after, ran,
                  branch_replacements, page_index, context, now);
        }
        branch_before = std::move(now);
      });
    }
    if (built.routes) built.routes->clear();
    auto ran = built.pipeline->run(page, context);
    built.pipeline->set_observer(nullptr);
    if (built.router != nullptr) built.router->set_branch_observer(nullptr);
    for (auto& answers : built.answers) answers->clear();
    for (auto& children : built.children) children->clear();
    return ran;
  }

  void take_log(TestedStep& tested, int64_t page_index) {
    for (TestedLogLine& line : log_.take()) {
      line.page = page_index;
      tested.log.push_back(std::move(line));
    }
  }

  // Reports step `info` (`tested`) on the page `after` it ran, whose records entered it as
  // `before`; `now` gets them as they left it.
  void observe(Built& built, const StepInfo& info, TestedStep& tested,
               const std::vector<Entry>& before, const Page& after, const Result<StepResult>* ran,
               int64_t& replacements, int64_t page_index, const StepContext& context,
               std::vector<Entry>& now) {
    take_log(tested, page_index);
    now.reserve(after.size());
    if (after.replacements() == replacements && before.size() == after.size()) {
      // The records kept their places: record i is the one that entered as record i.
      for (size_t i = 0; i < after.size(); ++i) {
        const Entry& in = before[i];
        now.push_back({in.index, after.state(i), json::value(after.record(i))});
        const bool received =
            in.state == RecordState::kAlive ||
            (info.import != nullptr && in.state == RecordState::kFailed && after.proceeds(i));
        if (!received) continue;
        TestedRecord r = record_of(now.back(), after, i, page_index);
        r.before = in.record;
        if (info.router && built.routes) {
          if (auto taken = built.routes->find(i); taken != built.routes->end())
            r.routes = taken->second;
          if (after.state(i) == RecordState::kIgnored) {
            std::string taken;
            for (const auto& [router, branch] : r.routes)
              taken += (taken.empty() ? "" : ", ") + router + ": " + branch;
            r.reason = r.routes.empty()
                           ? "it matched no branch"
                           : "no branch it took (" + taken + ") has an import: discarded";
          }
        }
        if (info.children != nullptr) {
          if (auto children = info.children->find(i); children != info.children->end())
            r.children = std::move(children->second);
          if (info.answers != nullptr) {  // a oneToMany lookup: the answers are the children's
            json::object mapped;
            if (after.state(i) == RecordState::kAlive) changes(in.record, r.record, "", mapped);
            r.mapped = std::move(mapped);
          }
        } else if (info.answers != nullptr) {
          if (auto answer = info.answers->find(i); answer != info.answers->end()) {
            r.lookup = std::move(answer->second);
            json::object mapped;
            if (after.state(i) == RecordState::kAlive) changes(in.record, r.record, "", mapped);
            r.mapped = std::move(mapped);
          }
        }
        if (info.explainer != nullptr && in.state == RecordState::kAlive &&
            after.state(i) == RecordState::kIgnored) {
          r.reason = info.explainer->why(
              in.record, host::filter::FilterContext{context.flow_settings, context.export_settings,
                                                     nullptr, context.integration_settings});
        }
        tested.records.push_back(std::move(r));
      }
    } else {
      replacements = after.replacements();
      replaced(before, after, page_index, tested, now);
    }
    if (ran != nullptr) {
      if (!*ran) {
        tested.error = ran->error().message;
      } else {
        tested.abort = tested.abort || (*ran)->abort;
        for (const host::JobError& e : (*ran)->job_errors)
          tested.job_errors.push_back({page_index, e.code.empty() ? "error" : e.code, e.message});
      }
    }
  }

  // A step replaced the live records (Page::replace_live): the page is the records that were not
  // alive, in their order, then the step's records. Those pair with the records that entered by
  // `_id`/`id`, then (those without one) by position; the rest were added or removed.
  void replaced(const std::vector<Entry>& before, const Page& after, int64_t page_index,
                TestedStep& tested, std::vector<Entry>& now) {
    std::vector<const Entry*> inputs;
    size_t kept = 0;
    for (const Entry& in : before) {
      if (in.state == RecordState::kAlive) {
        inputs.push_back(&in);
      } else {
        now.push_back({in.index, in.state, in.record});
        ++kept;
      }
    }
    std::vector<bool> paired(inputs.size(), false);
    std::vector<const Entry*> match(after.size(), nullptr);
    for (size_t i = kept; i < after.size(); ++i) {
      const json::value* id = id_of(after.record(i));
      if (id == nullptr) continue;
      for (size_t k = 0; k < inputs.size(); ++k) {
        const json::value* in_id = id_of(inputs[k]->record);
        if (!paired[k] && in_id != nullptr && *in_id == *id) {
          paired[k] = true;
          match[i] = inputs[k];
          break;
        }
      }
    }
    size_t next_without_id = 0;
    for (size_t i = kept; i < after.size(); ++i) {
      if (match[i] != nullptr || id_of(after.record(i)) != nullptr) continue;
      while (next_without_id < inputs.size() &&
             (paired[next_without_id] || id_of(inputs[next_without_id]->record) != nullptr))
        ++next_without_id;
      if (next_without_id < inputs.size()) {
        paired[next_without_id] = true;
        match[i] = inputs[next_without_id++];
      }
    }
    for (size_t i = kept; i < after.size(); ++i) {
      const int64_t index = match[i] != nullptr ? match[i]->index : -(++added_);
      now.push_back({index, after.state(i), json::value(after.record(i))});
      TestedRecord r = record_of(now.back(), after, i, page_index);
      if (match[i] != nullptr) {
        r.before = match[i]->record;
      } else {
        r.added = true;
      }
      tested.records.push_back(std::move(r));
    }
    for (size_t k = 0; k < inputs.size(); ++k) {
      if (paired[k]) continue;
      TestedRecord r;
      r.index = inputs[k]->index;
      r.page = page_index;
      r.state = "removed";
      r.before = inputs[k]->record;
      tested.records.push_back(std::move(r));
    }
  }

  static TestedRecord record_of(const Entry& entry, const Page& page, size_t i,
                                int64_t page_index) {
    TestedRecord r;
    r.index = entry.index;
    r.page = page_index;
    r.state = state_name(entry.state);
    r.record = entry.record;
    if (const RecordError* e = page.error(i)) {
      r.error_code = e->code;
      r.error_message = e->message;
    }
    return r;
  }

  host::Store& store_;
  FlowPlan plan_;
  const FlowTestOptions& options_;
  LogCapture log_;
  // The connections and lookups (a fresh job id no job has), closed while log_ still catches
  // what the plugins log.
  JobEnvironment env_;
  int64_t next_index_ = 0;  // of the next record the source gives
  int64_t added_ = 0;       // records steps added so far (their Entry::index is -added)
};

json::value record_json(const TestedRecord& r) {
  json::object o{{"index", r.index >= 0 ? json::value(r.index) : json::value(nullptr)},
                 {"page", r.page},
                 {"state", r.state},
                 {"record", r.record},
                 {"error", r.error_code.empty() && r.error_message.empty()
                               ? json::value(nullptr)
                               : json::value(json::object{{"code", r.error_code},
                                                          {"message", r.error_message}})}};
  if (!r.reason.empty()) o["reason"] = r.reason;
  if (r.index < 0) o["addedIndex"] = -r.index - 1;
  if (r.added) o["added"] = true;
  if (!r.routes.empty()) {
    json::array branches;
    for (const auto& [router, branch] : r.routes)
      branches.push_back(json::object{{"router", router}, {"branch", branch}});
    o["branches"] = std::move(branches);
  }
  if (!r.lookup.is_null()) o["lookup"] = r.lookup;
  if (!r.mapped.is_null()) o["mapped"] = r.mapped;
  if (!r.children.empty()) {
    json::array children;
    for (const TestedChild& c : r.children) {
      json::object child{{"record", c.record},
                         {"state", c.state},
                         {"error", c.error_code.empty() && c.error_message.empty()
                                       ? json::value(nullptr)
                                       : json::value(json::object{{"code", c.error_code},
                                                                  {"message", c.error_message}})}};
      if (!c.lookup.is_null()) child["lookup"] = c.lookup;
      children.push_back(std::move(child));
    }
    o["children"] = std::move(children);
  }
  return o;
}

json::value step_json(const TestedStep& step) {
  json::array records, job_errors, log;
  for (const TestedRecord& r : step.records) records.push_back(record_json(r));
  for (const TestedStep::JobError& e : step.job_errors)
    job_errors.push_back(json::object{{"page", e.page}, {"code", e.code}, {"message", e.message}});
  for (const TestedLogLine& line : step.log) {
    json::object l{{"page", line.page}, {"level", line.level}, {"message", line.message}};
    if (!line.scope.empty()) l["scope"] = line.scope;
    log.push_back(std::move(l));
  }
  json::object out{{"step", step.step},
                   {"kind", step.kind},
                   {"stepId", step.step_id},
                   {"wouldReceive", step.would_receive},
                   {"records", std::move(records)},
                   {"jobErrors", std::move(job_errors)},
                   {"log", std::move(log)},
                   {"error", step.error.empty() ? json::value(nullptr) : json::value(step.error)},
                   {"abort", step.abort}};
  if (!step.path_to_many.empty()) out["pathToMany"] = step.path_to_many;
  if (!step.branches.empty()) {
    json::array branches;
    for (const TestedBranch& b : step.branches) {
      json::array steps;
      for (const TestedStep& s : b.steps) steps.push_back(step_json(s));
      branches.push_back(
          json::object{{"router", b.router}, {"branch", b.branch}, {"steps", std::move(steps)}});
    }
    out["branches"] = std::move(branches);
  }
  return out;
}

}  // namespace

bool FlowTestReport::source_failed() const {
  for (const TestedSource& s : sources)
    if (!s.error.empty()) return true;
  return false;
}

json::value FlowTestReport::to_json() const {
  json::array out_sources;
  for (const TestedSource& source : sources) {
    json::array steps;
    for (const TestedStep& step : source.steps) steps.push_back(step_json(step));
    out_sources.push_back(json::object{
        {"exportId", source.export_id},
        {"name", source.name},
        {"pages", source.pages},
        {"error", source.error.empty() ? json::value(nullptr) : json::value(source.error)},
        {"steps", std::move(steps)}});
  }
  return json::object{{"flowId", flow_id},
                      {"records", records == 0 ? json::value(nullptr) : json::value(records)},
                      {"sources", std::move(out_sources)}};
}

Result<FlowTestReport> test_flow(host::Store& store, const host::PluginRegistry& registry,
                                 std::string_view flow_id, const FlowTestOptions& options) {
  if (options.records > FlowTestOptions::kMaxTestRecords) {
    return make_error(Status::kInvalidConfig,
                      fmt::format("a test run reads at most {} records per source, not {}",
                                  FlowTestOptions::kMaxTestRecords, options.records));
  }
  auto plan = resolve_flow(store, registry, flow_id);
  if (!plan) return plan.error();
  bool simple = false;
  for (const GeneratorStep& g : plan->generators) simple |= g.simple;
  if (!options.data_file.empty() && !simple) {
    return make_error(Status::kInvalidConfig,
                      fmt::format("--data {}: flow {} has no data loader source (an export with "
                                  "\"adaptorType\": \"SimpleExport\"); its sources fetch their "
                                  "own records, so leave --data out",
                                  options.data_file, flow_id));
  }
  return FlowTester(store, std::move(*plan), options).run();
}

}  // namespace sluice::runtime
