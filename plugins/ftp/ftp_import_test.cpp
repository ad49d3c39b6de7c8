// The import side of the file protocol (docs/ftp.md, "How files cross") against each real
// server: the file lands under ftp.fileName with the exact bytes, goes up under
// ftp.inProgressFileName first (seen with inotify on the server's folder), is copied to the
// backup folder, and a refused upload is a failed result carrying the server's reply.
#include <sys/inotify.h>
#include <unistd.h>

#include "test_util.hpp"

namespace sluice::plugins::ftp::test {
namespace {

using Kind = TestServer::Kind;

class FtpImport : public ::testing::TestWithParam<Kind> {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(require(GetParam(), server_));
    if (IsSkipped()) return;
    folder_ = fresh_folder(*server_, "out");
    connection_ = open_connection(connection_doc(*server_, GetParam()));
    ASSERT_NE(connection_, nullptr);
  }

  std::unique_ptr<FtpImportWriter> writer(std::string_view ftp) {
    json::object doc{
        {"_id", "orders-out"}, {"adaptorType", "FTPImport"}, {"_connectionId", "files"}};
    doc["ftp"] = json::parse(ftp);
    Context context = host_.context();
    auto opened = FtpImportWriter::open(context, *connection_, doc);
    if (!opened) ADD_FAILURE() << opened.error().message;
    return opened ? std::move(*opened) : nullptr;
  }

  Result<RecordResult> put(FtpImportWriter& writer, StringSource& source,
                           std::string_view meta = R"({"records":2,"page":0,"extension":"csv"})") {
    ByteSource bytes(&source.raw);
    Context context = host_.context();
    return writer.put_file(context, object(meta), bytes);
  }

  TestServer* server_ = nullptr;
  fs::path folder_;
  RecordedHost host_;
  std::unique_ptr<FtpConnection> connection_;
};

TEST_P(FtpImport, TheFileLandsUnderTheRenderedNameWithTheExactBytes) {
  auto import_writer = writer(R"({"directoryPath": "out",
      "fileName": "orders-{{page}}-{{records}}.{{extension}}"})");
  ASSERT_NE(import_writer, nullptr);
  StringSource source;
  for (int i = 0; i < 300000; ++i) source.bytes += static_cast<char>(i * 13 % 256);
  auto result = put(*import_writer, source);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_TRUE(result->ok()) << (result->errors.empty() ? "" : result->errors[0].message);
  EXPECT_EQ(result->status_code, 200);
  EXPECT_EQ(result->id, json::value("out/orders-0-2.csv"));
  EXPECT_EQ(read_file(folder_ / "orders-0-2.csv"), source.bytes);
}

TEST_P(FtpImport, TimestampRendersTheCurrentTimeIntoTheName) {
  auto import_writer = writer(R"({"directoryPath": "out",
      "fileName": "items-{{timestamp \"YYYY\"}}.csv"})");
  ASSERT_NE(import_writer, nullptr);
  StringSource source{.bytes = "a\n"};
  auto result = put(*import_writer, source);
  ASSERT_TRUE(result) << result.error().message;
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  ::gmtime_r(&now, &utc);
  const std::string expected = "items-" + std::to_string(utc.tm_year + 1900) + ".csv";
  EXPECT_EQ(result->id, json::value("out/" + expected));
  EXPECT_TRUE(fs::exists(folder_ / expected));
}

// inotify on the server's folder sees the file created and written under the in-progress
// name, then renamed: moved from that name to the final one (FTP's RNFR/RNTO), or linked under
// the final name and unlinked (OpenSSH's sftp-server renames with link+unlink). The final name
// is never written itself.
TEST_P(FtpImport, AnInProgressNameIsUploadedFirstThenRenamed) {
  const int watch = ::inotify_init1(IN_NONBLOCK);
  ASSERT_GE(watch, 0);
  ASSERT_GE(
      ::inotify_add_watch(watch, folder_.c_str(),
                          IN_CREATE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE | IN_CLOSE_WRITE),
      0);
  auto import_writer = writer(R"({"directoryPath": "out", "fileName": "orders.csv",
      "inProgressFileName": "orders.csv.inprogress"})");
  ASSERT_NE(import_writer, nullptr);
  StringSource source{.bytes = "id\n1\n"};
  auto result = put(*import_writer, source);
  ASSERT_TRUE(result) << result.error().message;
  ASSERT_TRUE(result->ok()) << result->errors[0].message;
  std::vector<std::string> events;
  alignas(inotify_event) char buffer[8192];
  for (ssize_t got; (got = ::read(watch, buffer, sizeof buffer)) > 0;) {
    for (char* at = buffer; at < buffer + got;) {
      const auto* event = reinterpret_cast<const inotify_event*>(at);
      const std::string what = (event->mask & IN_CREATE)       ? "create "
                               : (event->mask & IN_MOVED_FROM) ? "moved from "
                               : (event->mask & IN_MOVED_TO)   ? "moved to "
                               : (event->mask & IN_DELETE)     ? "delete "
                                                               : "written ";
      events.push_back(what + (event->len > 0 ? std::string(event->name) : ""));
      at += sizeof(inotify_event) + event->len;
    }
  }
  ::close(watch);
  if (GetParam() == Kind::kSshd) {
    EXPECT_EQ(events, (std::vector<std::string>{
                          "create orders.csv.inprogress", "written orders.csv.inprogress",
                          "create orders.csv", "delete orders.csv.inprogress"}));
  } else {
    EXPECT_EQ(events, (std::vector<std::string>{
                          "create orders.csv.inprogress", "written orders.csv.inprogress",
                          "moved from orders.csv.inprogress", "moved to orders.csv"}));
  }
  EXPECT_EQ(read_file(folder_ / "orders.csv"), "id\n1\n");
  EXPECT_FALSE(fs::exists(folder_ / "orders.csv.inprogress"));
  EXPECT_EQ(host_.lines.back(),
            "info wrote out/orders.csv (5 bytes, uploaded as out/orders.csv.inprogress)");
}

TEST_P(FtpImport, ABackupFolderGetsACopyOfTheFile) {
  fs::create_directory(folder_ / "sent");
  server_->give_to_login_user(folder_ / "sent");
  auto import_writer =
      writer(R"({"directoryPath": "out", "fileName": "a.csv", "backupDirectoryPath": "out/sent"})");
  ASSERT_NE(import_writer, nullptr);
  StringSource source{.bytes = "x,y\n1,2\n"};
  auto result = put(*import_writer, source);
  ASSERT_TRUE(result) << result.error().message;
  ASSERT_TRUE(result->ok()) << result->errors[0].message;
  EXPECT_EQ(read_file(folder_ / "a.csv"), "x,y\n1,2\n");
  EXPECT_EQ(read_file(folder_ / "sent" / "a.csv"), "x,y\n1,2\n");
}

TEST_P(FtpImport, AnUploadTheServerRefusesFailsTheFileWithTheServersReply) {
  auto import_writer = writer(R"({"directoryPath": "out/missing", "fileName": "a.csv"})");
  ASSERT_NE(import_writer, nullptr);
  StringSource source{.bytes = "x\n"};
  auto result = put(*import_writer, source);
  ASSERT_TRUE(result) << result.error().message;
  ASSERT_FALSE(result->ok());
  EXPECT_EQ(result->status_code, 502);
  ASSERT_EQ(result->errors.size(), 1u);
  EXPECT_EQ(result->errors[0].code, "ftp_upload");
  const std::string& message = result->errors[0].message;
  EXPECT_NE(message.find(": uploading out/missing/a.csv: "), std::string::npos) << message;
  // The server's own reply.
  const std::string reply = GetParam() == Kind::kSshd        ? "no such file (SSH_FX 2)"
                            : GetParam() == Kind::kPyftpdlib ? "STOR command failed: 550 "
                                                             : "STOR command failed: 553 Could "
                                                               "not create file.";
  EXPECT_NE(message.find(reply), std::string::npos) << message;
  // The connection is still usable after a refusal.
  auto retry = writer(R"({"directoryPath": "out", "fileName": "b.csv"})");
  StringSource again{.bytes = "y\n"};
  auto second = put(*retry, again);
  ASSERT_TRUE(second);
  EXPECT_TRUE(second->ok()) << second->errors[0].message;
  EXPECT_EQ(read_file(folder_ / "b.csv"), "y\n");
}

TEST_P(FtpImport, AFileNameWithAFolderIsRefused) {
  auto import_writer = writer(R"({"directoryPath": "out", "fileName": "../x.csv"})");
  ASSERT_NE(import_writer, nullptr);
  StringSource source{.bytes = "x\n"};
  auto result = put(*import_writer, source);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message,
            "ftp.fileName rendered '../x.csv', which holds a '/': a file name has no folders "
            "(set the folder in ftp.directoryPath)");
}

// 50 MB generated chunk by chunk goes up intact (same size and SHA-256 on the server's disk).
TEST_P(FtpImport, ABigFileStreamsUpFromTheSource) {
  auto import_writer = writer(R"({"directoryPath": "out", "fileName": "big.csv"})");
  ASSERT_NE(import_writer, nullptr);
  constexpr size_t kSize = 50u << 20;
  size_t produced = 0;
  Sha256 sent;
  StringSource source;
  source.generate = [&](char* buffer, size_t capacity) {
    const size_t n = std::min(capacity, kSize - produced);
    for (size_t i = 0; i < n; ++i) buffer[i] = static_cast<char>('a' + (produced + i) % 26);
    sent.update(std::string_view(buffer, n));
    produced += n;
    return n;
  };
  auto result = put(*import_writer, source);
  ASSERT_TRUE(result) << result.error().message;
  ASSERT_TRUE(result->ok()) << result->errors[0].message;
  ASSERT_EQ(fs::file_size(folder_ / "big.csv"), kSize);
  Sha256 received;
  std::ifstream in(folder_ / "big.csv", std::ios::binary);
  std::vector<char> buffer(1 << 20);
  while (in.read(buffer.data(), buffer.size()) || in.gcount() > 0) {
    received.update(std::string_view(buffer.data(), static_cast<size_t>(in.gcount())));
  }
  EXPECT_EQ(received.hex(), sent.hex());
}

INSTANTIATE_TEST_SUITE_P(Servers, FtpImport,
                         ::testing::Values(Kind::kPyftpdlib, Kind::kVsftpdFtps, Kind::kSshd),
                         [](const auto& info) { return kind_name(info.param); });

}  // namespace
}  // namespace sluice::plugins::ftp::test
