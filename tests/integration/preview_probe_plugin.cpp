// A test connector for `sluice export preview` (connection type "probe"): each page it returns
// logs, at debug level, the three lines the HTTP export logs per request (`request: `,
// `response: `, `paging: `), with the connection's secret in the request line (the host must
// mask it), plus an info line; page 1 raises a warning.
//
// Connection settings: probe.apiKey (secret). Export settings (probe.*): pages (how many pages
// there are, default 3), perPage (records per page, default 2), log (a file: one line per call,
// "E <page>" per page returned, "C <state>" per committed page, "R <run type> <testMode>" when
// opened), failOnPage (that page fails with kRemoteError).
#include <fstream>
#include <string>

#include <boost/json.hpp>

#include "sluice/plugin.hpp"

namespace {

namespace json = boost::json;

const json::value* at(const json::object& doc, std::string_view a, std::string_view b) {
  const json::value* o = doc.if_contains(a);
  return o != nullptr && o->is_object() ? o->get_object().if_contains(b) : nullptr;
}

std::string text_at(const json::object& doc, std::string_view a, std::string_view b) {
  const json::value* v = at(doc, a, b);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

int64_t int_at(const json::object& doc, std::string_view a, std::string_view b, int64_t dflt) {
  const json::value* v = at(doc, a, b);
  return v != nullptr && v->is_int64() ? v->get_int64() : dflt;
}

void append(const std::string& file, const std::string& line) {
  if (!file.empty()) std::ofstream(file, std::ios::app) << line << '\n';
}

class ProbeConnection final : public sluice::Connection {
 public:
  explicit ProbeConnection(std::string key) : key_(std::move(key)) {}
  sluice::Result<void> ping(sluice::Context&) override { return {}; }
  const std::string& key() const { return key_; }

 private:
  std::string key_;
};

class ProbeExport final : public sluice::ExportReader {
 public:
  ProbeExport(const ProbeConnection& connection, const json::object& doc)
      : key_(connection.key()),
        pages_(int_at(doc, "probe", "pages", 3)),
        per_page_(int_at(doc, "probe", "perPage", 2)),
        fail_on_(int_at(doc, "probe", "failOnPage", 0)),
        log_(text_at(doc, "probe", "log")) {}

  sluice::Result<sluice::Page> next_page(sluice::Context& context) override {
    ++page_;
    const std::string url =
        "https://api.example.test/items?page=" + std::to_string(page_) + "&key=" + key_;
    context.log(sluice::LogLevel::kDebug, "request: GET " + url);
    if (page_ == fail_on_) {
      context.log(sluice::LogLevel::kDebug, "response: 500 Internal Server Error, 5 bytes: oops");
      return sluice::make_error(sluice::Status::kRemoteError,
                                "GET " + url + ": HTTP 500 Internal Server Error");
    }
    sluice::Page page;
    for (int64_t i = 1; i <= per_page_; ++i) {
      page.records.push_back(
          json::object{{"id", "P" + std::to_string(page_) + "-" + std::to_string(i)}});
    }
    const std::string body = json::serialize(json::object{{"items", page.records}});
    context.log(sluice::LogLevel::kDebug,
                "response: 200 OK, " + std::to_string(body.size()) + " bytes: " + body);
    page.done = page_ >= pages_;
    context.log(sluice::LogLevel::kDebug,
                page.done ? std::string("paging: last page — page ") + std::to_string(page_) +
                                " of " + std::to_string(pages_)
                          : "paging: next page " + std::to_string(page_ + 1));
    context.log(sluice::LogLevel::kInfo, "probe: page " + std::to_string(page_) + " read");
    if (page_ == 1) context.warn("probe: no records at 'data'; try 'items'");
    page.state = json::object{{"page", page_}};
    append(log_, "E " + std::to_string(page_));
    return page;
  }

  sluice::Result<void> page_committed(sluice::Context&, const json::value& state) override {
    append(log_, "C " + json::serialize(state));
    return {};
  }

  void opened(sluice::Context& context) {
    const sluice::RunContext* run = context.run();
    append(log_, "R " + (run != nullptr ? run->type + (run->test_mode ? " test" : " run")
                                        : std::string("none")));
  }

 private:
  std::string key_;
  int64_t pages_, per_page_, fail_on_;
  std::string log_;
  int64_t page_ = 0;
};

class ProbeConnector final : public sluice::Connector {
 public:
  sluice::ConnectorInfo describe() const override {
    sluice::ConnectorInfo info;
    info.name = "probe";
    info.connection_type = "probe";
    info.label = "Preview probe";
    info.connection.string("probe.apiKey").secret().help("A secret sent in every request line.");
    info.export_settings.integer("probe.pages").help("How many pages there are.");
    info.export_settings.integer("probe.perPage").help("Records per page.");
    info.export_settings.integer("probe.failOnPage").help("This page fails.");
    info.export_settings.string("probe.log").help("The call log file.");
    return info;
  }
  sluice::Result<std::unique_ptr<sluice::Connection>> open_connection(
      sluice::Context&, const json::object& connection) override {
    return std::unique_ptr<sluice::Connection>(
        std::make_unique<ProbeConnection>(text_at(connection, "probe", "apiKey")));
  }
  sluice::Result<std::unique_ptr<sluice::ExportReader>> open_export(sluice::Context& context,
                                                                    sluice::Connection& connection,
                                                                    const json::object& doc,
                                                                    const json::value&) override {
    context.log(sluice::LogLevel::kDebug, "probe: export opened");
    auto reader = std::make_unique<ProbeExport>(static_cast<ProbeConnection&>(connection), doc);
    reader->opened(context);
    return std::unique_ptr<sluice::ExportReader>(std::move(reader));
  }
};

}  // namespace

SLUICE_PLUGIN("probe", "0.1.0", "Preview probe: logs request, response and paging lines",
              ProbeConnector)
