// SFTP against OpenSSH's sshd: the pinned host key (as `ssh-keygen -lf` prints it) is checked
// before any credential is sent, a wrong pin is refused naming both fingerprints, and the
// login works with a key alone as with a password.
#include "test_util.hpp"

namespace sluice::plugins::ftp::test {
namespace {

using Kind = TestServer::Kind;

class Sftp : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(require(Kind::kSshd, server_));
    if (IsSkipped()) return;
  }
  json::object doc() { return connection_doc(*server_, Kind::kSshd); }
  json::object& ftp(json::object& connection) { return connection["ftp"].as_object(); }
  Result<void> ping(const json::object& connection_doc) {
    auto connection = open_connection(connection_doc, &host_);
    if (!connection) return make_error(Status::kInternal, "not opened");
    Context context = host_.context();
    return connection->ping(context);
  }
  std::string where() const { return "sftp://127.0.0.1:" + std::to_string(server_->port()); }

  TestServer* server_ = nullptr;
  RecordedHost host_;
};

TEST_F(Sftp, TheFixtureFingerprintIsTheOneSshKeygenPrints) {
  EXPECT_TRUE(server_->host_key_fingerprint().starts_with("SHA256:"));
  EXPECT_EQ(server_->host_key_fingerprint().size(), 7u + 43u);  // 32 bytes, unpadded base64
}

TEST_F(Sftp, APrivateKeyAloneLogsIn) {
  auto connection = doc();
  ftp(connection).erase("password");
  ftp(connection)["authKey"] = server_->client_key();
  auto pinged = ping(connection);
  ASSERT_TRUE(pinged) << pinged.error().message << "\n" << server_->log();
  EXPECT_NE(server_->log().find("Accepted publickey for sluiceftp"), std::string::npos);
}

TEST_F(Sftp, APasswordLogsIn) {
  auto pinged = ping(doc());
  ASSERT_TRUE(pinged) << pinged.error().message << "\n" << server_->log();
  EXPECT_NE(server_->log().find("Accepted password for sluiceftp"), std::string::npos);
}

TEST_F(Sftp, AWrongPinIsRefusedNamingBothFingerprints) {
  auto connection = doc();
  const std::string wrong = "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
  ftp(connection)["hostKeyFingerprint"] = wrong;
  auto pinged = ping(connection);
  ASSERT_FALSE(pinged);
  EXPECT_EQ(pinged.error().status, Status::kRemoteError);
  EXPECT_EQ(pinged.error().message,
            where() + ": the server's host key is " + server_->host_key_fingerprint() +
                ", not the pinned ftp.hostKeyFingerprint " + wrong +
                ": the server is not the one configured (or its key changed); connection "
                "refused");
}

TEST_F(Sftp, NoPinWithHostVerificationNamesTheServersFingerprint) {
  auto connection = doc();
  ftp(connection).erase("hostKeyFingerprint");
  auto pinged = ping(connection);
  ASSERT_FALSE(pinged);
  EXPECT_EQ(pinged.error().status, Status::kInvalidConfig);
  EXPECT_NE(pinged.error().message.find(
                "ftp.hostKeyFingerprint is required with ftp.enableHostVerification: the "
                "server's host key is " +
                server_->host_key_fingerprint()),
            std::string::npos)
      << pinged.error().message;
}

TEST_F(Sftp, HostVerificationOffAcceptsAnyKeyAndWarns) {
  auto connection = doc();
  ftp(connection).erase("hostKeyFingerprint");
  ftp(connection)["enableHostVerification"] = false;
  auto pinged = ping(connection);
  ASSERT_TRUE(pinged) << pinged.error().message;
  ASSERT_EQ(host_.warnings.size(), 1u);
  EXPECT_TRUE(host_.warnings[0].starts_with(
      "ftp.enableHostVerification is false: the server's host key is not verified"));
}

// The client key is authorised for sluiceftp only.
TEST_F(Sftp, AKeyTheServerDoesNotAcceptForTheUserIsRefusedAsAuthFailed) {
  auto connection = doc();
  ftp(connection).erase("password");
  ftp(connection)["authKey"] = server_->client_key();
  ftp(connection)["username"] = "nobody-here";
  auto pinged = ping(connection);
  ASSERT_FALSE(pinged);
  EXPECT_EQ(pinged.error().status, Status::kAuthFailed);
  EXPECT_NE(pinged.error().message.find("the login as 'nobody-here' was refused with "
                                        "ftp.authKey"),
            std::string::npos)
      << pinged.error().message;
}

TEST_F(Sftp, AKeyThatIsNotAKeyIsAConfigurationError) {
  auto connection = doc();
  ftp(connection)["authKey"] = "not a key";
  auto pinged = ping(connection);
  ASSERT_FALSE(pinged);
  EXPECT_EQ(pinged.error().status, Status::kInvalidConfig);
  EXPECT_EQ(pinged.error().message,
            "ftp.authKey is not a private key libssh can read (OpenSSH or PEM), or it is "
            "encrypted: set ftp.authKeyPassphrase");
}

}  // namespace
}  // namespace sluice::plugins::ftp::test
