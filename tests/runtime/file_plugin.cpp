// A test connector that transfers files (SLUICE_CAP_FILE_TRANSFER) through the real C ABI, for
// the host's file imports (host/src/runtime/file_submit_step.hpp): import_put_file reads the
// file from the host's byte source in small chunks and writes it into a folder.
//
// Connection type "files". Import settings (files.*):
//   dir        the folder: put N (from 1, per import object) is written as <dir>/<N>.<extension>
//              with its meta as <dir>/<N>.meta (the meta JSON as received); each put and each
//              finish appends a line to <dir>/calls.log ("put <N> <records>", "finish");
//   failWith   the server's reply: every put (or only put number failOnPut, when set) is answered
//              {"statusCode": 550, "errors": [{"code": "550", "message": failWith}]} after its
//              bytes were read (nothing is written to dir but the meta);
//   failOnPut  see failWith;
//   callError  every put fails as a call (kTransient with this message) after reading the bytes.
// A put's result: {"statusCode": 200, "id": "<dir>/<N>.<extension>"}.
#include <fstream>

#include <boost/json.hpp>
#include <sluice/json_path.hpp>
#include <sluice/plugin.hpp>

namespace {

namespace json = boost::json;

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
    info.label = "Files in a folder (runtime tests)";
    info.file_transfer = true;
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
  sluice::Result<std::unique_ptr<sluice::ImportWriter>> open_import(
      sluice::Context&, sluice::Connection&, const json::object& doc) override {
    return std::unique_ptr<sluice::ImportWriter>(new FilesImport(doc));
  }
};

}  // namespace

SLUICE_PLUGIN("files", "1.0.0", "files in a folder, for the runtime's file import tests",
              FilesConnector)
