// An out-of-tree plugin that passes the conformance kit: it checks its own settings, exports
// `counter.count` records in pages of `counter.pageSize` and imports by answering once per record.
#include <sluice/json_path.hpp>
#include <sluice/plugin.hpp>

namespace {

namespace json = boost::json;

sluice::Result<int64_t> whole(const json::object& doc, const char* path, int64_t fallback) {
  const json::value* v = sluice::find_path(doc, path);
  if (v == nullptr) return fallback;
  if (!v->is_int64() || v->as_int64() < 1) {
    return sluice::make_error(sluice::Status::kInvalidConfig,
                              std::string("$.") + path + ": expected a whole number of at least 1");
  }
  return v->as_int64();
}

class CounterConnection : public sluice::Connection {
 public:
  sluice::Result<void> ping(sluice::Context&) override { return {}; }
};

class CounterReader : public sluice::ExportReader {
 public:
  CounterReader(int64_t count, int64_t page_size) : count_(count), page_size_(page_size) {}
  sluice::Result<sluice::Page> next_page(sluice::Context&) override {
    sluice::Page page;
    for (int64_t i = 0; i < page_size_ && next_ <= count_; ++i, ++next_) {
      page.records.push_back(json::object{{"n", next_}});
    }
    page.done = next_ > count_;
    return page;
  }

 private:
  int64_t count_, page_size_, next_ = 1;
};

class CounterWriter : public sluice::ImportWriter {
 public:
  sluice::Result<std::vector<sluice::RecordResult>> submit(sluice::Context&,
                                                           const json::array& records) override {
    std::vector<sluice::RecordResult> out(records.size());
    for (size_t i = 0; i < records.size(); ++i) out[i].id = static_cast<int64_t>(i + 1);
    return out;
  }
};

class CounterConnector : public sluice::Connector {
 public:
  sluice::ConnectorInfo describe() const override {
    sluice::ConnectorInfo info;
    info.name = "counter";
    info.connection_type = "counter";
    info.label = "Counter";
    // Its connection holds no state and each reader its own, so the host may call them at once
    // (the kit's connection.concurrent_calls checks it).
    info.thread_safe_connection = true;
    info.connection.string("counter.label").label("Label").required();
    info.export_settings.integer("counter.count").label("Records").required().minimum(1);
    info.export_settings.integer("counter.pageSize").label("Page size").minimum(1);
    return info;
  }
  sluice::Result<std::unique_ptr<sluice::Connection>> open_connection(
      sluice::Context&, const json::object& doc) override {
    const json::value* label = sluice::find_path(doc, "counter.label");
    if (label == nullptr || !label->is_string()) {
      return sluice::make_error(sluice::Status::kInvalidConfig,
                                "$.counter.label: expected a string (required)");
    }
    return std::unique_ptr<sluice::Connection>(new CounterConnection);
  }
  sluice::Result<std::unique_ptr<sluice::ExportReader>> open_export(sluice::Context&,
                                                                    sluice::Connection&,
                                                                    const json::object& doc,
                                                                    const json::value&) override {
    if (sluice::find_path(doc, "counter.count") == nullptr) {
      return sluice::make_error(sluice::Status::kInvalidConfig,
                                "$.counter.count: expected a whole number (required)");
    }
    auto count = whole(doc, "counter.count", 1);
    if (!count) return count.error();
    auto page_size = whole(doc, "counter.pageSize", 10);
    if (!page_size) return page_size.error();
    return std::unique_ptr<sluice::ExportReader>(new CounterReader(*count, *page_size));
  }
  sluice::Result<std::unique_ptr<sluice::ImportWriter>> open_import(sluice::Context&,
                                                                    sluice::Connection&,
                                                                    const json::object&) override {
    return std::unique_ptr<sluice::ImportWriter>(new CounterWriter);
  }
};

}  // namespace

SLUICE_PLUGIN("counter", "1.0.0", "counts; passes the conformance kit", CounterConnector)
