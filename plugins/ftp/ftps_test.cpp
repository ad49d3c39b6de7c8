// FTPS against vsftpd with TLS required on control and data and TLS session reuse required
// (require_ssl_reuse=YES): strict certificate verification by default, the CA knob, turning
// verification off, requireSocketReUse, active mode, and plain FTP refused.
#include "test_util.hpp"

namespace sluice::plugins::ftp::test {
namespace {

using Kind = TestServer::Kind;

class Ftps : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(require(Kind::kVsftpdFtps, server_));
    if (IsSkipped()) return;
    folder_ = fresh_folder(*server_, "tls");
    write_file(folder_ / "a.csv", "a,b\n1,2\n");
  }

  json::object doc() { return connection_doc(*server_, Kind::kVsftpdFtps); }
  json::object& ftp(json::object& connection) { return connection["ftp"].as_object(); }

  // Pings, then downloads tls/a.csv; the error of the first step that failed.
  Result<std::string> ping_and_download(const json::object& connection_doc) {
    auto connection = open_connection(connection_doc, &host_);
    if (!connection) return make_error(Status::kInternal, "not opened");
    Context context = host_.context();
    if (auto pinged = connection->ping(context); !pinged) return pinged.error();
    auto session = connection->session();
    if (!session) return session.error();
    std::string bytes;
    auto downloaded = (*session)->download("tls/a.csv", [&](std::string_view chunk) {
      bytes.append(chunk);
      return Result<void>();
    });
    if (!downloaded) return downloaded.error();
    return bytes;
  }

  TestServer* server_ = nullptr;
  fs::path folder_;
  RecordedHost host_;
};

TEST_F(Ftps, TheServersCertificateTrustedThroughTheCaSettingPasses) {
  auto bytes = ping_and_download(doc());
  ASSERT_TRUE(bytes) << bytes.error().message << "\n" << server_->log();
  EXPECT_EQ(*bytes, "a,b\n1,2\n");
}

TEST_F(Ftps, ASelfSignedCertificateIsRefusedByDefault) {
  auto connection = doc();
  ftp(connection).erase("clientCertificates");
  auto bytes = ping_and_download(connection);
  ASSERT_FALSE(bytes);
  EXPECT_EQ(bytes.error().status, Status::kRemoteError);
  const std::string& message = bytes.error().message;
  EXPECT_TRUE(message.starts_with("ftps://127.0.0.1:" + std::to_string(server_->port()) +
                                  ": the server's TLS certificate was not accepted: "))
      << message;
  EXPECT_NE(message.find("self-signed certificate"), std::string::npos) << message;
  EXPECT_NE(message.find("set ftp.clientCertificates.ca to that CA's certificate (PEM), or set "
                         "ftp.enableHostVerification to false to accept any certificate"),
            std::string::npos)
      << message;
}

TEST_F(Ftps, HostVerificationOffAcceptsAnyCertificateAndWarns) {
  auto connection = doc();
  ftp(connection).erase("clientCertificates");
  ftp(connection)["enableHostVerification"] = false;
  auto bytes = ping_and_download(connection);
  ASSERT_TRUE(bytes) << bytes.error().message;
  EXPECT_EQ(*bytes, "a,b\n1,2\n");
  ASSERT_EQ(host_.warnings.size(), 1u);
  EXPECT_EQ(host_.warnings[0],
            "ftp.enableHostVerification is false: the server's TLS certificate is not verified, "
            "so anyone between Sluice and 127.0.0.1 can read and change the files; for tests "
            "only");
}

// vsftpd refuses ("522 SSL connection failed: session reuse required") a data connection that
// does not resume the control connection's session; with requireSocketReUse the client checks
// it too. Several transfers on one control connection each resume it.
TEST_F(Ftps, EveryDataConnectionResumesTheControlConnectionsTlsSession) {
  auto connection_doc = doc();
  ftp(connection_doc)["requireSocketReUse"] = true;
  auto connection = open_connection(connection_doc, &host_);
  ASSERT_NE(connection, nullptr);
  auto session = connection->session();
  ASSERT_TRUE(session) << session.error().message;
  for (int i = 0; i < 5; ++i) {
    std::string bytes;
    auto downloaded = (*session)->download("tls/a.csv", [&](std::string_view chunk) {
      bytes.append(chunk);
      return Result<void>();
    });
    ASSERT_TRUE(downloaded) << "transfer " << i << ": " << downloaded.error().message << "\n"
                            << server_->log();
    EXPECT_EQ(bytes, "a,b\n1,2\n");
  }
}

TEST_F(Ftps, ActiveModeTransfersToo) {
  auto connection = doc();
  ftp(connection)["usePassiveMode"] = false;
  auto bytes = ping_and_download(connection);
  ASSERT_TRUE(bytes) << bytes.error().message << "\n" << server_->log();
  EXPECT_EQ(*bytes, "a,b\n1,2\n");
}

TEST_F(Ftps, PlainFtpIsRefusedByAServerThatRequiresTls) {
  auto connection = doc();
  ftp(connection)["type"] = "ftp";
  ftp(connection).erase("clientCertificates");
  auto bytes = ping_and_download(connection);
  ASSERT_FALSE(bytes);
  EXPECT_EQ(bytes.error().status, Status::kAuthFailed);
  EXPECT_NE(bytes.error().message.find("530 Non-anonymous sessions must use encryption."),
            std::string::npos)
      << bytes.error().message;
}

TEST(ImplicitFtps, TlsFromTheFirstByteLogsInAndTransfers) {
  TestServer* server = nullptr;
  ASSERT_NO_FATAL_FAILURE(require(Kind::kVsftpdImplicitFtps, server));
  if (::testing::Test::IsSkipped()) return;
  const fs::path folder = fresh_folder(*server, "implicit");
  write_file(folder / "a.csv", "implicit\n");
  auto connection = open_connection(connection_doc(*server, Kind::kVsftpdImplicitFtps));
  ASSERT_NE(connection, nullptr);
  auto session = connection->session();
  ASSERT_TRUE(session) << session.error().message << "\n" << server->log();
  std::string bytes;
  auto downloaded = (*session)->download("implicit/a.csv", [&](std::string_view chunk) {
    bytes.append(chunk);
    return Result<void>();
  });
  ASSERT_TRUE(downloaded) << downloaded.error().message;
  EXPECT_EQ(bytes, "implicit\n");
}

}  // namespace
}  // namespace sluice::plugins::ftp::test
