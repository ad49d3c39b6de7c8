// A plugin that uses the calls added in ABI 1.1 through the SDK: run context, page committed,
// import finish, lookups, a listener, warnings and metrics. Because it overrides open_lookup
// and open_listener the SDK makes it require ABI 1.1 and declare every capability (file
// transfer by ConnectorInfo::file_transfer).
#include <chrono>
#include <string>
#include <thread>

#include <boost/json.hpp>
#include <sluice/plugin.hpp>

namespace {

namespace json = boost::json;

class V11Connection : public sluice::Connection {
 public:
  sluice::Result<void> ping(sluice::Context& context) override {
    context.warn("v11 ping warns");
    context.counter("v11_pings_total", {{"connector", "v11"}});
    context.gauge("v11_depth", {}, 7);
    return {};
  }
};

// One page holding what the run context said, then done.
class V11Export : public sluice::ExportReader {
 public:
  sluice::Result<sluice::Page> next_page(sluice::Context& context) override {
    const sluice::RunContext* run = context.run();
    sluice::Page page;
    if (run == nullptr) {
      page.records.push_back(json::object{{"run", nullptr}});
    } else {
      page.records.push_back(json::object{{"type", run->type},
                                          {"jobId", run->job_id},
                                          {"limit", run->test_limit},
                                          {"testMode", run->test_mode},
                                          {"settings", run->settings},
                                          {"committed", committed_}});
    }
    page.state = json::object{{"page", 1}};
    page.done = true;
    return page;
  }
  // A file of file.megabytes MB (default 1) of a byte pattern, written 64 KB at a time from one
  // buffer, so the plugin holds 64 KB whatever the size. With stallAfterChunks N it stops after
  // N chunks and waits (up to 30 s) until the host cancels the call, like a stuck server.
  sluice::Result<sluice::FileInfo> next_file(sluice::Context& context,
                                             sluice::ByteSink& sink) override {
    std::string chunk(64 * 1024, '\0');
    for (size_t i = 0; i < chunk.size(); ++i) chunk[i] = static_cast<char>(i % 251);
    for (int64_t i = 0; i < megabytes_ * 16; ++i) {
      if (i == stall_after_chunks_) {
        for (int waited = 0; waited < 3000 && !context.cancelled(); ++waited) {
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return sluice::make_error(sluice::Status::kCancelled, "v11: stalled until cancelled");
      }
      if (auto r = sink.write(chunk); !r) return r.error();
    }
    sluice::FileInfo info;
    info.name = "pattern.bin";
    info.size = megabytes_ << 20;
    info.done = true;
    return info;
  }
  V11Export(int64_t megabytes, int64_t stall_after_chunks)
      : megabytes_(megabytes), stall_after_chunks_(stall_after_chunks) {}
  sluice::Result<void> page_committed(sluice::Context&, const json::value& state) override {
    committed_ += json::serialize(state);
    if (state.is_null()) {
      return sluice::make_error(sluice::Status::kInvalidConfig, "v11: committed a null state");
    }
    return {};
  }

 private:
  std::string committed_;
  int64_t megabytes_;
  int64_t stall_after_chunks_;  // -1: never
};

class V11Import : public sluice::ImportWriter {
 public:
  explicit V11Import(bool fail_finish) : fail_finish_(fail_finish) {}
  sluice::Result<std::vector<sluice::RecordResult>> submit(sluice::Context&,
                                                           const json::array& records) override {
    submitted_ += records.size();
    return std::vector<sluice::RecordResult>(records.size());
  }
  // Reads the whole file 64 KB at a time into one buffer; the result's id is
  // "<name>:<bytes>:<sum of the bytes mod 2^32>".
  sluice::Result<sluice::RecordResult> put_file(sluice::Context&, const json::object& meta,
                                                sluice::ByteSource& source) override {
    std::string buffer(64 * 1024, '\0');
    uint64_t total = 0;
    uint32_t sum = 0;
    for (;;) {
      auto got = source.read(buffer.data(), buffer.size());
      if (!got) return got.error();
      if (*got == 0) break;
      total += *got;
      for (size_t i = 0; i < *got; ++i) sum += static_cast<unsigned char>(buffer[i]);
    }
    sluice::RecordResult result;
    result.id = std::string(meta.at("name").as_string()) + ":" + std::to_string(total) + ":" +
                std::to_string(sum);
    return result;
  }
  sluice::Result<void> finish(sluice::Context&) override {
    if (fail_finish_) {
      sluice::Error error = sluice::make_error(
          sluice::Status::kRemoteError,
          "v11: the upload of " + std::to_string(submitted_) + " records was refused");
      error.details = json::object{{"records", submitted_}};
      return error;
    }
    return {};
  }

 private:
  bool fail_finish_;
  size_t submitted_ = 0;
};

class V11Lookup : public sluice::Lookup {
 public:
  sluice::Result<std::vector<sluice::LookupResult>> lookup(sluice::Context&,
                                                           const json::array& records) override {
    std::vector<sluice::LookupResult> out;
    for (const auto& r : records) {
      sluice::LookupResult result;
      const json::value& id = r.as_object().at("id");
      if (id == "missing") {
        result.errors.push_back({"not_found", "v11: no record missing"});
      } else {
        result.data.push_back(json::object{{"found", id}});
      }
      out.push_back(std::move(result));
    }
    return out;
  }
};

class V11Listener : public sluice::Listener {
 public:
  sluice::Result<sluice::ListenerResponse> handle(sluice::Context&,
                                                  const sluice::HttpRequest& request) override {
    if (request.headers.if_contains("x-token") == nullptr) {
      return sluice::make_error(sluice::Status::kAuthFailed, "v11: no x-token header");
    }
    sluice::ListenerResponse response;
    response.status_code = 202;
    response.headers["content-type"] = "application/octet-stream";
    response.body = std::string("ok\0bin", 6);
    response.records.push_back(json::object{{"method", request.method},
                                            {"path", request.path},
                                            {"query", request.query},
                                            {"bodyBytes", request.body.size()}});
    return response;
  }
};

class V11Connector : public sluice::Connector {
 public:
  sluice::ConnectorInfo describe() const override {
    sluice::ConnectorInfo info;
    info.name = "v11";
    info.connection_type = "v11";
    info.file_transfer = true;
    info.thread_safe_connection = true;
    info.listener_settings.string("v11.token").secret();
    return info;
  }
  sluice::Result<std::unique_ptr<sluice::Connection>> open_connection(
      sluice::Context&, const json::object&) override {
    return std::unique_ptr<sluice::Connection>(new V11Connection);
  }
  sluice::Result<std::unique_ptr<sluice::ExportReader>> open_export(sluice::Context&,
                                                                    sluice::Connection&,
                                                                    const json::object& doc,
                                                                    const json::value&) override {
    const json::value* mb = doc.if_contains("megabytes");
    const json::value* stall = doc.if_contains("stallAfterChunks");
    return std::unique_ptr<sluice::ExportReader>(
        new V11Export(mb != nullptr && mb->is_int64() ? mb->as_int64() : 1,
                      stall != nullptr && stall->is_int64() ? stall->as_int64() : -1));
  }
  sluice::Result<std::unique_ptr<sluice::ImportWriter>> open_import(
      sluice::Context&, sluice::Connection&, const json::object& doc) override {
    return std::unique_ptr<sluice::ImportWriter>(new V11Import(doc.contains("failFinish")));
  }
  sluice::Result<std::unique_ptr<sluice::Lookup>> open_lookup(sluice::Context&, sluice::Connection&,
                                                              const json::object&) override {
    return std::unique_ptr<sluice::Lookup>(new V11Lookup);
  }
  sluice::Result<std::unique_ptr<sluice::Listener>> open_listener(sluice::Context&,
                                                                  sluice::Connection&,
                                                                  const json::object&) override {
    return std::unique_ptr<sluice::Listener>(new V11Listener);
  }
};

// A preSavePage hook that drops the records whose "test" is true.
sluice::Result<json::value> drop_tests(sluice::Context&, const json::object& input) {
  json::array kept;
  for (const auto& record : input.at("data").as_array()) {
    const json::value* test = record.as_object().if_contains("test");
    if (test == nullptr || !test->is_bool() || !test->as_bool()) kept.push_back(record);
  }
  return json::value(json::object{{"data", std::move(kept)}});
}
SLUICE_HOOK(SLUICE_HOOK_PRE_SAVE_PAGE, "dropTests", drop_tests)

}  // namespace

SLUICE_PLUGIN("v11", "1.1.0", "uses every ABI 1.1 call", V11Connector)
