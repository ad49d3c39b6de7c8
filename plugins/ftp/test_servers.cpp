#include "test_servers.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>
#include <vector>

namespace sluice::plugins::ftp::test {

namespace fs = std::filesystem;

namespace {

constexpr const char* kAccount = "sluiceftp";
constexpr const char* kAccountPassword = "sluiceftp-pass";
constexpr const char* kInstall =
    "run tools/ftp-servers as root (it installs vsftpd, openssh-server and python3-pyftpdlib "
    "and creates the sluiceftp account)";

bool in_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && *ci != '\0' && std::string(ci) != "false";
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_file(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// Runs `command` through sh, its output (stdout and stderr) into `output`; the exit status.
int run(const std::string& command, std::string& output) {
  output.clear();
  std::FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return -1;
  char buffer[4096];
  size_t got;
  while ((got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, got);
  const int status = ::pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool bindable(uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return ok;
}

// `count` consecutive free loopback ports (the first is the control port, the rest the passive
// range), tried at random places in 20000-59999, at most 200 times.
uint16_t free_ports(int count) {
  std::mt19937 random(std::random_device{}());
  std::uniform_int_distribution<int> base(20000, 59999 - count);
  for (int attempt = 0; attempt < 200; ++attempt) {
    const int first = base(random);
    bool all = true;
    for (int i = 0; i < count && all; ++i) all = bindable(static_cast<uint16_t>(first + i));
    if (all) return static_cast<uint16_t>(first);
  }
  return 0;
}

bool answers(uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return ok;
}

// Starts argv[0] with stdout and stderr appended to `log`. The child gets SIGTERM when the test
// process dies (PR_SET_PDEATHSIG), so a test killed by a timeout leaves no server behind.
pid_t spawn(const std::vector<std::string>& argv, const fs::path& log) {
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid != 0) return pid;
  // The child: only async-signal-safe calls until exec.
  ::prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (::getppid() != parent) ::_exit(127);
  const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  const int in = ::open("/dev/null", O_RDONLY);
  if (out < 0 || in < 0) ::_exit(127);
  ::dup2(in, 0);
  ::dup2(out, 1);
  ::dup2(out, 2);
  ::execv(args[0], args.data());
  ::_exit(127);
}

}  // namespace

std::unique_ptr<TestServer> TestServer::start(Kind kind, ServerUnavailable& why) {
  const bool vsftpd = kind == Kind::kVsftpdFtps || kind == Kind::kVsftpdImplicitFtps;
  const char* binary = vsftpd                ? "/usr/sbin/vsftpd"
                       : kind == Kind::kSshd ? "/usr/sbin/sshd"
                                             : "/usr/bin/python3";
  const auto unavailable = [&](std::string message) {
    why = ServerUnavailable{.skip = false, .message = std::move(message)};
    return nullptr;
  };
  const auto missing = [&](std::string what) -> std::unique_ptr<TestServer> {
    why = ServerUnavailable{.skip = !in_ci(), .message = what + ": " + kInstall};
    return nullptr;
  };
  if (!fs::exists(binary)) return missing(std::string(binary) + " is not installed");
  std::string output;
  if (kind == Kind::kPyftpdlib && run("/usr/bin/python3 -c 'import pyftpdlib'", output) != 0) {
    return missing("Debian's python3-pyftpdlib is not installed");
  }
  std::unique_ptr<TestServer> server(new TestServer());
  server->kind_ = kind;
  const struct passwd* account = ::getpwnam(kAccount);
  if (kind != Kind::kPyftpdlib) {
    if (::geteuid() != 0) {
      return missing("the " + std::string(binary) +
                     " test logs in as a system account, which needs root");
    }
    if (account == nullptr) return missing("the account sluiceftp does not exist");
    server->uid_ = account->pw_uid;
    server->gid_ = account->pw_gid;
    server->username_ = kAccount;
    server->password_ = kAccountPassword;
  } else {
    server->uid_ = ::geteuid();
    server->gid_ = ::getegid();
    server->username_ = "user";
    server->password_ = "secret-pass";
  }
  std::string pattern = (fs::temp_directory_path() / "sluice-ftp-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) return unavailable("mkdtemp failed");
  server->lab_ = pattern;
  fs::permissions(server->lab_, fs::perms::owner_all | fs::perms::group_read |
                                    fs::perms::group_exec | fs::perms::others_read |
                                    fs::perms::others_exec);
  server->root_ = server->lab_ / "root";
  fs::create_directory(server->root_);
  server->give_to_login_user(server->root_);
  const fs::path& lab = server->lab_;
  const fs::path log = lab / "server.log";
  const uint16_t port = free_ports(kind == Kind::kSshd ? 1 : 11);
  if (port == 0) return unavailable("no 11 consecutive free loopback ports found");
  server->port_ = port;
  const std::string passive_first = std::to_string(port + 1);
  const std::string passive_last = std::to_string(port + 10);
  std::vector<std::string> argv;

  if (vsftpd) {
    if (run("openssl req -x509 -newkey rsa:2048 -nodes -keyout '" + (lab / "key.pem").string() +
                "' -out '" + (lab / "cert.pem").string() +
                "' -days 2 -subj /CN=localhost "
                "-addext subjectAltName=DNS:localhost,IP:127.0.0.1",
            output) != 0) {
      return unavailable("openssl could not make the test certificate: " + output);
    }
    server->certificate_pem_ = read_file(lab / "cert.pem");
    fs::create_directories("/var/run/vsftpd/empty");
    write_file(lab / "vsftpd.conf",
               "listen=YES\nlisten_ipv6=NO\nlisten_address=127.0.0.1\nlisten_port=" +
                   std::to_string(port) +
                   "\nbackground=NO\nanonymous_enable=NO\nlocal_enable=YES\nwrite_enable=YES\n"
                   "local_umask=022\npam_service_name=vsftpd\nseccomp_sandbox=NO\n"
                   "secure_chroot_dir=/var/run/vsftpd/empty\npasv_enable=YES\npasv_min_port=" +
                   passive_first + "\npasv_max_port=" + passive_last +
                   "\npasv_address=127.0.0.1\nport_enable=YES\nconnect_from_port_20=NO\n"
                   "ssl_enable=YES\nforce_local_logins_ssl=YES\nforce_local_data_ssl=YES\n"
                   "require_ssl_reuse=YES\nssl_sslv2=NO\nssl_sslv3=NO\nssl_tlsv1=YES\n"
                   "rsa_cert_file=" +
                   (lab / "cert.pem").string() +
                   "\nrsa_private_key_file=" + (lab / "key.pem").string() +
                   "\nxferlog_enable=YES\nvsftpd_log_file=" + (lab / "vsftpd.log").string() +
                   "\nlog_ftp_protocol=YES\nlocal_root=" + server->root_.string() + "\n" +
                   (kind == Kind::kVsftpdImplicitFtps ? "implicit_ssl=YES\n" : ""));
    argv = {binary, (lab / "vsftpd.conf").string()};
  } else if (kind == Kind::kPyftpdlib) {
    argv = {binary,
            "-m",
            "pyftpdlib",
            "-i",
            "127.0.0.1",
            "-p",
            std::to_string(port),
            "-w",
            "-d",
            server->root_.string(),
            "-u",
            server->username_,
            "-P",
            server->password_,
            "-r",
            passive_first + "-" + passive_last};
  } else {
    const std::string host_key = (lab / "hostkey").string();
    const std::string client_key = (lab / "clientkey").string();
    if (run("ssh-keygen -q -t ed25519 -N '' -f '" + host_key + "'", output) != 0 ||
        run("ssh-keygen -q -t ed25519 -N '' -f '" + client_key + "'", output) != 0) {
      return unavailable("ssh-keygen failed: " + output);
    }
    if (run("ssh-keygen -lf '" + host_key + ".pub'", output) != 0) {
      return unavailable("ssh-keygen -lf failed: " + output);
    }
    // "256 SHA256:xxxx comment (ED25519)"
    const size_t start = output.find(' ') + 1;
    server->fingerprint_ = output.substr(start, output.find(' ', start) - start);
    server->client_key_ = read_file(client_key);
    fs::copy_file(client_key + ".pub", lab / "authorized_keys");
    fs::create_directories("/run/sshd");
    write_file(lab / "sshd_config",
               "Port " + std::to_string(port) + "\nListenAddress 127.0.0.1\nHostKey " + host_key +
                   "\nPidFile none\nAuthorizedKeysFile " + (lab / "authorized_keys").string() +
                   "\nPubkeyAuthentication yes\nPasswordAuthentication yes\n"
                   "KbdInteractiveAuthentication no\nUsePAM yes\nPermitRootLogin no\n"
                   "StrictModes no\nSubsystem sftp internal-sftp -l INFO -d " +
                   server->root_.string() + "\nLogLevel VERBOSE\n");
    argv = {binary, "-D", "-e", "-f", (lab / "sshd_config").string()};
  }

  server->pid_ = spawn(argv, log);
  if (server->pid_ < 0) return unavailable("cannot start " + std::string(binary));
  // Ready when the port answers; at most 15 s, and not after the server exited.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  for (int attempt = 0; attempt < 1500; ++attempt) {
    if (answers(port)) return server;
    int status = 0;
    if (::waitpid(server->pid_, &status, WNOHANG) == server->pid_) {
      server->pid_ = -1;
      return unavailable(std::string(binary) + " exited at start; its log:\n" + server->log());
    }
    if (std::chrono::steady_clock::now() > deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return unavailable(std::string(binary) + " did not listen on 127.0.0.1:" + std::to_string(port) +
                     " within 15 s; its log:\n" + server->log());
}

TestServer::~TestServer() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status = 0;
    // vsftpd and sshd end their session processes with the listener.
    for (int attempt = 0; attempt < 500; ++attempt) {
      if (::waitpid(pid_, &status, WNOHANG) == pid_) break;
      if (attempt == 499) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  std::error_code ignored;
  if (!lab_.empty()) fs::remove_all(lab_, ignored);
}

std::string TestServer::log() const {
  std::string text = read_file(lab_ / "server.log");
  if (kind_ == Kind::kVsftpdFtps || kind_ == Kind::kVsftpdImplicitFtps) {
    text += read_file(lab_ / "vsftpd.log");
  }
  return text;
}

void TestServer::give_to_login_user(const fs::path& path) const {
  if (::geteuid() == 0 && uid_ != 0) {
    if (::chown(path.c_str(), uid_, gid_) != 0) {
      // The test then fails where the server cannot write, with the server's reply.
    }
  }
}

}  // namespace sluice::plugins::ftp::test
