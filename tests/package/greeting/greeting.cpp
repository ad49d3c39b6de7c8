// A complete out-of-tree connector: its export makes `greeting.count` greeting records, its
// import appends each record as one JSON line to `greeting.outputFile`.
#include <fstream>

#include <boost/json.hpp>
#include <sluice/plugin.hpp>
#include <sluice/settings.hpp>

namespace {

namespace json = boost::json;

// Each setting is declared once; reading it through its declaration applies the default.
struct GreetingSettings {
  sluice::Schema connection, export_settings, import_settings;
  sluice::Setting<std::string> name =
      connection.string("greeting.name").label("Name").help("Who to greet").required();
  sluice::Setting<int64_t> count =
      export_settings.integer("greeting.count").label("Count").default_value(5).minimum(0);
  sluice::Setting<std::string> output_file =
      import_settings.string("greeting.outputFile").label("Output file").required();
};

const GreetingSettings& settings() {
  static const GreetingSettings s;
  return s;
}

class GreetingConnection : public sluice::Connection {
 public:
  sluice::Result<void> ping(sluice::Context&) override { return {}; }
};

class GreetingExport : public sluice::ExportReader {
 public:
  GreetingExport(int64_t count, std::string name) : count_(count), name_(std::move(name)) {}
  sluice::Result<sluice::Page> next_page(sluice::Context&) override {
    sluice::Page page;
    for (int i = 0; i < 3 && next_ <= count_; ++i, ++next_) {
      page.records.push_back(
          json::object{{"id", next_}, {"text", "hello " + name_ + " #" + std::to_string(next_)}});
    }
    page.done = next_ > count_;
    return page;
  }

 private:
  int64_t count_;
  std::string name_;
  int64_t next_ = 1;
};

class GreetingImport : public sluice::ImportWriter {
 public:
  explicit GreetingImport(std::string file) : file_(std::move(file)) {}
  sluice::Result<std::vector<sluice::RecordResult>> submit(sluice::Context&,
                                                           const json::array& records) override {
    std::ofstream out(file_, std::ios::app);
    if (!out)
      return sluice::make_error(sluice::Status::kInvalidConfig,
                                "greeting.outputFile: cannot write " + file_);
    for (const auto& r : records) out << json::serialize(r) << '\n';
    return std::vector<sluice::RecordResult>(records.size());
  }

 private:
  std::string file_;
};

class GreetingConnector : public sluice::Connector {
 public:
  sluice::ConnectorInfo describe() const override {
    sluice::ConnectorInfo info;
    info.name = "greeting";
    info.connection_type = "greeting";
    info.label = "Greetings";
    info.connection = settings().connection;
    info.export_settings = settings().export_settings;
    info.import_settings = settings().import_settings;
    return info;
  }
  sluice::Result<std::unique_ptr<sluice::Connection>> open_connection(
      sluice::Context&, const json::object& doc) override {
    auto name = settings().name.read(doc);
    if (!name) return name.error();
    name_ = std::move(*name);
    return std::unique_ptr<sluice::Connection>(new GreetingConnection);
  }
  sluice::Result<std::unique_ptr<sluice::ExportReader>> open_export(sluice::Context&,
                                                                    sluice::Connection&,
                                                                    const json::object& doc,
                                                                    const json::value&) override {
    auto count = settings().count.read(doc);
    if (!count) return count.error();
    return std::unique_ptr<sluice::ExportReader>(new GreetingExport(*count, name_));
  }
  sluice::Result<std::unique_ptr<sluice::ImportWriter>> open_import(
      sluice::Context&, sluice::Connection&, const json::object& doc) override {
    auto file = settings().output_file.read(doc);
    if (!file) return file.error();
    return std::unique_ptr<sluice::ImportWriter>(new GreetingImport(std::move(*file)));
  }

 private:
  std::string name_;
};

}  // namespace

SLUICE_PLUGIN("greeting", "1.0.0", "an out-of-tree example plugin", GreetingConnector)
