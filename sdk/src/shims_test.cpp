// Specifies the SDK's shims: how a connector's results, errors and exceptions cross the C ABI.
#include "sluice/detail/shims.hpp"

#include <stdexcept>
#include <string>

#include <gtest/gtest.h>
#include <boost/json.hpp>

struct sluice_call {
  std::string result, message, details;
  uint32_t retry_after = 0;
};

namespace sluice {
namespace {

namespace json = boost::json;

const sluice_host_api kHost = {sizeof(sluice_host_api),
                               [](sluice_call*, int32_t, sluice_str) {},
                               [](sluice_call*) { return int32_t{0}; },
                               [](sluice_call* c, sluice_str s) { c->result.assign(s.ptr, s.len); },
                               [](sluice_call* c, sluice_str m, sluice_str d) {
                                 c->message.assign(m.ptr, m.len);
                                 c->details.assign(d.ptr, d.len);
                               },
                               [](sluice_call* c, uint32_t ms) { c->retry_after = ms; }};

class Writer : public ImportWriter {
 public:
  Result<std::vector<RecordResult>> submit(Context&, const json::array& records) override {
    std::vector<RecordResult> out;
    for (const auto& r : records) {
      const auto n = r.as_object().at("n").as_int64();
      if (n == 99) throw std::runtime_error("record 99 broke me");
      RecordResult result;
      if (n == 2) {
        result.status_code = 422;
        result.errors.push_back({"invalid", "n must not be 2"});
      }
      if (n == 3) return out;  // one result short
      out.push_back(result);
    }
    return out;
  }
};

class Reader : public ExportReader {
 public:
  Result<Page> next_page(Context&) override {
    if (++calls_ == 2) {
      Error e = make_error(Status::kRateLimited, "slow down");
      e.retry_after_ms = 2500;
      e.details = json::object{{"limit", 10}};
      return e;
    }
    Page p;
    p.records.push_back(json::object{{"id", 1}});
    p.done = true;
    return p;
  }
  // Two files, the first with its path on the remote system, the second without.
  Result<FileInfo> next_file(Context&, ByteSink& sink) override {
    if (auto written = sink.write("abc"); !written) return written.error();
    FileInfo info;
    info.name = ++files_ == 1 ? "a.csv" : "b.csv";
    info.size = 3;
    info.done = files_ == 2;
    if (files_ == 1) info.path = "in/a.csv";
    return info;
  }
  int calls_ = 0;
  int files_ = 0;
};

class TestConnector : public Connector {
 public:
  ConnectorInfo describe() const override {
    ConnectorInfo info;
    info.name = "test";
    info.connection_type = "test";
    return info;
  }
  Result<std::unique_ptr<Connection>> open_connection(Context&, const json::object& doc) override {
    if (doc.contains("throw")) throw std::bad_alloc();
    return std::unique_ptr<Connection>(new Plain);
  }
  Result<std::unique_ptr<ExportReader>> open_export(Context&, Connection&, const json::object&,
                                                    const json::value&) override {
    return std::unique_ptr<ExportReader>(new Reader);
  }
  Result<std::unique_ptr<ImportWriter>> open_import(Context&, Connection&,
                                                    const json::object&) override {
    return std::unique_ptr<ImportWriter>(new Writer);
  }

 private:
  struct Plain : Connection {
    Result<void> ping(Context&) override { return {}; }
  };
};

sluice_str str(std::string_view s) { return sluice_str{s.data(), s.size()}; }

class Shims : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(detail::describe_plugin(&kHost, {"shim-test", "1.0", "", ""}, {}), nullptr);
  }
  sluice_call call_;
};

TEST_F(Shims, ImportSubmitReturnsOneResultPerRecordAndCatchesWhatTheWriterThrows) {
  TestConnector connector;
  sluice_connection* conn = nullptr;
  ASSERT_EQ(detail::connection_open(connector, &call_, str("{}"), &conn), SLUICE_OK);
  sluice_import* imp = nullptr;
  ASSERT_EQ(detail::import_open(connector, &call_, conn, str("{}"), &imp), SLUICE_OK);
  ASSERT_EQ(detail::import_submit(&call_, imp, str(R"([{"n":1},{"n":2}])")), SLUICE_OK);
  EXPECT_EQ(json::parse(call_.result), json::parse(R"([{"statusCode":200},
      {"statusCode":422,"errors":[{"code":"invalid","message":"n must not be 2"}]}])"));
  EXPECT_EQ(detail::import_submit(&call_, imp, str(R"([{"n":1},{"n":3}])")), SLUICE_INTERNAL);
  EXPECT_EQ(call_.message,
            "plugin 'shim-test' returned 1 results for 2 records; an import must return one result "
            "per record");
  EXPECT_EQ(detail::import_submit(&call_, imp, str(R"([{"n":99}])")), SLUICE_INTERNAL);
  EXPECT_EQ(call_.message,
            "plugin 'shim-test' threw during import_submit: record 99 broke me (a bug in the "
            "plugin; report it to its author)");
  detail::import_close(imp);
  detail::connection_close(conn);
}

TEST_F(Shims, ExportPagesAndErrorValuesCrossWithStatusRetryAfterAndDetails) {
  TestConnector connector;
  sluice_connection* conn = nullptr;
  ASSERT_EQ(detail::connection_open(connector, &call_, str("{}"), &conn), SLUICE_OK);
  sluice_export* exp = nullptr;
  ASSERT_EQ(detail::export_open(connector, &call_, conn, str("{}"), str("null"), &exp), SLUICE_OK);
  ASSERT_EQ(detail::export_next_page(&call_, exp), SLUICE_OK);
  EXPECT_EQ(json::parse(call_.result),
            json::parse(R"({"records":[{"id":1}],"done":true,"state":null})"));
  EXPECT_EQ(detail::export_next_page(&call_, exp), SLUICE_RATE_LIMITED);
  EXPECT_EQ(call_.message, "slow down");
  EXPECT_EQ(call_.details, R"({"limit":10})");
  EXPECT_EQ(call_.retry_after, 2500u);
  detail::export_close(exp);
  detail::connection_close(conn);
}

TEST_F(Shims, ExceptionsBecomeInternalWithPluginAndOperationNamed) {
  TestConnector connector;
  sluice_connection* out = reinterpret_cast<sluice_connection*>(0x1);
  const sluice_status status =
      detail::connection_open(connector, &call_, str(R"({"throw":1})"), &out);
  EXPECT_EQ(status, SLUICE_INTERNAL);
  EXPECT_EQ(out, nullptr);
  EXPECT_EQ(call_.message,
            "plugin 'shim-test' threw during connection_open: out of memory (a bug in the plugin; "
            "report it to its author)");
}

TEST_F(Shims, InvalidJsonFromTheHostIsAnInvalidConfigError) {
  TestConnector connector;
  sluice_connection* out = nullptr;
  EXPECT_EQ(detail::connection_open(connector, &call_, sluice_str{"{oops", 5}, &out),
            SLUICE_INVALID_CONFIG);
  EXPECT_EQ(call_.message.rfind("the host passed a connection that is not valid JSON", 0), 0u)
      << call_.message;
}

TEST_F(Shims, ExportNextFileStreamsIntoTheSinkAndSendsThePathWhenThereIsOne) {
  TestConnector connector;
  sluice_connection* conn = nullptr;
  ASSERT_EQ(detail::connection_open(connector, &call_, str("{}"), &conn), SLUICE_OK);
  sluice_export* exp = nullptr;
  ASSERT_EQ(detail::export_open(connector, &call_, conn, str("{}"), str("null"), &exp), SLUICE_OK);
  std::string bytes;
  const sluice_byte_sink sink{&bytes, [](void* context, sluice_bytes chunk) -> sluice_status {
                                static_cast<std::string*>(context)->append(
                                    reinterpret_cast<const char*>(chunk.ptr), chunk.len);
                                return SLUICE_OK;
                              }};
  ASSERT_EQ(detail::export_next_file(&call_, exp, &sink), SLUICE_OK);
  EXPECT_EQ(json::parse(call_.result),
            json::parse(R"({"name":"a.csv","size":3,"done":false,"path":"in/a.csv"})"));
  ASSERT_EQ(detail::export_next_file(&call_, exp, &sink), SLUICE_OK);
  EXPECT_EQ(json::parse(call_.result), json::parse(R"({"name":"b.csv","size":3,"done":true})"));
  EXPECT_EQ(bytes, "abcabc");
  detail::export_close(exp);
  detail::connection_close(conn);
}

}  // namespace
}  // namespace sluice
