// `sluice export preview ID [--pages N]`: the first pages of one export as its plugin fetched
// them — what it logged while fetching each page (an HTTP export logs `request: `, `response: `
// and `paging: ` lines at debug level), the warnings it raised and the records it returned —
// so that a user sees why paging or a resourcePath returns nothing (docs/http.md, "Preview").
//
// The export is opened as a test run opens it (runtime/flow_tester.hpp): with its own type, the
// stored delta state and lastExportDateTime, testMode true and a fresh job id no job has. Nothing
// is stored and no page is committed (page_committed is never called, so a `once` export flags
// nothing and a delta's time does not move); nothing is imported.
#include <algorithm>
#include <iostream>
#include <mutex>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "cli/command.hpp"
#include "cli/pretty_json.hpp"
#include "plugins/call_limits.hpp"
#include "plugins/connector_client.hpp"
#include "plugins/host_api.hpp"
#include "runtime/clock.hpp"
#include "runtime/flow_plan.hpp"
#include "runtime/job_environment.hpp"
#include "runtime/job_log.hpp"

namespace sluice::cli {

namespace json = boost::json;

namespace {

constexpr const char* kUsage =
    "usage: sluice export preview ID [--pages N] [--json]\n"
    "Fetches the first N pages (1 to 10, default 1) of an export and shows, per page, what its\n"
    "plugin did: each request made (secrets masked), each raw response (its start), the paging\n"
    "decision taken after it, the warnings and log lines, and the records extracted, with their\n"
    "count. Use it when an export returns nothing or stops paging too early.\n"
    "The export opens as a test run opens it: with its type, its stored delta time and state.\n"
    "Nothing is imported and nothing is stored: no job, no delta time, no export state; no page\n"
    "is committed, so a `once` export marks no record exported.\n"
    "Exit status: 0 the pages were fetched, 1 the export could not be opened or a page failed,\n"
    "2 wrong command line.";

constexpr size_t kMaxPages = 10;
// What the terminal view shows at most: records per page, characters per log line.
constexpr size_t kShownRecords = 10;
constexpr size_t kShownLineChars = 4096;
// What --json holds at most: records per page, characters per log line, lines per page.
constexpr size_t kJsonRecords = 1000;
constexpr size_t kJsonLineChars = 65536;
constexpr size_t kMaxLinesPerPage = 1000;

struct Line {
  std::string level;  // "debug", "info", "warn", "error"
  std::string message;
};

// The plugin's log lines and warnings while the preview runs, instead of the stderr sink.
class Capture {
 public:
  Capture() {
    previous_log_ =
        host::set_log_sink([this](int32_t level, const std::string&, std::string_view message) {
          std::lock_guard lock(mutex_);
          if (lines_.size() < kMaxLinesPerPage) {
            lines_.push_back({runtime::log_level_name(level), std::string(message)});
          } else {
            ++dropped_;
          }
        });
    previous_warn_ = host::set_warn_sink([this](const std::string&, std::string_view message) {
      std::lock_guard lock(mutex_);
      if (warnings_.size() < kMaxLinesPerPage) warnings_.emplace_back(message);
    });
  }
  ~Capture() {
    host::set_log_sink(std::move(previous_log_));
    host::set_warn_sink(std::move(previous_warn_));
  }
  Capture(const Capture&) = delete;
  Capture& operator=(const Capture&) = delete;

  // The lines and warnings since the last take. A warning also reaches the log sink (as a warn
  // line): that line is left out of the log, the warning is listed once.
  void take(std::vector<Line>& lines, std::vector<std::string>& warnings, size_t& dropped) {
    std::lock_guard lock(mutex_);
    warnings = std::exchange(warnings_, {});
    std::vector<std::string> pending = warnings;
    for (Line& line : lines_) {
      if (line.level == "warn") {
        auto found = std::find(pending.begin(), pending.end(), line.message);
        if (found != pending.end()) {
          pending.erase(found);
          continue;
        }
      }
      lines.push_back(std::move(line));
    }
    lines_.clear();
    dropped = std::exchange(dropped_, 0);
  }

 private:
  host::LogSink previous_log_;
  host::WarnSink previous_warn_;
  std::mutex mutex_;
  std::vector<Line> lines_;
  std::vector<std::string> warnings_;
  size_t dropped_ = 0;
};

struct PreviewPage {
  std::vector<Line> log;
  std::vector<std::string> warnings;
  size_t dropped_lines = 0;
  json::array records;
  bool done = false;
  std::string error;  // the page failed
};

struct Preview {
  std::string export_id, name, connection_id, type;
  std::vector<Line> open_log;  // logged while the connection and the export opened
  std::vector<std::string> open_warnings;
  std::vector<PreviewPage> pages;
  std::string error;  // the export could not be opened
  std::vector<Line> close_log;
};

// The section a plugin's line belongs to: the three prefixes the HTTP export logs, else "log".
std::string_view section_of(std::string_view message) {
  for (std::string_view prefix : {"request", "response", "paging"}) {
    if (message.size() > prefix.size() + 1 && message.starts_with(prefix) &&
        message.substr(prefix.size(), 2) == ": ") {
      return prefix;
    }
  }
  return "log";
}

std::string_view body_of(std::string_view message) {
  const std::string_view section = section_of(message);
  return section == "log" ? message : message.substr(section.size() + 2);
}

std::string bounded(std::string_view text, size_t limit) {
  if (text.size() <= limit) return std::string(text);
  size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // UTF-8
  return fmt::format("{}… ({} more bytes)", text.substr(0, cut), text.size() - cut);
}

json::array lines_json(const std::vector<Line>& lines) {
  json::array out;
  for (const Line& line : lines) {
    out.push_back(json::object{{"level", line.level},
                               {"section", section_of(line.message)},
                               {"message", bounded(line.message, kJsonLineChars)}});
  }
  return out;
}

json::array strings_json(const std::vector<std::string>& texts) {
  json::array out;
  for (const std::string& text : texts) out.emplace_back(bounded(text, kJsonLineChars));
  return out;
}

json::value to_json(const Preview& p) {
  json::array pages;
  for (const PreviewPage& page : p.pages) {
    json::array records;
    for (size_t i = 0; i < page.records.size() && i < kJsonRecords; ++i)
      records.push_back(page.records[i]);
    json::object o{{"log", lines_json(page.log)},
                   {"warnings", strings_json(page.warnings)},
                   {"recordCount", page.records.size()},
                   {"records", std::move(records)},
                   {"done", page.done}};
    if (page.dropped_lines > 0) o["droppedLogLines"] = page.dropped_lines;
    if (!page.error.empty()) o["error"] = page.error;
    pages.push_back(std::move(o));
  }
  json::object out{
      {"exportId", p.export_id},           {"name", p.name},
      {"connectionId", p.connection_id},   {"type", p.type},
      {"openLog", lines_json(p.open_log)}, {"openWarnings", strings_json(p.open_warnings)},
      {"pages", std::move(pages)},         {"closeLog", lines_json(p.close_log)}};
  if (!p.error.empty()) out["error"] = p.error;
  return out;
}

std::string indent_lines(std::string_view text, std::string_view indent) {
  std::string out;
  size_t at = 0;
  while (at <= text.size()) {
    const size_t end = text.find('\n', at);
    out += indent;
    out += text.substr(at, end == std::string_view::npos ? text.size() - at : end - at);
    out += '\n';
    if (end == std::string_view::npos) break;
    at = end + 1;
  }
  return out;
}

void text_lines(const std::vector<Line>& lines, std::string& out) {
  for (const Line& line : lines) {
    const std::string_view section = section_of(line.message);
    const std::string label =
        section == "log" ? fmt::format("{} {}", "log", line.level) : std::string(section);
    out += fmt::format("  {:<10}{}\n", label, bounded(body_of(line.message), kShownLineChars));
  }
}

void text_warnings(const std::vector<std::string>& warnings, std::string& out) {
  for (const std::string& w : warnings)
    out += fmt::format("  {:<10}{}\n", "warning", bounded(w, kShownLineChars));
}

std::string text_view(const Preview& p, size_t asked) {
  std::string out = fmt::format(
      "preview of export {} (connection {}, type {}): up to {} page{}; nothing is imported and "
      "nothing is stored\n",
      p.name == p.export_id ? p.export_id : fmt::format("{} ({})", p.name, p.export_id),
      p.connection_id, p.type, asked, asked == 1 ? "" : "s");
  if (!p.open_log.empty() || !p.open_warnings.empty()) {
    out += "\nopening\n";
    text_lines(p.open_log, out);
    text_warnings(p.open_warnings, out);
  }
  for (size_t i = 0; i < p.pages.size(); ++i) {
    const PreviewPage& page = p.pages[i];
    out += fmt::format("\npage {}\n", i + 1);
    if (page.log.empty() && page.error.empty()) {
      out += "  (the plugin logged nothing for this page)\n";
    }
    text_lines(page.log, out);
    if (page.dropped_lines > 0)
      out += fmt::format("  ({} more log lines not shown)\n", page.dropped_lines);
    text_warnings(page.warnings, out);
    if (!page.error.empty()) {
      out += fmt::format("  error     {}\n", page.error);
      continue;
    }
    const size_t n = page.records.size();
    out += fmt::format(
        "  records   {}{}\n", n,
        n > kShownRecords ? fmt::format(" (the first {} shown)", kShownRecords) : std::string());
    for (size_t r = 0; r < n && r < kShownRecords; ++r) {
      out += fmt::format("    #{}\n", r + 1);
      out += indent_lines(bounded(pretty_json(page.records[r]), kShownLineChars), "      ");
    }
    if (page.done) out += "  the export says this is its last page\n";
  }
  if (!p.close_log.empty()) {
    out += "\nclosing\n";
    text_lines(p.close_log, out);
  }
  if (p.error.empty() && !p.pages.empty() && p.pages.back().error.empty() && !p.pages.back().done) {
    out += fmt::format("\nstopped after {} page{} (--pages); the export has more\n", p.pages.size(),
                       p.pages.size() == 1 ? "" : "s");
  }
  return out;
}

std::string string_field(const json::object& doc, std::string_view key) {
  if (auto* v = doc.if_contains(key); v != nullptr && v->is_string())
    return std::string(v->get_string());
  return {};
}

// The parts of the export a run context needs (flow_plan.cpp reads the same, checked by apply).
runtime::GeneratorStep generator_of(const std::string& id, json::object doc) {
  runtime::GeneratorStep g;
  g.export_id = id;
  g.name = string_field(doc, "name");
  if (g.name.empty()) g.name = id;
  if (auto* type = doc.if_contains("type"); type != nullptr && type->is_string()) {
    g.type = runtime::export_type_from(type->get_string()).value_or(runtime::ExportType::kAll);
  }
  g.delta_start_date = runtime::kDeltaDefaultStartDate;
  if (auto* delta = doc.if_contains("delta"); delta != nullptr && delta->is_object()) {
    if (auto* lag = delta->get_object().if_contains("lagOffset"); lag && lag->is_int64())
      g.delta_lag_offset_ms = lag->get_int64();
    if (auto* start = delta->get_object().if_contains("startDate"); start && start->is_string())
      g.delta_start_date = std::string(start->get_string());
  }
  if (auto* test = doc.if_contains("test"); test != nullptr && test->is_object()) {
    if (auto* limit = test->get_object().if_contains("limit"); limit && limit->is_int64())
      g.test_limit = limit->get_int64();
  }
  if (auto* settings = doc.if_contains("settings"); settings != nullptr && settings->is_object())
    g.settings = settings->get_object();
  g.doc = std::move(doc);
  return g;
}

// Runs the preview into `p`; false when the export cannot be found or opened (p.error).
bool run_preview(host::Store& store, const host::PluginRegistry& registry, const std::string& id,
                 size_t pages, const host::CallLimits& limits, Preview& p) {
  auto doc = store.get_resource(host::ResourceKind::kExport, id, host::Secrets::kRevealed);
  if (!doc) {
    p.error = doc.error().message;
    return false;
  }
  if (!*doc) {
    p.error = fmt::format("no export {} in the store; see `sluice get exports`", id);
    return false;
  }
  if (auto* lookup = (*doc)->if_contains("isLookup");
      lookup && lookup->is_bool() && lookup->get_bool()) {
    p.error = fmt::format(
        "export {} is a lookup (isLookup: true): it sends one request per record of a flow; "
        "see what it finds with `sluice flow test FLOW` on a flow that uses it",
        id);
    return false;
  }
  runtime::GeneratorStep generator = generator_of(id, std::move(**doc));
  p.name = generator.name;
  p.type = std::string(runtime::to_string(generator.type));
  p.connection_id = string_field(generator.doc, "_connectionId");
  if (p.connection_id.empty()) {
    p.error = fmt::format(
        "export {} has no \"_connectionId\"; add the _id of the connection it "
        "uses and apply it again",
        id);
    return false;
  }
  auto connection = store.get_resource(host::ResourceKind::kConnection, p.connection_id,
                                       host::Secrets::kRevealed);
  if (!connection) {
    p.error = connection.error().message;
    return false;
  }
  if (!*connection) {
    p.error = fmt::format(
        "export {}: \"_connectionId\" names connection {}, which is not in the store; apply it "
        "with `sluice apply`",
        id, p.connection_id);
    return false;
  }
  auto connector = registry.connector_for(**connection);
  if (!connector) {
    p.error = fmt::format("export {}: {}", id, connector.error().message);
    return false;
  }
  generator.connection.id = p.connection_id;
  generator.connection.doc = std::move(**connection);
  generator.connection.connector = *connector;

  // The capture outlives the environment, so that closing the connection logs nothing to stderr.
  Capture capture;
  runtime::FlowPlan plan;  // no flow: the run context's flow settings are {}
  runtime::JobEnvironment env(plan, runtime::new_id(), nullptr, limits);
  size_t dropped = 0;
  auto finish_open = [&] { capture.take(p.open_log, p.open_warnings, dropped); };
  auto opened = env.connection_for(generator.connection);
  if (!opened) {
    finish_open();
    p.error = fmt::format("connection {} could not be opened: {}", p.connection_id,
                          opened.error().message);
    return false;
  }
  runtime::StepContext context = env.step_context(id, &generator.settings, {});
  auto state = store.get_state(id);
  const std::string state_json =
      state && !state->is_null() ? json::serialize(*state) : std::string("null");
  const std::string run = env.run_context(
      generator, generator.type, runtime::last_export_date_time(store, generator, generator.type),
      /*test_mode=*/true, context);
  auto exp = (*opened)->open_export(json::serialize(generator.doc), state_json,
                                    fmt::format("export {}", generator.name), run);
  if (!exp) {
    finish_open();
    p.error = fmt::format("export {} could not be opened: {}", id, exp.error().message);
    return false;
  }
  finish_open();
  bool ok = true;
  for (size_t i = 0; i < pages; ++i) {
    PreviewPage page;
    auto text = (*exp)->next_page();
    if (text) {
      boost::system::error_code ec;
      json::value parsed = json::parse(*text, ec);
      const json::object* o = ec ? nullptr : parsed.if_object();
      const json::value* records = o != nullptr ? o->if_contains("records") : nullptr;
      if (records == nullptr || !records->is_array()) {
        page.error =
            "the plugin returned a page that is not {\"records\": [...]} (please report "
            "it to the plugin's author)";
      } else {
        page.records = records->get_array();
        const json::value* done = o->if_contains("done");
        page.done = done != nullptr && done->is_bool() && done->get_bool();
      }
    } else {
      page.error = fmt::format("{} ({})", text.error().message, to_string(text.error().status));
    }
    capture.take(page.log, page.warnings, page.dropped_lines);
    const bool stop = page.done || !page.error.empty();
    ok = ok && page.error.empty();
    p.pages.push_back(std::move(page));
    if (stop) break;
  }
  // No page_committed: closing the export and the connection is all that happens now.
  exp->reset();
  std::vector<std::string> close_warnings;
  capture.take(p.close_log, close_warnings, dropped);
  return ok;
}

}  // namespace

int cmd_export(const Env& env, const Args& args) {
  constexpr const char* kExportUsage =
      "usage: sluice export preview ID [--pages N] [--json]   (see `sluice export preview "
      "--help`)";
  if (args.empty()) return usage_error("expected an export command: preview", kExportUsage);
  if (args.front() == "--help" || args.front() == "-h") {
    std::cout << kExportUsage << '\n';
    return kExitOk;
  }
  if (args.front() != "preview") {
    return usage_error(fmt::format("unknown export command '{}': expected preview", args.front()),
                       kExportUsage);
  }
  const Args rest(args.begin() + 1, args.end());
  po::options_description options("options");
  options.add_options()("pages", po::value<std::string>(),
                        "fetch this many pages (1 to 10); default 1")(
      "json",
      "print the preview as one JSON document: {exportId, connectionId, type, openLog, pages: "
      "[{log: [{level, section, message}], warnings, recordCount, records, done, error?}], "
      "closeLog, error?}")("id", po::value<std::string>(),
                           "an export id (see `sluice get exports`)");
  po::positional_options_description positional;
  positional.add("id", 1);
  po::variables_map vm;
  int code = kExitOk;
  if (!parse_args(rest, kUsage, options, positional, vm, code)) return code;
  if (vm.count("id") == 0u)
    return usage_error("expected an export id (see `sluice get exports`)", kUsage);
  size_t pages = 1;
  if (vm.count("pages") != 0u) {
    const std::string text = vm["pages"].as<std::string>();
    const bool digits =
        !text.empty() && text.size() <= 2 &&
        std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
    pages = digits ? std::stoul(text) : 0;
    if (pages < 1 || pages > kMaxPages) {
      return usage_error(fmt::format("--pages: expected a whole number from 1 to {}, found \"{}\"",
                                     kMaxPages, text),
                         kUsage);
    }
  }
  const bool as_json = vm.count("json") != 0u;
  auto limits = host::call_limits_from_environment();
  if (!limits) {
    print_error(limits.error().message);
    return kExitFailure;
  }
  auto store = env.open_store();
  if (!store) return kExitFailure;
  host::PluginRegistry registry = env.load_plugins(as_json);
  Preview preview;
  preview.export_id = vm["id"].as<std::string>();
  preview.name = preview.export_id;
  const bool ok = run_preview(*store, registry, preview.export_id, pages, *limits, preview);
  // An export that is not there (or cannot be read) has nothing to show but the error.
  const bool found = !preview.connection_id.empty();
  if (as_json && found) {
    std::cout << json::serialize(to_json(preview)) << '\n';
    set_json_errors(false);  // the error is in the document; stdout holds one JSON document
  } else if (found) {
    std::cout << text_view(preview, pages);
  }
  if (!preview.error.empty()) {
    print_error(preview.error, preview.error.starts_with("no export") ? "not_found" : "failed");
  }
  return ok ? kExitOk : kExitFailure;
}

}  // namespace sluice::cli
