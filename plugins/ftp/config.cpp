#include "config.hpp"

#include "settings.hpp"

namespace sluice::plugins::ftp {

namespace {

Error invalid(std::string message) {
  return make_error(Status::kInvalidConfig, std::move(message));
}

}  // namespace

Result<FtpConfig> read_config(const boost::json::object& doc) {
  const ConnectionSettings& s = connection_settings();
  FtpConfig c;
  auto type = s.type.read(doc);
  if (!type) return type.error();
  if (type->empty()) return invalid("ftp.type is required: set ftp, ftps or sftp");
  c.protocol = *type == "sftp"   ? Protocol::kSftp
               : *type == "ftps" ? Protocol::kFtps
                                 : Protocol::kFtp;
  auto host = s.host.read(doc);
  if (!host) return host.error();
  if (host->empty()) return invalid("ftp.hostURI is required: set the server's host name");
  if (host->find("://") != std::string::npos || host->find('/') != std::string::npos) {
    return invalid("ftp.hostURI must be a host name, not a URL: set 'ftp.example.com', not '" +
                   *host + "'");
  }
  c.host = *host;
  auto implicit = s.implicit_ftps.read(doc);
  if (!implicit) return implicit.error();
  c.implicit_ftps = *implicit && c.protocol == Protocol::kFtps;
  if (*implicit && c.protocol != Protocol::kFtps) {
    return invalid("ftp.useImplicitFtps applies to ftp.type ftps only, not " + *type +
                   ": remove it or set ftp.type to ftps");
  }
  auto port = s.port.read(doc);
  if (!port) return port.error();
  const bool port_set = s.port.is_set(doc);
  c.port = static_cast<uint16_t>(port_set                        ? *port
                                 : c.protocol == Protocol::kSftp ? 22
                                 : c.implicit_ftps               ? 990
                                                                 : 21);
  auto username = s.username.read(doc);
  if (!username) return username.error();
  if (username->empty()) return invalid("ftp.username is required: set the account to log in as");
  c.username = *username;
  auto password = s.password.read(doc);
  if (!password) return password.error();
  c.password = *password;
  auto key = s.auth_key.read(doc);
  if (!key) return key.error();
  c.auth_key = *key;
  auto key_passphrase = s.auth_key_passphrase.read(doc);
  if (!key_passphrase) return key_passphrase.error();
  c.auth_key_passphrase = *key_passphrase;
  if (c.protocol != Protocol::kSftp && !c.auth_key.empty()) {
    return invalid("ftp.authKey applies to ftp.type sftp only, not " + *type +
                   ": remove it and set ftp.password");
  }
  if (c.protocol == Protocol::kSftp && c.password.empty() && c.auth_key.empty()) {
    return invalid("ftp.password or ftp.authKey is required for sftp: set one of them");
  }
  if (c.protocol != Protocol::kSftp && c.password.empty()) {
    return invalid("ftp.password is required for " + *type);
  }
  auto passive = s.passive.read(doc);
  if (!passive) return passive.error();
  c.passive = *passive;
  auto verify = s.verify_host.read(doc);
  if (!verify) return verify.error();
  c.verify_host = *verify;
  auto fingerprint = s.host_key_fingerprint.read(doc);
  if (!fingerprint) return fingerprint.error();
  c.host_key_fingerprint = *fingerprint;
  if (!c.host_key_fingerprint.empty() && c.host_key_fingerprint.rfind("SHA256:", 0) != 0) {
    return invalid(
        "ftp.hostKeyFingerprint must be a SHA256 fingerprint as `ssh-keygen -lf` "
        "prints it (SHA256:...), got '" +
        c.host_key_fingerprint + "'");
  }
  if (!c.host_key_fingerprint.empty() && c.protocol != Protocol::kSftp) {
    return invalid(
        "ftp.hostKeyFingerprint applies to ftp.type sftp only; for ftps, trust the "
        "server's certificate with ftp.clientCertificates.ca");
  }
  auto root = s.user_directory_is_root.read(doc);
  if (!root) return root.error();
  c.user_directory_is_root = *root;
  auto reuse = s.require_socket_reuse.read(doc);
  if (!reuse) return reuse.error();
  c.require_session_reuse = *reuse;
  auto parser = s.entry_parser.read(doc);
  if (!parser) return parser.error();
  c.trim_entry_names = *parser == "UNIX-TRIM";
  c.windows_listing = *parser == "WINDOWS";
  auto concurrency = s.concurrency_level.read(doc);
  if (!concurrency) return concurrency.error();
  for (auto [setting, out] :
       {std::pair{&s.tls_ca, &c.tls_ca}, std::pair{&s.tls_cert, &c.tls_cert},
        std::pair{&s.tls_key, &c.tls_key}, std::pair{&s.tls_passphrase, &c.tls_passphrase}}) {
    auto value = setting->read(doc);
    if (!value) return value.error();
    *out = *value;
    if (!out->empty() && c.protocol != Protocol::kFtps) {
      return invalid(setting->path() + " applies to ftp.type ftps only, not " + *type);
    }
  }
  return c;
}

std::string resolve_path(const FtpConfig& config, const std::string& home,
                         const std::string& path) {
  std::string resolved = path;
  if (config.user_directory_is_root) {
    size_t start = 0;
    while (start < path.size() && path[start] == '/') ++start;
    resolved = join_path(home.empty() ? std::string(".") : home, path.substr(start));
  }
  while (resolved.size() > 1 && resolved.back() == '/') resolved.pop_back();
  return resolved.empty() ? std::string(".") : resolved;
}

std::string join_path(const std::string& directory, const std::string& name) {
  if (name.empty()) return directory;
  if (directory.empty() || directory == ".") return name;
  return directory.back() == '/' ? directory + name : directory + "/" + name;
}

}  // namespace sluice::plugins::ftp
