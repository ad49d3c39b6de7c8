// SFTP (the SSH file transfer protocol, version 3 as OpenSSH serves it) over libssh 0.10.
#include <fcntl.h>

#include <array>
#include <memory>

#include <libssh/libssh.h>
#include <libssh/sftp.h>

#include "sessions.hpp"

namespace sluice::plugins::ftp {

namespace {

constexpr long kTimeoutSeconds = 30;

struct SshFree {
  void operator()(ssh_session s) const noexcept {
    ssh_disconnect(s);
    ssh_free(s);
  }
};
struct SftpFree {
  void operator()(sftp_session s) const noexcept { sftp_free(s); }
};
struct KeyFree {
  void operator()(ssh_key k) const noexcept { ssh_key_free(k); }
};
struct FileClose {
  void operator()(sftp_file f) const noexcept { sftp_close(f); }
};
struct DirClose {
  void operator()(sftp_dir d) const noexcept { sftp_closedir(d); }
};
struct AttributesFree {
  void operator()(sftp_attributes a) const noexcept { sftp_attributes_free(a); }
};

// The SHA256 fingerprint of `key` as `ssh-keygen -lf` prints it: "SHA256:" and unpadded base64.
std::string fingerprint_of(ssh_key key) {
  unsigned char* hash = nullptr;
  size_t length = 0;
  if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &length) != SSH_OK) return {};
  char* text = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, length);
  ssh_clean_pubkey_hash(&hash);
  if (text == nullptr) return {};
  std::string fingerprint(text);
  ssh_string_free_char(text);
  return fingerprint;
}

// What an SFTP status code means (draft-ietf-secsh-filexfer-02's names).
const char* sftp_status_text(int code) {
  switch (code) {
    case SSH_FX_EOF:
      return "end of file";
    case SSH_FX_NO_SUCH_FILE:
      return "no such file";
    case SSH_FX_PERMISSION_DENIED:
      return "permission denied";
    case SSH_FX_FAILURE:
      return "failure";
    case SSH_FX_BAD_MESSAGE:
      return "bad message";
    case SSH_FX_NO_CONNECTION:
      return "no connection";
    case SSH_FX_CONNECTION_LOST:
      return "connection lost";
    case SSH_FX_OP_UNSUPPORTED:
      return "operation unsupported";
    case SSH_FX_INVALID_HANDLE:
      return "invalid handle";
    case SSH_FX_NO_SUCH_PATH:
      return "no such path";
    case SSH_FX_FILE_ALREADY_EXISTS:
      return "file already exists";
    case SSH_FX_WRITE_PROTECT:
      return "write protected";
    case SSH_FX_NO_MEDIA:
      return "no media";
    default:
      return "error";
  }
}

class SftpSession final : public RemoteSession {
 public:
  explicit SftpSession(FtpConfig config) : config_(std::move(config)) {}

  Result<void> connect() {
    ssh_.reset(ssh_new());
    if (!ssh_) return make_error(Status::kInternal, "libssh: out of memory");
    ssh_session s = ssh_.get();
    const unsigned int port = config_.port;
    const long timeout = kTimeoutSeconds;
    const int no = 0;
    ssh_options_set(s, SSH_OPTIONS_HOST, config_.host.c_str());
    ssh_options_set(s, SSH_OPTIONS_PORT, &port);
    ssh_options_set(s, SSH_OPTIONS_USER, config_.username.c_str());
    ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &timeout);
    // Without it each SFTP write waits on Nagle and the peer's delayed ACK (~40 ms a chunk).
    const int yes = 1;
    ssh_options_set(s, SSH_OPTIONS_NODELAY, &yes);
    // Nothing from ~/.ssh: the connection's settings alone decide.
    ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &no);
    ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, "/dev/null");
    ssh_options_set(s, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null");
    if (ssh_connect(s) != SSH_OK) {
      broken_ = true;
      return make_error(Status::kTransient,
                        where() + ": cannot connect: " + std::string(ssh_get_error(s)));
    }
    if (auto verified = verify_host_key(); !verified) return verified.error();
    if (auto authenticated = authenticate(); !authenticated) return authenticated.error();
    sftp_.reset(sftp_new(s));
    if (!sftp_ || sftp_init(sftp_.get()) != SSH_OK) {
      return make_error(
          Status::kRemoteError,
          where() + ": the server refused the sftp subsystem: " + std::string(ssh_get_error(s)));
    }
    char* home = sftp_canonicalize_path(sftp_.get(), ".");
    if (home != nullptr) {
      home_ = home;
      ssh_string_free_char(home);
    }
    return {};
  }

  const std::string& home() const override { return home_; }

  Result<std::vector<RemoteEntry>> list(const std::string& directory) override {
    std::unique_ptr<sftp_dir_struct, DirClose> dir(sftp_opendir(sftp_.get(), directory.c_str()));
    if (!dir) return failure("listing " + directory);
    std::vector<RemoteEntry> entries;
    for (;;) {
      std::unique_ptr<sftp_attributes_struct, AttributesFree> attributes(
          sftp_readdir(sftp_.get(), dir.get()));
      if (!attributes) break;
      const std::string name = attributes->name != nullptr ? attributes->name : "";
      if (name.empty() || name == "." || name == "..") continue;
      RemoteEntry entry;
      entry.name = name;
      entry.is_directory = attributes->type == SSH_FILEXFER_TYPE_DIRECTORY;
      if ((attributes->flags & SSH_FILEXFER_ATTR_SIZE) != 0) entry.size = attributes->size;
      entries.push_back(std::move(entry));
    }
    if (!sftp_dir_eof(dir.get())) return failure("listing " + directory);
    return entries;
  }

  Result<void> download(const std::string& path, const ChunkWriter& write) override {
    std::unique_ptr<sftp_file_struct, FileClose> file(
        sftp_open(sftp_.get(), path.c_str(), O_RDONLY, 0));
    if (!file) return failure("downloading " + path);
    std::array<char, kChunkSize> buffer;
    for (;;) {
      const ssize_t got = sftp_read(file.get(), buffer.data(), buffer.size());
      if (got < 0) return failure("downloading " + path);
      if (got == 0) return {};
      if (auto written = write(std::string_view(buffer.data(), static_cast<size_t>(got)));
          !written) {
        return written.error();
      }
    }
  }

  Result<void> upload(const std::string& path, const ChunkReader& read) override {
    std::unique_ptr<sftp_file_struct, FileClose> file(
        sftp_open(sftp_.get(), path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644));
    if (!file) return failure("uploading " + path);
    std::array<char, kChunkSize> buffer;
    for (;;) {
      auto got = read(buffer.data(), buffer.size());
      if (!got) return got.error();
      if (*got == 0) break;
      size_t done = 0;
      while (done < *got) {
        const ssize_t wrote = sftp_write(file.get(), buffer.data() + done, *got - done);
        if (wrote <= 0) return failure("uploading " + path);
        done += static_cast<size_t>(wrote);
      }
    }
    if (sftp_close(file.release()) != SSH_OK) return failure("uploading " + path);
    return {};
  }

  Result<void> rename(const std::string& from, const std::string& to) override {
    if (sftp_rename(sftp_.get(), from.c_str(), to.c_str()) == SSH_OK) return {};
    // SFTP v3 renames only onto a free name (libssh uses posix-rename where the server offers
    // it); replace the target by hand otherwise.
    const int code = sftp_get_error(sftp_.get());
    if (code == SSH_FX_FAILURE || code == SSH_FX_FILE_ALREADY_EXISTS) {
      if (sftp_unlink(sftp_.get(), to.c_str()) == SSH_OK &&
          sftp_rename(sftp_.get(), from.c_str(), to.c_str()) == SSH_OK) {
        return {};
      }
    }
    return failure("renaming " + from + " to " + to);
  }

  Result<void> remove(const std::string& path) override {
    if (sftp_unlink(sftp_.get(), path.c_str()) == SSH_OK) return {};
    return failure("deleting " + path);
  }

  bool broken() const noexcept override {
    return broken_ || !ssh_ || ssh_is_connected(ssh_.get()) == 0;
  }

 private:
  std::string where() const {
    return "sftp://" + config_.host + ":" + std::to_string(config_.port);
  }

  Result<void> verify_host_key() {
    ssh_key raw = nullptr;
    if (ssh_get_server_publickey(ssh_.get(), &raw) != SSH_OK) {
      return make_error(Status::kRemoteError, where() + ": the server sent no host key");
    }
    std::unique_ptr<ssh_key_struct, KeyFree> key(raw);
    const std::string found = fingerprint_of(key.get());
    if (!config_.verify_host) return {};
    if (config_.host_key_fingerprint.empty()) {
      return make_error(Status::kInvalidConfig,
                        where() +
                            ": ftp.hostKeyFingerprint is required with "
                            "ftp.enableHostVerification: the server's host key is " +
                            found +
                            "; check it with the server's administrator (ssh-keygen -lf on "
                            "its public host key) and set it");
    }
    if (found != config_.host_key_fingerprint) {
      return make_error(Status::kRemoteError,
                        where() + ": the server's host key is " + found +
                            ", not the pinned ftp.hostKeyFingerprint " +
                            config_.host_key_fingerprint +
                            ": the server is not the one configured (or its key changed); "
                            "connection refused");
    }
    return {};
  }

  Result<void> authenticate() {
    ssh_session s = ssh_.get();
    std::string tried;
    if (!config_.auth_key.empty()) {
      ssh_key raw = nullptr;
      const char* passphrase =
          config_.auth_key_passphrase.empty() ? nullptr : config_.auth_key_passphrase.c_str();
      if (ssh_pki_import_privkey_base64(config_.auth_key.c_str(), passphrase, nullptr, nullptr,
                                        &raw) != SSH_OK) {
        return make_error(Status::kInvalidConfig,
                          "ftp.authKey is not a private key libssh can read (OpenSSH or PEM)" +
                              std::string(passphrase == nullptr
                                              ? ", or it is encrypted: set ftp.authKeyPassphrase"
                                              : ", or ftp.authKeyPassphrase does not open it"));
      }
      std::unique_ptr<ssh_key_struct, KeyFree> key(raw);
      if (ssh_userauth_publickey(s, nullptr, key.get()) == SSH_AUTH_SUCCESS) return {};
      tried = "ftp.authKey";
    }
    if (!config_.password.empty()) {
      if (ssh_userauth_password(s, nullptr, config_.password.c_str()) == SSH_AUTH_SUCCESS) {
        return {};
      }
      tried += tried.empty() ? "ftp.password" : " and ftp.password";
    }
    return make_error(Status::kAuthFailed, where() + ": the login as '" + config_.username +
                                               "' was refused with " + tried + ": " +
                                               std::string(ssh_get_error(s)));
  }

  Error failure(const std::string& doing) {
    const int code = sftp_ ? sftp_get_error(sftp_.get()) : SSH_FX_FAILURE;
    if (code == SSH_FX_NO_CONNECTION || code == SSH_FX_CONNECTION_LOST ||
        ssh_is_connected(ssh_.get()) == 0) {
      broken_ = true;
      return make_error(Status::kTransient, where() + ": " + doing + ": the connection was lost (" +
                                                std::string(ssh_get_error(ssh_.get())) + ")");
    }
    return make_error(Status::kRemoteError, where() + ": " + doing + ": " + sftp_status_text(code) +
                                                " (SSH_FX " + std::to_string(code) + ")");
  }

  FtpConfig config_;
  std::unique_ptr<ssh_session_struct, SshFree> ssh_;
  std::unique_ptr<sftp_session_struct, SftpFree> sftp_;
  std::string home_;
  bool broken_ = false;
};

}  // namespace

Result<std::unique_ptr<RemoteSession>> open_sftp_session(const FtpConfig& config) {
  auto session = std::make_unique<SftpSession>(config);
  if (auto connected = session->connect(); !connected) return connected.error();
  return std::unique_ptr<RemoteSession>(std::move(session));
}

}  // namespace sluice::plugins::ftp
