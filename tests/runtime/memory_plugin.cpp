// A test connector that makes and takes records in memory, with knobs for faults and a call log,
// so the runtime's ordering, counting and cancellation can be specified exactly.
//
// Export settings (memory.*): count, pagesOf, prefix, delayMs, failOnPage, log, resumable (page
// states carry a resume position {"next": N} beside the delta {"last": N}, and an export opened
// with {"resume": {"next": N}} starts at record N).
// Import settings (memory.*): name, rejectIds[], failPageWith (an id), authFail, log, hangOnId
// (a page holding that id blocks its submit for up to 60 s, deaf to cancellation).
// The log has one line per export page ("E <prefix> page <n>") and per import call
// ("I <name> <id>,<id>,...": every id submitted, in order).
#include <chrono>
#include <fstream>
#include <thread>

#include <boost/json.hpp>
#include <sluice/json_path.hpp>
#include <sluice/plugin.hpp>

namespace {

namespace json = boost::json;

int64_t int_at(const json::object& doc, std::string_view path, int64_t fallback) {
  const json::value* v = sluice::find_path(doc, path);
  return v && v->is_number() ? v->to_number<int64_t>() : fallback;
}

std::string string_at(const json::object& doc, std::string_view path) {
  const json::value* v = sluice::find_path(doc, path);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

void append_log(const std::string& file, const std::string& line) {
  if (!file.empty()) std::ofstream(file, std::ios::app) << line << '\n';
}

class MemoryConnection : public sluice::Connection {
 public:
  sluice::Result<void> ping(sluice::Context&) override { return {}; }
};

class MemoryExport : public sluice::ExportReader {
 public:
  MemoryExport(const json::object& doc, const json::value& state)
      : count_(int_at(doc, "memory.count", 10)),
        pages_of_(int_at(doc, "memory.pagesOf", 10)),
        delay_ms_(int_at(doc, "memory.delayMs", 0)),
        fail_on_page_(int_at(doc, "memory.failOnPage", 0)),
        prefix_(string_at(doc, "memory.prefix")),
        log_(string_at(doc, "memory.log")) {
    if (auto* r = sluice::find_path(doc, "memory.resumable"); r && r->is_bool())
      resumable_ = r->as_bool();
    if (const json::object* o = state.if_object(); o && o->contains("resume")) {
      next_ = int_at(*o, "resume.next", 1);
    }
  }

  sluice::Result<sluice::Page> next_page(sluice::Context& context) override {
    ++page_;
    if (delay_ms_ > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms_));
    if (context.cancelled()) return sluice::make_error(sluice::Status::kCancelled, "cancelled");
    if (page_ == fail_on_page_) {
      return sluice::make_error(sluice::Status::kRemoteError,
                                "memory export: injected failure on page " + std::to_string(page_));
    }
    append_log(log_, "E " + prefix_ + " page " + std::to_string(page_));
    sluice::Page page;
    for (int64_t i = 0; i < pages_of_ && next_ <= count_; ++i, ++next_) {
      page.records.push_back(json::object{{"id", prefix_ + std::to_string(next_)}, {"n", next_}});
    }
    page.done = next_ > count_;
    page.state = json::object{{"last", next_ - 1}};
    if (resumable_) {
      page.state = json::object{{"resume", json::object{{"next", next_}}}, {"delta", page.state}};
    }
    return page;
  }

 private:
  int64_t count_, pages_of_, delay_ms_, fail_on_page_;
  std::string prefix_, log_;
  bool resumable_ = false;
  int64_t page_ = 0, next_ = 1;
};

class MemoryImport : public sluice::ImportWriter {
 public:
  explicit MemoryImport(const json::object& doc)
      : name_(string_at(doc, "memory.name")),
        fail_with_(string_at(doc, "memory.failPageWith")),
        hang_on_(string_at(doc, "memory.hangOnId")),
        log_(string_at(doc, "memory.log")) {
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
    std::string ids;
    std::vector<sluice::RecordResult> results;
    for (const auto& r : records) {
      const std::string id(r.as_object().at("id").as_string());
      ids += (ids.empty() ? "" : ",") + id;
      if (!hang_on_.empty() && id == hang_on_) {
        append_log(log_, "H " + name_ + " " + id);
        std::this_thread::sleep_for(std::chrono::seconds(60));
      }
      if (id == fail_with_) {
        return sluice::make_error(sluice::Status::kTransient,
                                  "memory import: injected page failure at " + id);
      }
      sluice::RecordResult result;
      if (std::find(reject_.begin(), reject_.end(), id) != reject_.end()) {
        result.status_code = 422;
        result.errors.push_back({"rejected", "memory import " + name_ + " rejected " + id});
      }
      results.push_back(std::move(result));
    }
    append_log(log_, "I " + name_ + " " + ids);
    return results;
  }

 private:
  std::string name_, fail_with_, hang_on_, log_;
  std::vector<std::string> reject_;
  bool auth_fail_ = false;
};

class MemoryConnector : public sluice::Connector {
 public:
  sluice::ConnectorInfo describe() const override {
    sluice::ConnectorInfo info;
    info.name = "memory";
    info.connection_type = "memory";
    info.label = "In-memory test connector";
    info.export_settings.integer("memory.count").default_value(10);
    info.export_settings.boolean("memory.resumable");
    info.import_settings.array("memory.rejectIds").items(sluice::FieldType::kString);
    info.import_settings.string("memory.hangOnId");
    return info;
  }
  sluice::Result<std::unique_ptr<sluice::Connection>> open_connection(
      sluice::Context&, const json::object&) override {
    return std::unique_ptr<sluice::Connection>(new MemoryConnection);
  }
  sluice::Result<std::unique_ptr<sluice::ExportReader>> open_export(
      sluice::Context&, sluice::Connection&, const json::object& doc,
      const json::value& state) override {
    return std::unique_ptr<sluice::ExportReader>(new MemoryExport(doc, state));
  }
  sluice::Result<std::unique_ptr<sluice::ImportWriter>> open_import(
      sluice::Context&, sluice::Connection&, const json::object& doc) override {
    return std::unique_ptr<sluice::ImportWriter>(new MemoryImport(doc));
  }
};

}  // namespace

SLUICE_PLUGIN("memory", "1.0.0", "in-memory records for runtime tests", MemoryConnector)
