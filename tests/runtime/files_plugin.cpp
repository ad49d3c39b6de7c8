// A test connector that transfers the files of a local folder as a file plugin would (the file
// protocol of docs/runtime.md, "File sources"), so that the runtime's file source is specified
// end to end through the real ABI: export settings files.dir (the folder: its regular files, by
// name), files.chunk (bytes per chunk, default 5) and files.log (a file getting one line
// "C <state>" per page_committed). A committed file whose state says "errors": 0 is deleted; one
// with errors stays, as the FTP plugin does.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <sluice/json_path.hpp>
#include <sluice/plugin.hpp>

namespace {

namespace json = boost::json;
namespace fs = std::filesystem;

std::string string_at(const json::object& doc, std::string_view path) {
  const json::value* v = sluice::find_path(doc, path);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

class FilesConnection : public sluice::Connection {
 public:
  sluice::Result<void> ping(sluice::Context&) override { return {}; }
};

class FilesExport : public sluice::ExportReader {
 public:
  explicit FilesExport(const json::object& doc)
      : dir_(string_at(doc, "files.dir")), log_(string_at(doc, "files.log")) {
    if (const json::value* c = sluice::find_path(doc, "files.chunk"); c && c->is_int64())
      chunk_ = static_cast<size_t>(std::max<int64_t>(1, c->as_int64()));
    for (const auto& entry : fs::directory_iterator(dir_)) {
      if (entry.is_regular_file()) names_.push_back(entry.path().filename().string());
    }
    std::sort(names_.begin(), names_.end());
  }

  sluice::Result<sluice::Page> next_page(sluice::Context&) override {
    return sluice::make_error(sluice::Status::kUnsupported, "files: a file export has no pages");
  }

  sluice::Result<sluice::FileInfo> next_file(sluice::Context&, sluice::ByteSink& sink) override {
    sluice::FileInfo info;
    if (next_ >= names_.size()) {
      info.done = true;
      return info;
    }
    const std::string name = names_[next_++];
    std::ifstream in(fs::path(dir_) / name, std::ios::binary);
    std::string chunk(chunk_, '\0');
    int64_t size = 0;
    while (in.read(chunk.data(), static_cast<std::streamsize>(chunk.size())) || in.gcount() > 0) {
      const auto got = static_cast<size_t>(in.gcount());
      size += static_cast<int64_t>(got);
      if (auto r = sink.write(std::string_view(chunk.data(), got)); !r) return r.error();
    }
    info.name = name;
    info.size = size;
    info.done = next_ >= names_.size();
    return info;
  }

  sluice::Result<void> page_committed(sluice::Context&, const json::value& state) override {
    std::ofstream(log_, std::ios::app) << "C " << json::serialize(state) << '\n';
    const json::value* file = state.is_object() ? state.as_object().if_contains("file") : nullptr;
    if (file == nullptr || !file->is_object()) {
      return sluice::make_error(sluice::Status::kInvalidConfig, "files: a state without file");
    }
    const json::value* errors = file->as_object().if_contains("errors");
    if (errors != nullptr && errors->is_int64() && errors->as_int64() == 0) {
      fs::remove(fs::path(dir_) / std::string(file->at("name").as_string()));
    }
    return {};
  }

 private:
  std::string dir_, log_;
  size_t chunk_ = 5;
  std::vector<std::string> names_;
  size_t next_ = 0;
};

class FilesConnector : public sluice::Connector {
 public:
  sluice::ConnectorInfo describe() const override {
    sluice::ConnectorInfo info;
    info.name = "files";
    info.connection_type = "files";
    info.label = "Local folder as a file server (tests)";
    info.file_transfer = true;
    info.export_settings.string("files.dir");
    info.export_settings.string("files.log");
    info.export_settings.integer("files.chunk");
    info.export_settings.object("file");
    return info;
  }
  sluice::Result<std::unique_ptr<sluice::Connection>> open_connection(
      sluice::Context&, const json::object&) override {
    return std::unique_ptr<sluice::Connection>(new FilesConnection);
  }
  sluice::Result<std::unique_ptr<sluice::ExportReader>> open_export(sluice::Context&,
                                                                    sluice::Connection&,
                                                                    const json::object& doc,
                                                                    const json::value&) override {
    return std::unique_ptr<sluice::ExportReader>(new FilesExport(doc));
  }
};

}  // namespace

SLUICE_PLUGIN("files", "1.0.0", "a local folder's files, for runtime tests", FilesConnector)
