// A connection resource read once into FtpConfig (every setting through settings.hpp), and how
// a configured path becomes the server's path.
#pragma once

#include <cstdint>
#include <string>

#include <boost/json/object.hpp>

#include "sluice/result.hpp"

namespace sluice::plugins::ftp {

enum class Protocol { kFtp, kFtps, kSftp };

struct FtpConfig {
  Protocol protocol = Protocol::kFtp;
  std::string host;
  uint16_t port = 21;
  std::string username;
  std::string password;
  std::string auth_key;
  std::string auth_key_passphrase;
  bool passive = true;
  bool verify_host = true;
  std::string host_key_fingerprint;  // "SHA256:..." as ssh-keygen -lf prints it
  bool user_directory_is_root = false;
  bool implicit_ftps = false;
  bool require_session_reuse = false;
  bool trim_entry_names = false;  // entryParser UNIX-TRIM
  bool windows_listing = false;   // entryParser WINDOWS: DOS-format LIST lines
  std::string tls_ca, tls_cert, tls_key, tls_passphrase;
};

// Reads `doc` (a connection with secrets resolved). kInvalidConfig naming the setting for a
// value that is wrong or missing: "ftp.password is required for ftps", "ftp.hostURI must be a
// host name, not a URL: set 'ftp.example.com', not 'sftp://ftp.example.com'", ...
Result<FtpConfig> read_config(const boost::json::object& doc);

// The server path of `path` (a rendered ftp.directoryPath or similar): with
// user_directory_is_root, `home` joined with `path` without its leading slashes; otherwise
// `path` itself ("" is the login folder, "."). Never ends with a slash unless it is "/".
std::string resolve_path(const FtpConfig& config, const std::string& home, const std::string& path);

// `directory` joined with `name` by one slash.
std::string join_path(const std::string& directory, const std::string& name);

}  // namespace sluice::plugins::ftp
