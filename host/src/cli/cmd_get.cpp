#include <algorithm>
#include <iostream>

#include <fmt/format.h>
#include <boost/json/serialize.hpp>

#include "cli/command.hpp"
#include "cli/table.hpp"
#include "runtime/flow_document.hpp"
#include "runtime/job_recorder.hpp"
#include "store/connection_state.hpp"

namespace sluice::cli {

namespace json = boost::json;

namespace {

std::string field(const json::object& doc, std::string_view key) {
  if (auto* v = doc.if_contains(key))
    return v->is_string() ? std::string(v->as_string()) : json::serialize(*v);
  return "-";
}

std::string summarize(const json::object& doc, host::ResourceKind kind) {
  switch (kind) {
    case host::ResourceKind::kConnection: {
      std::string out = field(doc, "type");
      if (doc.contains("assistant")) out += " (" + field(doc, "assistant") + ")";
      if (const json::value* offline = doc.if_contains("offline");
          offline != nullptr && offline->is_bool() && offline->get_bool()) {
        out += ", OFFLINE since " + field(doc, "offlineSince") + ": " + field(doc, "offlineReason");
      }
      return out;
    }
    case host::ResourceKind::kExport:
    case host::ResourceKind::kImport:
      return field(doc, "adaptorType") + " via " + field(doc, "_connectionId");
    case host::ResourceKind::kFlow: {
      // The same reading of the flow as `sluice apply` and `sluice flow run`; a stored flow was
      // checked at apply, so its problems are not repeated here.
      std::vector<std::string> problems;
      const runtime::FlowDocument flow =
          runtime::read_flow_document(field(doc, "_id"), doc, problems);
      const size_t g = flow.sources.size(), p = flow.processors.size();
      std::string out =
          fmt::format("{} source{}, {} processor{}", g, g == 1 ? "" : "s", p, p == 1 ? "" : "s");
      if (const size_t r = flow.routers.size(); r > 0)
        out += fmt::format(" in {} router{}", r, r == 1 ? "" : "s");
      return out;
    }
    case host::ResourceKind::kScript: {
      const auto* content = doc.if_contains("content");
      const std::string_view code =
          content != nullptr && content->is_string() ? std::string_view(content->get_string()) : "";
      const size_t lines =
          code.empty() ? 0
                       : std::count(code.begin(), code.end(), '\n') + (code.back() == '\n' ? 0 : 1);
      return fmt::format("JavaScript, {} line{}", lines, lines == 1 ? "" : "s");
    }
  }
  return {};
}

// A connection marked offline (store/connection_state.hpp) shows integrator.io's "offline": true
// with since and why; an online one shows nothing more. A status that cannot be read is shown as
// unknown rather than failing the listing.
void add_offline(host::Store& store, json::object& doc) {
  auto offline = host::connection_offline(store, field(doc, "_id"));
  if (!offline) {
    doc["offlineReason"] = "unknown: " + offline.error().message;
    return;
  }
  if (!*offline) return;
  for (auto& [name, value] : (*offline)->to_json()) doc[name] = value;
}

constexpr size_t kDefaultJobLimit = 50;

int get_jobs(host::Store& store, const std::string& id, const std::string& flow, size_t limit,
             bool as_json) {
  if (!id.empty()) {
    auto job = store.get_job(id);
    if (!job) {
      print_error(job.error());
      return kExitFailure;
    }
    if (!*job) {
      print_error(fmt::format("no job {}; see `sluice get jobs`", id), "not_found");
      return kExitFailure;
    }
    std::vector<host::Job> one{std::move(**job)};
    (void)runtime::notice_dead_jobs(store, one);  // shown dead even if it cannot be stored now
    std::cout << json::serialize(one[0].to_json()) << '\n';
    return kExitOk;
  }
  if (!flow.empty()) {
    auto exists = store.get_resource(host::ResourceKind::kFlow, flow, host::Secrets::kMasked);
    if (!exists) {
      print_error(exists.error());
      return kExitFailure;
    }
    if (!*exists) {
      print_error(fmt::format("no flow {}; see `sluice get flows`", flow), "not_found");
      return kExitFailure;
    }
  }
  auto jobs = store.list_jobs(flow, limit);
  if (!jobs) {
    print_error(jobs.error());
    return kExitFailure;
  }
  // A job whose process died is shown (and stored, when the store can be written) as failed.
  (void)runtime::notice_dead_jobs(store, *jobs);
  if (as_json) {
    json::array out;
    for (const auto& j : *jobs) out.push_back(j.to_json());
    std::cout << json::serialize(out) << '\n';
    return kExitOk;
  }
  Table table({"JOB", "FLOW", "STATUS", "EXPORTED", "SUCCESS", "IGNORED", "ERRORS", "STARTED"});
  for (const auto& j : *jobs) {
    table.add({j.id, j.flow_id, j.status, std::to_string(j.num_export),
               std::to_string(j.num_success), std::to_string(j.num_ignore),
               std::to_string(j.num_error), j.started_at});
  }
  if (table.empty()) {
    std::cout << "no jobs yet; run a flow with `sluice flow run ID`\n";
  } else {
    table.print(std::cout);
  }
  return kExitOk;
}

}  // namespace

int cmd_get(const Env& env, const Args& args) {
  constexpr const char* kUsage =
      "usage: sluice get connections|exports|imports|flows|scripts [ID] [--json]\n"
      "       sluice get jobs [ID] [--flow FLOW] [--limit N] [--json]\n"
      "Lists stored resources (or shows one as JSON) and jobs, newest first. Secret settings "
      "print\n"
      "as \"******\".";
  po::options_description options("options");
  options.add_options()("json", "print JSON")(
      "kind", po::value<std::string>()->required(),
      "what to get: connections, exports, imports, flows, scripts or jobs")(
      "id", po::value<std::string>(), "show one resource")(
      "flow", po::value<std::string>()->value_name("FLOW"), "with jobs: only this flow's")(
      "limit", po::value<std::string>()->value_name("N"),
      fmt::format("with jobs: at most N, the newest (1 to {}; default {})", kMaxLimit,
                  kDefaultJobLimit)
          .c_str());
  po::positional_options_description positional;
  positional.add("kind", 1).add("id", 1);
  po::variables_map vm;
  int code = kExitOk;
  if (!parse_args(args, kUsage, options, positional, vm, code)) return code;
  const std::string kind_text = vm["kind"].as<std::string>();
  const std::string id = vm.count("id") ? vm["id"].as<std::string>() : "";
  const bool as_json = vm.count("json") != 0u;
  const bool jobs = kind_text == "jobs" || kind_text == "job";
  if (!jobs) {
    for (const char* option : {"flow", "limit"}) {
      if (vm.count(option) != 0u) {
        return usage_error(fmt::format("--{} applies only to `sluice get jobs`", option), kUsage);
      }
    }
  }
  size_t limit = kDefaultJobLimit;
  if (vm.count("limit") != 0u) {
    auto parsed = parse_limit(vm["limit"].as<std::string>(), kUsage);
    if (!parsed) return kExitUsage;
    limit = *parsed;
  }
  if (!jobs && !host::resource_kind_from_string(kind_text)) {
    return usage_error(fmt::format("unknown kind '{}': expected connections, exports, imports, "
                                   "flows, scripts or jobs",
                                   kind_text),
                       kUsage);
  }
  auto store = env.open_store();
  if (!store) return kExitFailure;
  if (jobs) {
    return get_jobs(*store, id, vm.count("flow") ? vm["flow"].as<std::string>() : "", limit,
                    as_json);
  }
  auto kind = host::resource_kind_from_string(kind_text);
  if (!id.empty()) {
    auto doc = store->get_resource(*kind, id, host::Secrets::kMasked);
    if (!doc) {
      print_error(doc.error());
      return kExitFailure;
    }
    if (!*doc) {
      std::string_view plural = host::to_string(*kind);
      print_error(fmt::format("no {} {}; see `sluice get {}`", plural.substr(0, plural.size() - 1),
                              id, plural),
                  "not_found");
      return kExitFailure;
    }
    if (*kind == host::ResourceKind::kConnection) add_offline(*store, **doc);
    std::cout << json::serialize(**doc) << '\n';
    return kExitOk;
  }
  auto docs = store->list_resources(*kind, host::Secrets::kMasked);
  if (!docs) {
    print_error(docs.error());
    return kExitFailure;
  }
  if (*kind == host::ResourceKind::kConnection) {
    for (json::object& d : *docs) add_offline(*store, d);
  }
  if (as_json) {
    json::array out(docs->begin(), docs->end());
    std::cout << json::serialize(out) << '\n';
    return kExitOk;
  }
  if (docs->empty()) {
    std::cout << fmt::format("no {} stored; add some with `sluice apply PATH`\n",
                             host::to_string(*kind));
    return kExitOk;
  }
  Table table({"ID", "NAME", "WHAT"});
  for (const auto& d : *docs) table.add({field(d, "_id"), field(d, "name"), summarize(d, *kind)});
  table.print(std::cout);
  return kExitOk;
}

}  // namespace sluice::cli
