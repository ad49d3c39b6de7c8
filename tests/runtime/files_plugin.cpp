// A test connector that moves files (SLUICE_CAP_FILE_TRANSFER) through the real C ABI, both
// ways, so that the runtime's file source and file imports are specified end to end.
//
// Exports transfer the files of a local folder as a file plugin would (the file protocol of
// docs/runtime.md, "File sources"): export settings files.dir (the folder: its regular files, by
// name), files.chunk (bytes per chunk, default 5) and files.log (a file getting one line
// "C <state>" per page_committed). A committed file whose state says "errors": 0 is deleted; one
// with errors stays, as the FTP plugin does.
//
// Imports (host/src/runtime/file_submit_step.hpp): import_put_file reads the file from the
// host's byte source in small chunks and writes it into a folder. Import settings (files.*):
//   dir        the folder: put N (from 1, per import object) is written as <dir>/<N>.<extension>
//              with its meta as <dir>/<N>.meta (the meta JSON as received); each put and each
//              finish appends a line to <dir>/calls.log ("put <N> <records>", "finish");
//   failWith   the server's reply: every put (or only put number failOnPut, when set) is answered
//              {"statusCode": 550, "errors": [{"code": "550", "message": failWith}]} after its
//              bytes were read (nothing is written to dir but the meta);
//   failOnPut  see failWith;
//   callError  every put fails as a call (kTransient with this message) after reading the bytes.
// A put's result: {"statusCode": 200, "id": "<dir>/<N>.<extension>"}.
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

int64_t int_at(const json::object& doc, std::string_view path) {
  const json::value* v = sluice::find_path(doc, path);
  return v && v->is_number() ? v->to_number<int64_t>() : 0;
}

class FilesConnection : public sluice::Connection {
 public:
  sluice::Result<void> ping(sluice::Context&) override { return {}; }
};

class FilesExport : public sluice::ExportReader {
 public:
  explicit FilesExport(const json::object& doc)
      : dir_(string_at(doc, "files.dir")), log_(string_at(doc, "files.log")) {
    if (const json::value* a = sluice::find_path(doc, "files.announce"); a && a->is_bool())
      announce_ = a->as_bool();
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
    if (announce_) {  // named before the bytes
      sluice::FileInfo early;
      early.name = name;
      early.size = static_cast<int64_t>(fs::file_size(fs::path(dir_) / name));
      if (auto r = sink.announce(early); !r) return r.error();
    }
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
  bool announce_ = false;
  std::vector<std::string> names_;
  size_t next_ = 0;
};

class FilesImport : public sluice::ImportWriter {
 public:
  explicit FilesImport(const json::object& doc)
      : dir_(string_at(doc, "files.dir")),
        fail_with_(string_at(doc, "files.failWith")),
        call_error_(string_at(doc, "files.callError")),
        fail_on_put_(int_at(doc, "files.failOnPut")) {}

  sluice::Result<std::vector<sluice::RecordResult>> submit(sluice::Context&,
                                                           const json::array&) override {
    return sluice::make_error(sluice::Status::kUnsupported,
                              "files import: records come as files (import_put_file)");
  }

  sluice::Result<void> finish(sluice::Context&) override {
    std::ofstream(dir_ + "/calls.log", std::ios::app) << "finish\n";
    return {};
  }

  sluice::Result<sluice::RecordResult> put_file(sluice::Context&, const json::object& meta,
                                                sluice::ByteSource& source) override {
    const int64_t n = ++puts_;
    std::string bytes;
    char buffer[7];  // small on purpose: the host's source is read in many chunks
    for (int reads = 0; reads < 10'000'000; ++reads) {
      auto got = source.read(buffer, sizeof buffer);
      if (!got) return got.error();
      if (*got == 0) break;
      bytes.append(buffer, *got);
    }
    const std::string extension(meta.at("extension").as_string());
    const std::string name = dir_ + "/" + std::to_string(n) + "." + extension;
    std::ofstream(dir_ + "/" + std::to_string(n) + ".meta") << json::serialize(meta);
    std::ofstream(dir_ + "/calls.log", std::ios::app)
        << "put " << n << " " << json::serialize(meta.at("records")) << "\n";
    if (!call_error_.empty()) return sluice::make_error(sluice::Status::kTransient, call_error_);
    sluice::RecordResult result;
    if (!fail_with_.empty() && (fail_on_put_ == 0 || fail_on_put_ == n)) {
      result.status_code = 550;
      result.errors.push_back({"550", fail_with_});
      return result;
    }
    std::ofstream(name, std::ios::binary) << bytes;
    result.id = name;
    return result;
  }

 private:
  std::string dir_, fail_with_, call_error_;
  int64_t fail_on_put_;
  int64_t puts_ = 0;
};

class FilesConnector : public sluice::Connector {
 public:
  sluice::ConnectorInfo describe() const override {
    sluice::ConnectorInfo info;
    info.name = "files";
    info.connection_type = "files";
    info.label = "Local folder as a file server (runtime tests)";
    info.file_transfer = true;
    info.export_settings.string("files.dir");
    info.export_settings.string("files.log");
    info.export_settings.integer("files.chunk");
    info.export_settings.object("file");
    info.import_settings.string("files.dir");
    info.import_settings.string("files.failWith");
    info.import_settings.string("files.callError");
    info.import_settings.integer("files.failOnPut");
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
  sluice::Result<std::unique_ptr<sluice::ImportWriter>> open_import(
      sluice::Context&, sluice::Connection&, const json::object& doc) override {
    return std::unique_ptr<sluice::ImportWriter>(new FilesImport(doc));
  }
};

}  // namespace

SLUICE_PLUGIN("files", "1.0.0", "a local folder as a file server, for runtime tests",
              FilesConnector)
