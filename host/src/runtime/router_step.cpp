#include "runtime/router_step.hpp"

#include <algorithm>
#include <deque>

#include <fmt/format.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "runtime/import_steps.hpp"
#include "runtime/script_runner.hpp"
#include "runtime/step_settings.hpp"
#include "script/script_engine.hpp"

namespace sluice::runtime {

namespace json = boost::json;

// A record on its way to a router: record `index` of `page` (the step's page, or a branch's,
// kept alive for the step's run), `origin` its index in the step's page. A branch gets a copy
// made from its JSON text (the export's raw text while no step changed it).
struct RouterStep::Item {
  size_t origin = 0;
  const Page* page = nullptr;
  size_t index = 0;
  bool submitted = false;
  const json::value& value() const { return page->record(index); }
};

// What became of the copies of one record of the step's page.
struct RouterStep::Outcome {
  bool routed = false;
  bool submitted = false;
  std::vector<RecordError> errors;
};

namespace {

Error router_error(std::string_view flow_id, std::string message) {
  return make_error(Status::kInvalidConfig,
                    fmt::format("flow {}: {}; fix it and apply the flow again", flow_id, message));
}

// What a routing function returned, as JSON; a result that is not JSON (undefined) is shown as
// the string it printed as.
json::value parse_returned(const std::string& text) {
  boost::system::error_code ec;
  json::value value = json::parse(text, ec);
  if (ec) return json::value(text.empty() ? std::string("undefined") : text);
  return value;
}

}  // namespace

Result<host::filter::Filter> compile_branch_filter(const json::value& filter,
                                                   const std::string& path) {
  const json::object* o = filter.if_object();
  auto compiled = o != nullptr && o->contains("type")
                      ? host::filter::Filter::compile(filter, path)
                      : host::filter::Filter::compile_expression(filter, path);
  if (compiled && compiled->kind() == host::filter::Filter::Kind::kScript) {
    return make_error(Status::kUnsupported,
                      fmt::format("{}: a script inputFilter on a branch is not supported yet; "
                                  "route with the router's script (routeRecordsUsing: "
                                  "\"script\") instead",
                                  path));
  }
  return compiled;
}

RouterStep::~RouterStep() = default;

Result<std::unique_ptr<RouterStep>> RouterStep::make(const FlowPlan& plan, size_t first,
                                                     const ProcessorMaker& make_processor,
                                                     PipelineLimits limits) {
  std::unique_ptr<RouterStep> step(new RouterStep());
  if (first >= plan.routers.size())
    return router_error(plan.flow_id, fmt::format("$.routers[{}]: no such router", first));
  step->first_ = first;
  step->routers_.resize(plan.routers.size());
  // The reachable routers in an order where each comes after every router feeding it (Kahn's
  // algorithm over the reachable part); a router left over is on a cycle.
  std::vector<bool> reachable(plan.routers.size(), false);
  std::vector<size_t> stack{first};
  reachable[first] = true;
  while (!stack.empty()) {
    const size_t r = stack.back();
    stack.pop_back();
    for (const FlowBranchRef& b : plan.routers[r].branches) {
      if (b.next_router >= 0 && !reachable[static_cast<size_t>(b.next_router)]) {
        reachable[static_cast<size_t>(b.next_router)] = true;
        stack.push_back(static_cast<size_t>(b.next_router));
      }
    }
  }
  std::vector<size_t> feeds(plan.routers.size(), 0);
  for (size_t r = 0; r < plan.routers.size(); ++r) {
    if (!reachable[r]) continue;
    for (const FlowBranchRef& b : plan.routers[r].branches)
      if (b.next_router >= 0) ++feeds[static_cast<size_t>(b.next_router)];
  }
  std::vector<size_t> ready{first};
  while (!ready.empty()) {
    const size_t r = ready.back();
    ready.pop_back();
    step->order_.push_back(r);
    for (const FlowBranchRef& b : plan.routers[r].branches) {
      if (b.next_router >= 0 && --feeds[static_cast<size_t>(b.next_router)] == 0)
        ready.push_back(static_cast<size_t>(b.next_router));
    }
  }
  size_t reached = 0;
  for (bool yes : reachable) reached += yes ? 1 : 0;
  if (step->order_.size() != reached) {
    return router_error(plan.flow_id, fmt::format("{}: the routers' nextRouterIds make a cycle",
                                                  plan.routers[first].path));
  }
  for (size_t r : step->order_) {
    const FlowRouterRef& ref = plan.routers[r];
    Router& router = step->routers_[r];
    router.id = ref.id;
    router.name = ref.name;
    router.path = ref.path;
    router.all_matching = ref.all_matching;
    router.by_script = ref.by_script;
    if (ref.by_script) {
      auto runner = script_runner_for(fmt::format("flow {}: router {}", plan.flow_id, ref.name),
                                      plan.router_scripts, &ref.script, ref.path + ".script");
      if (!runner) return runner.error();
      router.script = std::move(*runner);
    }
    for (const FlowBranchRef& b : ref.branches) {
      Branch branch;
      branch.name = b.name;
      branch.path = b.path;
      branch.next_router = b.next_router;
      if (!ref.by_script && !b.input_filter.is_null()) {
        auto filter = compile_branch_filter(
            b.input_filter, fmt::format("flow {}: {}.inputFilter", plan.flow_id, b.path));
        if (!filter) return filter.error();
        if (!filter->keeps_everything()) branch.filter = std::move(*filter);
      }
      branch.steps =
          std::make_unique<Pipeline>(ref.id.empty() ? ref.path : ref.id, ref.name, limits);
      for (size_t p : b.processors) {
        auto made = make_processor(p);
        if (!made) return made.error();
        branch.step_ids.push_back((*made)->step_id());
        branch.steps->add(std::move(*made));
      }
      router.branches.push_back(std::move(branch));
    }
  }
  step->name_ = plan.routers[first].name;
  step->step_id_ =
      plan.routers[first].id.empty() ? plan.routers[first].path : plan.routers[first].id;
  return step;
}

Result<StepResult> RouterStep::run(Page& page, const StepContext& context) {
  StepResult result;
  std::vector<Outcome> outcomes(page.size());
  std::vector<std::vector<Item>> inputs(routers_.size());
  std::deque<Page> branch_pages;  // alive until the step ends: chained routers read them
  for (size_t i = 0; i < page.size(); ++i) {
    if (!page.active(i)) continue;
    outcomes[i].routed = true;
    inputs[first_].push_back(Item{i, &page, i, page.submitted(i)});
  }
  const std::string settings_json = json::serialize(settings_of(context));
  const host::filter::FilterContext filter_context{context.flow_settings, context.export_settings,
                                                   nullptr, context.integration_settings};
  for (size_t r : order_) {
    Router& router = routers_[r];
    std::vector<Item> items = std::move(inputs[r]);
    if (items.empty()) continue;
    const std::string router_id = router.id.empty() ? router.path : router.id;
    auto fail_item = [&](const Item& item, std::string message, json::value details) {
      RecordError e;
      e.step_id = router_id;
      e.code = "router";
      e.message = std::move(message);
      e.details = std::move(details);
      e.retry_data = json::value(item.value(), json::storage_ptr());
      outcomes[item.origin].errors.push_back(std::move(e));
    };
    // The branches each item takes.
    std::vector<std::vector<size_t>> taken(items.size());
    script::ScriptEngine* engine = nullptr;
    if (router.by_script) {
      auto loaded = router.script->engine(context);
      if (!loaded) return loaded.error();
      engine = *loaded;
    }
    std::string options;
    for (size_t k = 0; k < items.size(); ++k) {
      const Item& item = items[k];
      if (router.by_script) {
        // function({record, settings}) -> [branch index, ...]
        options = "{\"record\":";
        item.page->append_json(item.index, options);
        options += ",\"settings\":" + settings_json + "}";
        auto out = engine->call(router.script->function(), options);
        Result<json::value> returned =
            out ? Result<json::value>(parse_returned(*out)) : Result<json::value>(out.error());
        if (!returned) {
          fail_item(item,
                    fmt::format("router {} ({}): its script's function {}: {}", router.name,
                                router.path, router.script->function(), returned.error().message),
                    returned.error().details);
          continue;
        }
        const json::array* indices = returned->if_array();
        bool bad = indices == nullptr;
        for (size_t n = 0; indices != nullptr && n < indices->size() && !bad; ++n) {
          const json::value& v = (*indices)[n];
          bad = !v.is_int64() || v.get_int64() < 0 ||
                static_cast<size_t>(v.get_int64()) >= router.branches.size();
          // A branch named twice is taken once.
          if (!bad && std::find(taken[k].begin(), taken[k].end(),
                                static_cast<size_t>(v.get_int64())) == taken[k].end()) {
            taken[k].push_back(static_cast<size_t>(v.get_int64()));
          }
        }
        if (bad) {
          taken[k].clear();
          fail_item(item,
                    fmt::format("router {} ({}): its script's function {} returned {} for this "
                                "record; expected an array of branch indices from 0 to {} "
                                "(e.g. [0])",
                                router.name, router.path, router.script->function(),
                                json::serialize(*returned), router.branches.size() - 1),
                    nullptr);
        } else if (!router.all_matching && taken[k].size() > 1) {
          taken[k].resize(1);  // first_matching_branch: the first index returned
        }
        continue;
      }
      for (size_t b = 0; b < router.branches.size(); ++b) {
        const Branch& branch = router.branches[b];
        bool match = true;
        if (branch.filter) {
          auto matched = branch.filter->matches(item.value(), filter_context);
          if (!matched) {
            taken[k].clear();
            fail_item(item,
                      fmt::format("router {}: branch {}: {}", router.name, branch.name,
                                  matched.error().message),
                      matched.error().details);
            break;
          }
          match = *matched;
        }
        if (!match) continue;
        taken[k].push_back(b);
        if (!router.all_matching) break;
      }
    }
    if (observer_) {
      for (size_t k = 0; k < items.size(); ++k) {
        std::vector<std::string> names;
        for (size_t b : taken[k]) names.push_back(router.branches[b].name);
        observer_(router.name, items[k].origin, names);
      }
    }
    // Each branch: a page of its copies through its steps.
    for (size_t b = 0; b < router.branches.size(); ++b) {
      Branch& branch = router.branches[b];
      std::vector<const Item*> routed;
      for (size_t k = 0; k < items.size(); ++k) {
        for (size_t t : taken[k])
          if (t == b) routed.push_back(&items[k]);
      }
      if (routed.empty()) continue;
      std::string text = "{\"records\":[";
      for (size_t j = 0; j < routed.size(); ++j) {
        if (j > 0) text += ',';
        routed[j]->page->append_json(routed[j]->index, text);
      }
      text += "]}";
      auto source = parse_page_source(std::move(text));
      if (!source) return make_error(Status::kInternal, "a branch's page could not be made");
      Page& sub = branch_pages.emplace_back(std::move(source), 0, routed.size());
      for (size_t j = 0; j < routed.size(); ++j)
        if (routed[j]->submitted) sub.mark_submitted(j);
      std::vector<size_t> origins;
      if (branch_observer_) {
        for (const Item* item : routed) origins.push_back(item->origin);
        branch.steps->set_observer([&, r, b, n = size_t{0}](const Step* step, const Page& p,
                                                            const Result<StepResult>* ran) mutable {
          branch_observer_(r, b, step, step == nullptr ? 0 : n++, p, origins, ran);
        });
      }
      auto ran = branch.steps->run(sub, context);
      if (branch_observer_) branch.steps->set_observer(nullptr);
      if (!ran) return ran.error();
      result.abort = result.abort || ran->abort;
      for (auto& e : ran->job_errors) result.job_errors.push_back(std::move(e));
      // Record j of the branch's page is routed[j] as long as no step replaced the page's
      // records (Page::replace_live; steps that change records do so in place, a
      // postResponseMap's result has the length it was given). A replaced page cannot be told
      // apart record by record (the replace rule keeps the failed and ignored records first, then
      // the new ones), so every copy routed here fails, rather than one record getting another's
      // outcome.
      if (sub.replacements() != 0 || sub.size() != routed.size()) {
        for (const Item* item : routed) {
          fail_item(*item,
                    fmt::format("router {}: branch {}: a step of the branch replaced its {} "
                                "record{} by {}, so which record became which is not known; a "
                                "branch's steps must keep one record per record routed to it "
                                "(change records in place)",
                                router.name, branch.name, routed.size(),
                                routed.size() == 1 ? "" : "s", sub.size()),
                    nullptr);
        }
        continue;
      }
      for (size_t j = 0; j < sub.size(); ++j) {
        const size_t origin = routed[j]->origin;
        Outcome& outcome = outcomes[origin];
        if (const RecordError* e = sub.error(j); e != nullptr) {
          if (pass_observer_) {
            for (size_t s = 0; s < branch.step_ids.size() && branch.step_ids[s] != e->step_id; ++s)
              pass_observer_(origin, branch.step_ids[s]);
          }
          outcome.errors.push_back(*e);
          continue;
        }
        if (!sub.alive(j)) continue;
        if (pass_observer_) {
          for (const std::string& id : branch.step_ids) pass_observer_(origin, id);
        }
        outcome.submitted = outcome.submitted || sub.submitted(j);
        if (branch.next_router >= 0) {
          inputs[static_cast<size_t>(branch.next_router)].push_back(
              Item{origin, &sub, j, sub.submitted(j)});
        }
      }
    }
  }
  for (size_t i = 0; i < page.size(); ++i) {
    Outcome& outcome = outcomes[i];
    if (!outcome.routed) continue;
    if (!outcome.errors.empty()) {
      for (size_t n = 1; n < outcome.errors.size(); ++n) {
        RecordError& e = outcome.errors[n];
        host::JobError more;
        more.step_id = std::move(e.step_id);
        more.code = std::move(e.code);
        more.message = std::move(e.message);
        more.details = std::move(e.details);
        more.retry_data = std::move(e.retry_data);
        result.job_errors.push_back(std::move(more));
      }
      page.fail_with(i, std::move(outcome.errors.front()));
    } else if (outcome.submitted || page.submitted(i)) {
      page.mark_submitted(i);
    } else {
      page.ignore(i);
    }
  }
  return result;
}

}  // namespace sluice::runtime
