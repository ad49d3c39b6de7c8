// A test connector that detects concurrent entry into one connection's family (the connection
// and the exports and imports opened from it), for the threading contract of sluice/abi/plugin.h.
//
// Two connectors: "serial" (connection type "serial", not thread-safe: the host must serialise
// its calls) and "overlap" (type "overlap", declared thread-safe). Both behave the same: every
// call counts itself in the connection's `active` counter while it runs and appends
// "OVERLAP <call> <active>" to the log file (connection setting conc.log) when it finds another
// call of its family running. Exports return conc.pages pages of one record each; the first
// submit and the next_page calls after the first wait (once, up to 1.5 s) for a call of the other
// kind to enter, so that an overlap the host allows does happen, deterministically.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <string>

#include <boost/json.hpp>
#include <sluice/json_path.hpp>
#include <sluice/plugin.hpp>

namespace {

namespace json = boost::json;

struct Family {
  std::string log;
  std::atomic<int> active{0};
  std::mutex mutex;
  std::condition_variable changed;
  int exports_in = 0, imports_in = 0;
  bool waited = false;  // the one rendezvous was tried

  void write(const std::string& line) {
    std::lock_guard lock(mutex);
    if (!log.empty()) std::ofstream(log, std::ios::app) << line << '\n';
  }
};

// Counts one call in while it lives; with `export_side` set, enters the export rendezvous.
class Entry {
 public:
  Entry(Family& family, const char* call, int side) : family_(family), side_(side) {
    const int now = ++family_.active;
    if (now > 1) family_.write(std::string("OVERLAP ") + call + " " + std::to_string(now));
    if (side_ == 0) return;
    std::unique_lock lock(family_.mutex);
    (side_ > 0 ? family_.exports_in : family_.imports_in)++;
    family_.changed.notify_all();
    if (family_.waited) return;
    const bool met = family_.changed.wait_for(lock, std::chrono::milliseconds(1500), [&] {
      return (side_ > 0 ? family_.imports_in : family_.exports_in) > 0;
    });
    family_.waited = true;
    (void)met;
  }
  ~Entry() {
    if (side_ != 0) {
      std::lock_guard lock(family_.mutex);
      (side_ > 0 ? family_.exports_in : family_.imports_in)--;
    }
    --family_.active;
  }

 private:
  Family& family_;
  int side_;
};

class ConcConnection : public sluice::Connection {
 public:
  explicit ConcConnection(std::string log) : family_(std::make_shared<Family>()) {
    family_->log = std::move(log);
  }
  sluice::Result<void> ping(sluice::Context&) override {
    Entry entry(*family_, "ping", 0);
    return {};
  }
  std::shared_ptr<Family> family_;
};

class ConcExport : public sluice::ExportReader {
 public:
  ConcExport(std::shared_ptr<Family> family, int64_t pages)
      : family_(std::move(family)), pages_(pages) {}
  ~ConcExport() override { Entry entry(*family_, "export_close", 0); }
  sluice::Result<sluice::Page> next_page(sluice::Context&) override {
    ++page_;
    Entry entry(*family_, "next_page", page_ > 1 ? 1 : 0);
    sluice::Page page;
    page.records.push_back(json::object{{"id", "r" + std::to_string(page_)}});
    page.done = page_ >= pages_;
    return page;
  }

 private:
  std::shared_ptr<Family> family_;
  int64_t pages_, page_ = 0;
};

class ConcImport : public sluice::ImportWriter {
 public:
  explicit ConcImport(std::shared_ptr<Family> family) : family_(std::move(family)) {}
  ~ConcImport() override { Entry entry(*family_, "import_close", 0); }
  sluice::Result<std::vector<sluice::RecordResult>> submit(sluice::Context&,
                                                           const json::array& records) override {
    Entry entry(*family_, "submit", -1);
    return std::vector<sluice::RecordResult>(records.size());
  }

 private:
  std::shared_ptr<Family> family_;
};

template <bool kThreadSafe>
class ConcConnector : public sluice::Connector {
 public:
  sluice::ConnectorInfo describe() const override {
    sluice::ConnectorInfo info;
    info.name = kThreadSafe ? "overlap" : "serial";
    info.connection_type = info.name;
    info.thread_safe_connection = kThreadSafe;
    info.connection.string("conc.log");
    info.export_settings.integer("conc.pages");
    return info;
  }
  sluice::Result<std::unique_ptr<sluice::Connection>> open_connection(
      sluice::Context&, const json::object& doc) override {
    const json::value* log = sluice::find_path(doc, "conc.log");
    return std::unique_ptr<sluice::Connection>(
        new ConcConnection(log && log->is_string() ? std::string(log->as_string()) : ""));
  }
  sluice::Result<std::unique_ptr<sluice::ExportReader>> open_export(sluice::Context&,
                                                                    sluice::Connection& connection,
                                                                    const json::object& doc,
                                                                    const json::value&) override {
    const json::value* pages = sluice::find_path(doc, "conc.pages");
    return std::unique_ptr<sluice::ExportReader>(
        new ConcExport(static_cast<ConcConnection&>(connection).family_,
                       pages && pages->is_number() ? pages->to_number<int64_t>() : 3));
  }
  sluice::Result<std::unique_ptr<sluice::ImportWriter>> open_import(sluice::Context&,
                                                                    sluice::Connection& connection,
                                                                    const json::object&) override {
    return std::unique_ptr<sluice::ImportWriter>(
        new ConcImport(static_cast<ConcConnection&>(connection).family_));
  }
};

using SerialConnector = ConcConnector<false>;
using OverlapConnector = ConcConnector<true>;

}  // namespace

SLUICE_PLUGIN("concurrency", "1.0.0", "detects concurrent entry into one connection",
              SerialConnector, OverlapConnector)
