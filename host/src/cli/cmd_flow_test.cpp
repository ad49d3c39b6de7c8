// `sluice flow test ID`: a test run of a flow (runtime/flow_tester.hpp), printed as a diff view
// of each step on a terminal, or as one JSON document with --json.
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include <fmt/format.h>
#include <boost/json/serialize.hpp>

#include "runtime/record_json.hpp"

#include "cli/cmd_flow.hpp"
#include "cli/command.hpp"
#include "runtime/flow_tester.hpp"

namespace sluice::cli {

namespace json = boost::json;
using runtime::TestedRecord;
using runtime::TestedStep;

namespace {

constexpr const char* kUsage =
    "usage: sluice flow test ID [--records N] [--data FILE] [--json] [--no-color]\n"
    "Test-runs a flow one step at a time: reads the first page of each source (or its first N "
    "records,\nacross pages, N from 1 to 1000), runs it through every step, and prints each "
    "record as it leaves\neach step: what a transformation changed, which records a filter "
    "dropped and why, what a hook\nadded or removed, what a lookup found and what its response "
    "mapping set, what failed. Lookups\nrun (they only read); imports are not called: each "
    "shows the records it would receive.\nNothing is stored: no job, no delta time, no export "
    "state, no page committed, no file deleted or moved.\nA data loader flow (SimpleExport "
    "source) reads the file given with --data.\n"
    "Exit status: 0 it ran (records may have failed), 1 the flow cannot run or an export could "
    "not be\nread, 2 wrong command line.";

struct Colors {
  bool on = false;
  std::string paint(std::string_view code, std::string_view text) const {
    return on ? fmt::format("\x1b[{}m{}\x1b[0m", code, text) : std::string(text);
  }
  std::string added(std::string_view t) const { return paint("32", t); }
  std::string removed(std::string_view t) const { return paint("31", t); }
  std::string changed(std::string_view t) const { return paint("33", t); }
  std::string dim(std::string_view t) const { return paint("2", t); }
  std::string bold(std::string_view t) const { return paint("1", t); }
};

void diff(const json::value& before, const json::value& after, const std::string& path,
          const Colors& colors, std::string& out) {
  const json::object* a = before.if_object();
  const json::object* b = after.if_object();
  if (a != nullptr && b != nullptr) {
    for (const auto& [key, value] : *a) {
      const std::string at = path.empty() ? std::string(key) : fmt::format("{}.{}", path, key);
      if (const json::value* other = b->if_contains(key)) {
        diff(value, *other, at, colors, out);
      } else {
        out += "      " + colors.removed(fmt::format("- {}: {}", at, runtime::record_json(value))) +
               "\n";
      }
    }
    for (const auto& [key, value] : *b) {
      if (a->contains(key)) continue;
      const std::string at = path.empty() ? std::string(key) : fmt::format("{}.{}", path, key);
      out +=
          "      " + colors.added(fmt::format("+ {}: {}", at, runtime::record_json(value))) + "\n";
    }
    return;
  }
  const json::array* x = before.if_array();
  const json::array* y = after.if_array();
  if (x != nullptr && y != nullptr && x->size() == y->size() && !path.empty()) {  // by element
    for (size_t k = 0; k < x->size(); ++k)
      diff((*x)[k], (*y)[k], fmt::format("{}[{}]", path, k), colors, out);
    return;
  }
  if (before == after) return;
  out += "      " +
         colors.changed(fmt::format("~ {}: {} -> {}", path.empty() ? "(the record)" : path,
                                    runtime::record_json(before), runtime::record_json(after))) +
         "\n";
}

std::string count_line(const TestedStep& step) {
  if (step.kind == "export") {
    return fmt::format("{} record{}", step.records.size(), step.records.size() == 1 ? "" : "s");
  }
  if (step.would_receive && !step.path_to_many.empty()) {
    size_t children = 0;
    for (const TestedRecord& r : step.records) children += r.children.size();
    return fmt::format("would receive {} child record{} of {} record{} at {} (nothing was sent)",
                       children, children == 1 ? "" : "s", step.records.size(),
                       step.records.size() == 1 ? "" : "s", step.path_to_many);
  }
  if (step.would_receive) {
    return fmt::format("would receive {} record{} (nothing was sent)", step.records.size(),
                       step.records.size() == 1 ? "" : "s");
  }
  size_t in = 0, out = 0, dropped = 0, failed = 0, removed = 0, added = 0;
  for (const TestedRecord& r : step.records) {
    in += r.added ? 0 : 1;
    added += r.added ? 1 : 0;
    out += r.state == "alive" ? 1 : 0;
    dropped += r.state == "ignored" ? 1 : 0;
    failed += r.state == "failed" ? 1 : 0;
    removed += r.state == "removed" ? 1 : 0;
  }
  std::string text = fmt::format("{} in, {} out", in, out);
  if (dropped > 0) text += fmt::format(", {} dropped", dropped);
  if (removed > 0) text += fmt::format(", {} removed", removed);
  if (added > 0) text += fmt::format(", {} added", added);
  if (failed > 0) text += fmt::format(", {} failed", failed);
  return text;
}

// What a lookup answered: "found N records: [...]", or "not looked up".
std::string found_text(const json::value& lookup, const Colors& colors) {
  if (lookup.is_null()) return colors.dim("not looked up");
  const json::value* data = lookup.is_object() ? lookup.get_object().if_contains("data") : nullptr;
  const size_t found = data != nullptr && data->is_array() ? data->get_array().size() : 0;
  return fmt::format("found {} record{}: {}", found, found == 1 ? "" : "s",
                     data != nullptr ? runtime::record_json(*data) : "[]");
}

// The children a oneToMany step ran on for record `r` (its first line says how many).
std::string children_lines(const TestedStep& step, const TestedRecord& r, const std::string& number,
                           const Colors& colors) {
  if (r.children.empty()) {
    return number + " " +
           colors.dim(
               fmt::format("no child records at {}: nothing was done for it", step.path_to_many)) +
           "\n";
  }
  std::string out =
      fmt::format("{} fans out into {} child record{} at {}:\n", number, r.children.size(),
                  r.children.size() == 1 ? "" : "s", step.path_to_many);
  for (size_t k = 0; k < r.children.size(); ++k) {
    const runtime::TestedChild& c = r.children[k];
    out += fmt::format("      {}[{}] ", step.path_to_many, k);
    if (c.state == "failed") {
      out += colors.removed(fmt::format("failed ({}): {}", c.error_code, c.error_message));
    } else if (step.would_receive) {
      out += runtime::record_json(c.record);
    } else if (step.kind == "lookup") {
      out += found_text(c.lookup, colors);
    } else {
      out += c.state;
    }
    out += "\n";
  }
  return out;
}

std::string record_lines(const TestedStep& step, const TestedRecord& r, const Colors& colors) {
  const std::string number =
      r.index >= 0 ? fmt::format("  #{}", r.index + 1) : fmt::format("  #new{}", -r.index);
  const std::string failure = fmt::format("failed ({}): {}", r.error_code, r.error_message);
  if (!step.path_to_many.empty()) {
    std::string out = children_lines(step, r, number, colors);
    if (r.state == "failed") {
      return out + "      " +
             colors.removed(step.would_receive ? "(failed earlier: " + r.error_message + ")"
                                               : failure) +
             "\n";
    }
    if (step.kind == "lookup") diff(r.before, r.record, "", colors, out);
    return out;
  }
  if (step.kind == "export" || step.would_receive) {
    std::string line = number + " " + runtime::record_json(r.record);
    if (r.state == "failed")
      line += " " + colors.removed(step.would_receive ? "(failed earlier: " + r.error_message + ")"
                                                      : failure);
    return line + "\n";
  }
  if (r.state == "failed") return number + " " + colors.removed(failure) + "\n";
  if (r.state == "removed") return number + " " + colors.removed("removed") + "\n";
  if (r.state == "ignored") {
    return number + " " + colors.dim(r.reason.empty() ? "dropped" : "dropped: " + r.reason) + "\n";
  }
  if (!r.routes.empty()) {  // a router step: the branches it took
    std::string taken;
    for (const auto& [router, branch] : r.routes)
      taken += (taken.empty() ? "" : ", ") + router + ": " + branch;
    return number + " took " + taken + "\n";
  }
  if (r.added) return number + " " + colors.added("added " + runtime::record_json(r.record)) + "\n";
  std::string changes;
  diff(r.before, r.record, "", colors, changes);
  if (step.kind == "lookup") {
    // What the lookup found, then what the response mapping set from it.
    std::string line = number + " " + found_text(r.lookup, colors) + "\n";
    return line + (changes.empty() && !r.lookup.is_null()
                       ? "      " + colors.dim("(the response mapping set nothing)") + "\n"
                       : changes);
  }
  if (changes.empty())
    return number + " " + colors.dim(step.kind == "filter" ? "kept" : "unchanged") + "\n";
  return number + " changed\n" + changes;
}

// Each line of `text` with `indent` before it.
std::string indented(const std::string& text, const std::string& indent) {
  if (indent.empty()) return text;
  std::string out;
  for (size_t at = 0; at < text.size();) {
    const size_t end = text.find('\n', at);
    const std::string_view line(text.data() + at,
                                (end == std::string::npos ? text.size() : end) - at);
    if (!line.empty()) out += indent;
    out += line;
    out += '\n';
    at = end == std::string::npos ? text.size() : end + 1;
  }
  return out;
}

// One step: its name, its count line and its records, then its log, job errors and error; under
// the router step, each branch's steps (indented), after the router step's own records.
std::string step_text(const TestedStep& step, const std::string& title, int64_t pages,
                      const Colors& colors) {
  std::string out = "\n" + colors.bold(title + step.step) + ": " + count_line(step) + "\n";
  for (const TestedRecord& r : step.records) out += record_lines(step, r, colors);
  // With several flow pages, each line says which one it came from.
  auto on_page = [&](int64_t page) {
    return pages > 1 ? fmt::format("page {}: ", page + 1) : std::string();
  };
  for (const runtime::TestedLogLine& line : step.log) {
    out += line.scope.empty()
               ? fmt::format("  {}console {}: {}\n", on_page(line.page), line.level, line.message)
               : fmt::format("  {}log {} [{}]: {}\n", on_page(line.page), line.level, line.scope,
                             line.message);
  }
  for (const runtime::TestedStep::JobError& e : step.job_errors) {
    out += "  " +
           colors.removed(fmt::format("{}job error ({}): {}", on_page(e.page), e.code, e.message)) +
           "\n";
  }
  if (!step.error.empty())
    out += "  " + colors.removed("the step could not run: " + step.error) + "\n";
  if (step.abort) out += "  it asked to stop: no further page of this source is read\n";
  for (const runtime::TestedBranch& branch : step.branches) {
    const std::string where = fmt::format("branch {} of router {}", branch.branch, branch.router);
    if (branch.steps.empty()) {
      out += "\n  " + colors.bold(where) + ": " +
             colors.dim("no processors: the records it takes are discarded") + "\n";
      continue;
    }
    for (const TestedStep& s : branch.steps)
      out += indented(step_text(s, where + ", ", pages, colors), "  ");
  }
  return out;
}

std::string text_view(const runtime::FlowTestReport& report, const Colors& colors) {
  std::string out = fmt::format(
      "test run of flow {}: {} of each source; nothing is sent to imports and nothing is "
      "stored\n",
      report.flow_id,
      report.records == 0
          ? std::string("the first page")
          : fmt::format("the first {} record{}", report.records, report.records == 1 ? "" : "s"));
  for (const runtime::TestedSource& source : report.sources) {
    for (const TestedStep& step : source.steps) out += step_text(step, "", source.pages, colors);
    if (!source.error.empty()) out += "  " + colors.removed("error: " + source.error) + "\n";
  }
  return out;
}

}  // namespace

int cmd_flow_test(const Env& env, const Args& args) {
  po::options_description options("options");
  options.add_options()("records", po::value<std::string>(),
                        "test this many records of each source (1 to 1000), across pages; "
                        "default: its first page")(
      "data", po::value<std::string>(),
      "FILE: the file a data loader flow (SimpleExport source) reads")(
      "json", "print the test run as one JSON document (docs/runtime.md)")(
      "no-color", "no colors in the terminal view (also when NO_COLOR is set)")(
      "id", po::value<std::string>(), "a flow id (see `sluice get flows`)");
  po::positional_options_description positional;
  positional.add("id", 1);
  po::variables_map vm;
  int code = kExitOk;
  if (!parse_args(args, kUsage, options, positional, vm, code)) return code;
  if (vm.count("id") == 0u)
    return usage_error("expected a flow id (see `sluice get flows`)", kUsage);
  runtime::FlowTestOptions test;
  if (vm.count("records") != 0u) {
    const std::string text = vm["records"].as<std::string>();
    size_t used = 0;
    unsigned long value = 0;
    try {
      value = text.empty() || text[0] < '0' || text[0] > '9' ? 0 : std::stoul(text, &used);
    } catch (const std::exception&) {
      value = 0;
    }
    if (used != text.size() || value < 1 || value > runtime::FlowTestOptions::kMaxTestRecords) {
      return usage_error(fmt::format("--records: expected a whole number from 1 to {}, found "
                                     "\"{}\"",
                                     runtime::FlowTestOptions::kMaxTestRecords, text),
                         kUsage);
    }
    test.records = value;
  }
  if (vm.count("data") != 0u) {
    test.data_file = vm["data"].as<std::string>();
    if (test.data_file.empty()) {
      return usage_error("--data: expected the path of the file to test with", kUsage);
    }
  }
  const bool as_json = vm.count("json") != 0u;
  auto limits = host::call_limits_from_environment();
  if (!limits) {
    print_error(limits.error().message);
    return kExitFailure;
  }
  test.limits = *limits;
  auto record_bytes = record_limit_from_environment();
  if (!record_bytes) {
    print_error(record_bytes.error().message);
    return kExitFailure;
  }
  test.record_bytes = *record_bytes;
  auto store = env.open_store();
  if (!store) return kExitFailure;
  host::PluginRegistry registry = env.load_plugins(as_json);
  auto report = runtime::test_flow(*store, registry, vm["id"].as<std::string>(), test);
  if (!report) {
    print_error(report.error());
    return kExitFailure;
  }
  if (as_json) {
    std::cout << json::serialize(report->to_json()) << '\n';
  } else {
    Colors colors;
    const char* no_color = std::getenv("NO_COLOR");
    colors.on = vm.count("no-color") == 0u && (no_color == nullptr || *no_color == '\0') &&
                isatty(STDOUT_FILENO) != 0;
    std::cout << text_view(*report, colors);
  }
  return report->source_failed() ? kExitFailure : kExitOk;
}

}  // namespace sluice::cli
