// The settings the FTP connector declares, with integrator.io's JSON names
// (/work/shared/reference/integratorio.md §4). Each is declared once, here; config.cpp reads
// every one through its member (sluice::Setting), which supplies the declared default, allowed
// values and bounds. The `file` settings the host interprets come from file_settings.hpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "sluice/schema.hpp"
#include "sluice/settings.hpp"
#include "sluice/support/template.hpp"

namespace sluice::plugins::ftp {

// `schema` comes first: every member after it is declared in it, in form order.
struct ConnectionSettings {
  ConnectionSettings();
  Schema schema;
  Setting<std::string> type;
  Setting<std::string> host;
  Setting<int64_t> port;
  Setting<std::string> username;
  Setting<std::string> password;
  Setting<std::string> auth_key;
  Setting<std::string> auth_key_passphrase;
  Setting<bool> passive;
  Setting<bool> verify_host;
  Setting<std::string> host_key_fingerprint;
  Setting<bool> user_directory_is_root;
  Setting<bool> implicit_ftps;
  Setting<bool> require_socket_reuse;
  Setting<std::string> entry_parser;
  Setting<int64_t> concurrency_level;
  Setting<std::string> tls_ca;
  Setting<std::string> tls_cert;
  Setting<std::string> tls_key;
  Setting<std::string> tls_passphrase;
};

struct ExportSettings {
  ExportSettings();
  Schema schema;
  Setting<std::string> directory_path;
  Setting<std::string> name_starts_with;
  Setting<std::string> name_ends_with;
  Setting<std::string> backup_directory_path;
  Setting<int64_t> batch_size;
  Setting<bool> skip_delete;
};

struct ImportSettings {
  ImportSettings();
  Schema schema;
  Setting<std::string> directory_path;
  Setting<std::string> file_name;
  Setting<std::string> in_progress_file_name;
  Setting<std::string> backup_directory_path;
};

// Built once; thread-safe.
const ConnectionSettings& connection_settings();
const ExportSettings& export_settings();
const ImportSettings& import_settings();

// A template setting of `doc` (a folder or file name), parsed; nullopt when it is empty. Errors
// name the setting.
Result<std::optional<support::Template>> template_setting(const Setting<std::string>& setting,
                                                          const boost::json::object& doc);

}  // namespace sluice::plugins::ftp
