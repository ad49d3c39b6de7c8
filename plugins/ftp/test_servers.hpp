// Real file servers for the FTP plugin's tests, each started on free loopback ports in a
// temporary folder of its own and stopped (SIGTERM, then waited for) when the object goes:
//  - vsftpd with explicit FTPS required on control and data (force_local_*_ssl), TLS session
//    reuse required (require_ssl_reuse=YES, vsftpd's default) and a self-signed certificate for
//    localhost/127.0.0.1 made with openssl; local user sluiceftp (PAM), as root; the same with
//    implicit FTPS (implicit_ssl=YES: TLS from the first byte);
//  - pyftpdlib (Debian's /usr/bin/python3) for plain FTP, a virtual user;
//  - OpenSSH's sshd for SFTP (internal-sftp, starting in the server's folder) with password
//    and public key authentication for sluiceftp, its own ed25519 host key, and that key's
//    fingerprint as `ssh-keygen -lf` prints it.
// /work/shared/reference/as2-ftp.md §5 has the configurations. tools/ftp-servers installs the
// packages and creates the account. A server that does not come up fails the test with its log
// (ServerUnavailable::log); only where a package or the account is missing and CI is not set
// does ServerUnavailable::skip say what to install (the tests then GTEST_SKIP with it).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

namespace sluice::plugins::ftp::test {

// Why a server is not there: `skip` (a developer machine without the package or the account:
// what to run) or a failure with the server's log.
struct ServerUnavailable {
  bool skip = false;
  std::string message;
};

class TestServer {
 public:
  enum class Kind { kVsftpdFtps, kPyftpdlib, kSshd, kVsftpdImplicitFtps };
  // Starts one; on failure returns null and fills `why`.
  static std::unique_ptr<TestServer> start(Kind kind, ServerUnavailable& why);
  ~TestServer();
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  uint16_t port() const noexcept { return port_; }
  // The folder the login starts in, on this machine's disk: tests put files here and look here.
  const std::filesystem::path& root() const noexcept { return root_; }
  const std::string& username() const noexcept { return username_; }
  const std::string& password() const noexcept { return password_; }
  // vsftpd: the server's certificate (PEM), to trust with ftp.clientCertificates.ca.
  const std::string& certificate_pem() const noexcept { return certificate_pem_; }
  // sshd: the host key's fingerprint ("SHA256:...", from ssh-keygen -lf) and a private key the
  // server accepts for username() (OpenSSH format).
  const std::string& host_key_fingerprint() const noexcept { return fingerprint_; }
  const std::string& client_key() const noexcept { return client_key_; }
  // The server's log so far (its stderr and, for vsftpd, its protocol log).
  std::string log() const;
  // Makes `path` (created under root() by the test, as root) the login user's, as the server
  // writes as that user.
  void give_to_login_user(const std::filesystem::path& path) const;

 private:
  TestServer() = default;
  Kind kind_ = Kind::kPyftpdlib;
  std::filesystem::path lab_;  // config, keys and logs; removed at the end
  std::filesystem::path root_;
  uint16_t port_ = 0;
  pid_t pid_ = -1;
  std::string username_, password_, certificate_pem_, fingerprint_, client_key_;
  uid_t uid_ = 0;
  gid_t gid_ = 0;
};

}  // namespace sluice::plugins::ftp::test
