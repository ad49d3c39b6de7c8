#include "settings.hpp"

#include "file_settings.hpp"

namespace sluice::plugins::ftp {

ConnectionSettings::ConnectionSettings()
    : type(schema.enumeration("ftp.type", {"ftp", "ftps", "sftp"})
               .label("Protocol")
               .required()
               .group("General")
               .help("ftp: plain FTP (nothing encrypted). ftps: FTP over TLS, explicit (AUTH TLS "
                     "on the FTP port) unless ftp.useImplicitFtps. sftp: the SSH file transfer "
                     "protocol.")),
      host(schema.string("ftp.hostURI")
               .label("Host")
               .required()
               .group("General")
               .help("The server's host name or IP address, without a scheme or port: "
                     "ftp.example.com, not sftp://ftp.example.com.")),
      port(schema.integer("ftp.port")
               .label("Port")
               .minimum(1)
               .maximum(65535)
               .group("General")
               .help("Absent: 21 for ftp and explicit ftps, 990 for implicit ftps, 22 for "
                     "sftp.")),
      username(schema.string("ftp.username")
                   .label("Username")
                   .required()
                   .group("General")
                   .help("The account to log in as.")),
      password(schema.string("ftp.password")
                   .label("Password")
                   .secret()
                   .group("General")
                   .help("The account's password. Stored encrypted; never logged. Required for "
                         "ftp and ftps; for sftp, this or ftp.authKey (or both: the key is tried "
                         "first).")),
      auth_key(schema.string("ftp.authKey")
                   .label("Authentication key (PEM)")
                   .secret()
                   .group("General")
                   .shown_when("ftp.type", "sftp")
                   .help("SFTP only: the private key to log in with, as the whole text of an "
                         "OpenSSH or PEM key file (-----BEGIN OPENSSH PRIVATE KEY----- ...). "
                         "Stored encrypted; never logged.")),
      auth_key_passphrase(schema.string("ftp.authKeyPassphrase")
                              .label("Authentication key passphrase")
                              .secret()
                              .group("General")
                              .shown_when("ftp.type", "sftp")
                              .help("Decrypts an encrypted ftp.authKey. Stored encrypted; never "
                                    "logged.")),
      passive(schema.boolean("ftp.usePassiveMode")
                  .label("Use passive mode")
                  .default_value(true)
                  .group("Advanced")
                  .help("ftp and ftps: true (default): the client opens each data connection "
                        "(PASV/EPSV), which works through firewalls and NAT. false: active mode "
                        "(PORT/EPRT): the server connects back to the client.")),
      verify_host(schema.boolean("ftp.enableHostVerification")
                      .label("Enable host verification")
                      .default_value(true)
                      .group("Security")
                      .help("true (default): ftps: the server's TLS certificate must verify "
                            "against the system CAs (or ftp.clientCertificates.ca) and name the "
                            "host; sftp: the server's host key must have the fingerprint "
                            "ftp.hostKeyFingerprint. false: any certificate or host key is "
                            "accepted unverified, and every job warns (for tests only).")),
      host_key_fingerprint(schema.string("ftp.hostKeyFingerprint")
                               .label("Host key fingerprint")
                               .group("Security")
                               .shown_when("ftp.type", "sftp")
                               .help("SFTP: the SHA256 fingerprint of the server's host key as "
                                     "`ssh-keygen -lf key.pub` prints it, e.g. "
                                     "SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8. "
                                     "Required with ftp.enableHostVerification; a server whose "
                                     "key has another fingerprint is refused, naming both.")),
      user_directory_is_root(
          schema.boolean("ftp.userDirectoryIsRoot")
              .label("User directory is root")
              .default_value(false)
              .group("Advanced")
              .help("true: every path (ftp.directoryPath, ftp.backupDirectoryPath) is taken "
                    "relative to the login (home) folder, even when it starts with /. false: "
                    "paths starting with / are absolute on the server, others relative to the "
                    "login folder.")),
      implicit_ftps(schema.boolean("ftp.useImplicitFtps")
                        .label("Use implicit FTPS")
                        .default_value(false)
                        .group("Security")
                        .shown_when("ftp.type", "ftps")
                        .help("ftps: true: TLS from the first byte (implicit FTPS, port 990 by "
                              "default); false: explicit, AUTH TLS on the FTP port.")),
      require_socket_reuse(
          schema.boolean("ftp.requireSocketReUse")
              .label("Require TLS session reuse")
              .default_value(false)
              .group("Security")
              .shown_when("ftp.type", "ftps")
              .help("ftps: every data connection always offers the control connection's TLS "
                    "session (vsftpd and proftpd require it). true: a data connection on "
                    "which the server did not resume that session fails instead of "
                    "proceeding.")),
      entry_parser(schema
                       .enumeration("ftp.entryParser",
                                    {"UNIX", "UNIX-TRIM", "VMS", "WINDOWS", "OS/2", "OS/400",
                                     "AS/400", "MVS", "UNKNOWN-TYPE", "NETWARE", "MACOS-PETER"})
                       .unsupported_values({"VMS", "OS/2", "OS/400", "AS/400", "MVS",
                                            "UNKNOWN-TYPE", "NETWARE", "MACOS-PETER"})
                       .label("Entry parser")
                       .default_value("UNIX")
                       .group("Advanced")
                       .help("ftp and ftps: the format of the server's LIST answer. UNIX "
                             "(ls -l lines, what vsftpd, proftpd, pure-ftpd and most servers "
                             "send), UNIX-TRIM (the same, spaces around names trimmed) or "
                             "WINDOWS (the DOS format of Microsoft IIS: date, time, size or "
                             "<DIR>, name).")),
      concurrency_level(schema.integer("ftp.concurrencyLevel")
                            .label("Concurrency level")
                            .default_value(1)
                            .minimum(1)
                            .maximum(1)
                            .group("Advanced")
                            .help("Transfers at once on this connection. Only 1 is implemented: "
                                  "one control connection (or SSH session) per connection, "
                                  "one transfer at a time.")),
      tls_ca(schema.string("ftp.clientCertificates.ca")
                 .label("Trusted CA certificates (PEM)")
                 .group("Security")
                 .shown_when("ftp.type", "ftps")
                 .help("ftps: for a server whose certificate a private CA issued (or a "
                       "self-signed one): those certificates (PEM), trusted instead of the "
                       "system CAs.")),
      tls_cert(schema.string("ftp.clientCertificates.cert")
                   .label("Client certificate (PEM)")
                   .secret()
                   .group("Security")
                   .shown_when("ftp.type", "ftps")
                   .help("ftps: for servers that require a client certificate: the certificate, "
                         "optionally followed by its intermediates. Requires "
                         "ftp.clientCertificates.key.")),
      tls_key(schema.string("ftp.clientCertificates.key")
                  .label("Client certificate key (PEM)")
                  .secret()
                  .group("Security")
                  .shown_when("ftp.type", "ftps")
                  .help("The client certificate's private key (PEM). Stored encrypted; never "
                        "logged.")),
      tls_passphrase(schema.string("ftp.clientCertificates.passphrase")
                         .label("Client key passphrase")
                         .secret()
                         .group("Security")
                         .shown_when("ftp.type", "ftps")
                         .help("Decrypts an encrypted ftp.clientCertificates.key. Stored "
                               "encrypted; never logged.")) {
  schema.ignored("ftp.targetConcurrencyLevel", "integrator.io UI state.");
  schema.unsupported("ftp._tpConnectorId", "trading partner connectors are not implemented.");
  for (const char* pgp : {"ftp.pgpEncryptKey", "ftp.pgpDecryptKey", "ftp.pgpPassphrase",
                          "ftp.pgpKeyAlgorithm", "ftp.pgpSignAndVerify", "pgp"}) {
    schema.unsupported(pgp, "PGP encryption is not implemented.");
  }
}

ExportSettings::ExportSettings()
    : directory_path(schema.tmpl("ftp.directoryPath")
                         .label("Directory path")
                         .required()
                         .group("Files")
                         .help("The folder the files are read from (see "
                               "ftp.userDirectoryIsRoot). Handlebars: "
                               "in/{{dateFormat 'YYYY-MM-DD' currentExportDateTime}}; variables "
                               "export, connection (without secrets), currentExportDateTime, "
                               "lastExportDateTime.")),
      name_starts_with(schema.tmpl("ftp.fileNameStartsWith")
                           .label("File name starts with")
                           .group("Files")
                           .help("Only files whose name starts with this text (case-sensitive; "
                                 "Handlebars as ftp.directoryPath). Folders are never read.")),
      name_ends_with(schema.tmpl("ftp.fileNameEndsWith")
                         .label("File name ends with")
                         .group("Files")
                         .help("Only files whose name ends with this text, e.g. .csv "
                               "(case-sensitive; with ftp.fileNameStartsWith both must "
                               "match).")),
      backup_directory_path(
          schema.tmpl("ftp.backupDirectoryPath")
              .label("Backup files path")
              .group("Files")
              .help("When set, a file whose records were all processed without error is moved "
                    "into this folder (which must exist) instead of being deleted. Handlebars "
                    "as ftp.directoryPath.")),
      batch_size(schema.integer("file.batchSize")
                     .label("Batch size (files per run)")
                     .minimum(1)
                     .maximum(1000)
                     .group("Files")
                     .help("At most this many files are read per run, in name order; absent: "
                           "every matching file. The rest wait for the next run.")),
      skip_delete(schema.boolean("file.skipDelete")
                      .label("Leave file on server")
                      .default_value(false)
                      .group("Files")
                      .help("false (default): after every record of a file was processed "
                            "without error, the file is deleted (or moved to "
                            "ftp.backupDirectoryPath); a file with any failed record stays. "
                            "true: files are never deleted or moved, and the next run reads them "
                            "again.")) {
  declare_file_settings(schema, FileSettingsFor::kExport);
  schema.unsupported("ftp._tpConnectorId", "trading partner connectors are not implemented.");
}

ImportSettings::ImportSettings()
    : directory_path(schema.tmpl("ftp.directoryPath")
                         .label("Directory path")
                         .required()
                         .group("Files")
                         .help("The folder the files are written to (see "
                               "ftp.userDirectoryIsRoot). Handlebars: variables import, "
                               "connection (without secrets), page, records, extension.")),
      file_name(schema.tmpl("ftp.fileName")
                    .label("File name")
                    .required()
                    .group("Files")
                    .help("The name of each file written, without folders. Handlebars: "
                          "orders-{{timestamp \"YYYYMMDDHHmmss\"}}-{{page}}.{{extension}}; "
                          "variables timestamp (helper), page (0-based page number), records "
                          "(records in the file), extension (csv, json, ...), import, "
                          "connection. An existing file of that name is overwritten.")),
      in_progress_file_name(
          schema.tmpl("ftp.inProgressFileName")
              .label("In progress file name")
              .group("Files")
              .help("When set, the file is uploaded under this name and renamed to "
                    "ftp.fileName once complete, so a partner never reads a half-written "
                    "file. Handlebars as ftp.fileName, e.g. {{timestamp}}.inprogress.")),
      backup_directory_path(schema.tmpl("ftp.backupDirectoryPath")
                                .label("Backup files path")
                                .group("Files")
                                .help("When set, a copy of each file written is uploaded into "
                                      "this folder (which must exist) as well.")) {
  declare_file_settings(schema, FileSettingsFor::kImport);
  schema.unsupported("ftp._tpConnectorId", "trading partner connectors are not implemented.");
}

const ConnectionSettings& connection_settings() {
  static const ConnectionSettings settings;
  return settings;
}
const ExportSettings& export_settings() {
  static const ExportSettings settings;
  return settings;
}
const ImportSettings& import_settings() {
  static const ImportSettings settings;
  return settings;
}

Result<std::optional<support::Template>> template_setting(const Setting<std::string>& setting,
                                                          const boost::json::object& doc) {
  auto source = setting.read(doc);
  if (!source) return source.error();
  if (source->empty()) return std::optional<support::Template>();
  auto parsed = support::Template::parse(*source, setting.path());
  if (!parsed) return parsed.error();
  return std::optional<support::Template>(std::move(*parsed));
}

}  // namespace sluice::plugins::ftp
