#include <iostream>

#include <fmt/format.h>
#include <boost/json/serialize.hpp>

#include "cli/command.hpp"
#include "cli/table.hpp"
#include "runtime/job_recorder.hpp"

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
      return out;
    }
    case host::ResourceKind::kExport:
    case host::ResourceKind::kImport:
      return field(doc, "adaptorType") + " via " + field(doc, "_connectionId");
    case host::ResourceKind::kFlow: {
      size_t g = 0, p = 0;
      if (auto* v = doc.if_contains("pageGenerators"); v && v->is_array()) g = v->as_array().size();
      if (auto* v = doc.if_contains("pageProcessors"); v && v->is_array()) p = v->as_array().size();
      return fmt::format("{} source{}, {} processor{}", g, g == 1 ? "" : "s", p, p == 1 ? "" : "s");
    }
  }
  return {};
}

int get_jobs(host::Store& store, const std::string& id, const std::string& flow, bool as_json) {
  if (!id.empty()) {
    auto job = store.get_job(id);
    if (!job) {
      print_error(job.error().message);
      return kExitFailure;
    }
    if (!*job) {
      print_error(fmt::format("no job {}; see `sluice get jobs`", id));
      return kExitFailure;
    }
    std::vector<host::Job> one{std::move(**job)};
    (void)runtime::notice_dead_jobs(store, one);  // shown dead even if it cannot be stored now
    std::cout << json::serialize(one[0].to_json()) << '\n';
    return kExitOk;
  }
  auto jobs = store.list_jobs(flow, 50);
  if (!jobs) {
    print_error(jobs.error().message);
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
      "usage: sluice get connections|exports|imports|flows [ID] [--json]\n"
      "       sluice get jobs [ID] [--flow FLOW] [--json]\n"
      "Lists stored resources (or shows one as JSON) and jobs, newest first. Secret settings "
      "print\n"
      "as \"******\".";
  po::options_description options("options");
  options.add_options()("json", "print JSON")("kind", po::value<std::string>()->required(),
                                              "connections | exports | imports | flows | jobs")(
      "id", po::value<std::string>(), "show one resource")(
      "flow", po::value<std::string>(), "with jobs: only this flow's (the newest 50)");
  po::positional_options_description positional;
  positional.add("kind", 1).add("id", 1);
  po::variables_map vm;
  int code = kExitOk;
  if (!parse_args(args, kUsage, options, positional, vm, code)) return code;
  const std::string kind_text = vm["kind"].as<std::string>();
  const std::string id = vm.count("id") ? vm["id"].as<std::string>() : "";
  const bool as_json = vm.count("json") != 0u;
  auto store = env.open_store();
  if (!store) return kExitFailure;
  if (kind_text == "jobs" || kind_text == "job") {
    return get_jobs(*store, id, vm.count("flow") ? vm["flow"].as<std::string>() : "", as_json);
  }
  auto kind = host::resource_kind_from_string(kind_text);
  if (!kind) {
    std::cerr << "error: unknown kind '" << kind_text << "'\n\n" << kUsage << '\n';
    return kExitUsage;
  }
  if (!id.empty()) {
    auto doc = store->get_resource(*kind, id, host::Secrets::kMasked);
    if (!doc) {
      print_error(doc.error().message);
      return kExitFailure;
    }
    if (!*doc) {
      print_error(
          fmt::format("no {} {}; see `sluice get {}`", kind_text, id, host::to_string(*kind)));
      return kExitFailure;
    }
    std::cout << json::serialize(**doc) << '\n';
    return kExitOk;
  }
  auto docs = store->list_resources(*kind, host::Secrets::kMasked);
  if (!docs) {
    print_error(docs.error().message);
    return kExitFailure;
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
