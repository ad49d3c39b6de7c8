#include "config.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace sluice::plugins::ftp {
namespace {

namespace json = boost::json;

Result<FtpConfig> read(std::string_view ftp) {
  return read_config(json::object{{"type", "ftp"}, {"ftp", json::parse(ftp)}});
}

std::string refusal(std::string_view ftp) {
  auto config = read(ftp);
  if (config) return "accepted";
  EXPECT_EQ(config.error().status, Status::kInvalidConfig);
  return config.error().message;
}

TEST(FtpConfig, PortsDefaultByProtocol) {
  auto ftp = read(R"({"type":"ftp","hostURI":"h","username":"u","password":"p"})");
  auto ftps = read(R"({"type":"ftps","hostURI":"h","username":"u","password":"p"})");
  auto implicit =
      read(R"({"type":"ftps","hostURI":"h","username":"u","password":"p","useImplicitFtps":true})");
  auto sftp = read(R"({"type":"sftp","hostURI":"h","username":"u","password":"p"})");
  auto set = read(R"({"type":"sftp","hostURI":"h","username":"u","password":"p","port":2222})");
  ASSERT_TRUE(ftp && ftps && implicit && sftp && set);
  EXPECT_EQ(ftp->port, 21);
  EXPECT_EQ(ftps->port, 21);
  EXPECT_EQ(implicit->port, 990);
  EXPECT_TRUE(implicit->implicit_ftps);
  EXPECT_EQ(sftp->port, 22);
  EXPECT_EQ(set->port, 2222);
  EXPECT_TRUE(ftp->passive);
  EXPECT_TRUE(ftp->verify_host);
  EXPECT_FALSE(ftp->user_directory_is_root);
}

TEST(FtpConfig, WrongSettingsAreRefusedNamingThem) {
  EXPECT_EQ(refusal(R"({"type":"ftp","hostURI":"ftp://h","username":"u","password":"p"})"),
            "ftp.hostURI must be a host name, not a URL: set 'ftp.example.com', not 'ftp://h'");
  EXPECT_EQ(refusal(R"({"type":"ftps","hostURI":"h","username":"u"})"),
            "ftp.password is required for ftps");
  EXPECT_EQ(refusal(R"({"type":"sftp","hostURI":"h","username":"u"})"),
            "ftp.password or ftp.authKey is required for sftp: set one of them");
  EXPECT_EQ(refusal(R"({"type":"ftp","hostURI":"h","username":"u","password":"p","authKey":"k"})"),
            "ftp.authKey applies to ftp.type sftp only, not ftp: remove it and set ftp.password");
  EXPECT_EQ(
      refusal(
          R"({"type":"sftp","hostURI":"h","username":"u","password":"p","useImplicitFtps":true})"),
      "ftp.useImplicitFtps applies to ftp.type ftps only, not sftp: remove it or set "
      "ftp.type to ftps");
  EXPECT_EQ(
      refusal(
          R"({"type":"sftp","hostURI":"h","username":"u","password":"p","hostKeyFingerprint":"ab:cd"})"),
      "ftp.hostKeyFingerprint must be a SHA256 fingerprint as `ssh-keygen -lf` prints it "
      "(SHA256:...), got 'ab:cd'");
  EXPECT_EQ(
      refusal(R"({"type":"ftp","hostURI":"h","username":"u","password":"p","entryParser":"VMS"})"),
      "ftp.entryParser must be one of UNIX, UNIX-TRIM, WINDOWS, got 'VMS'");
  EXPECT_NE(
      refusal(R"({"type":"ftp","hostURI":"h","username":"u","password":"p","concurrencyLevel":2})")
          .find("ftp.concurrencyLevel"),
      std::string::npos);
}

TEST(FtpConfig, UserDirectoryIsRootPutsEveryPathUnderTheLoginFolder) {
  FtpConfig config;
  EXPECT_EQ(resolve_path(config, "/home/u", "/in/"), "/in");
  EXPECT_EQ(resolve_path(config, "/home/u", "in"), "in");
  EXPECT_EQ(resolve_path(config, "/home/u", ""), ".");
  EXPECT_EQ(resolve_path(config, "/home/u", "/"), "/");
  config.user_directory_is_root = true;
  EXPECT_EQ(resolve_path(config, "/home/u", "/in/"), "/home/u/in");
  EXPECT_EQ(resolve_path(config, "/home/u", "in"), "/home/u/in");
  EXPECT_EQ(resolve_path(config, "/", "/in"), "/in");
  EXPECT_EQ(resolve_path(config, "/home/u", "/"), "/home/u");
}

}  // namespace
}  // namespace sluice::plugins::ftp
