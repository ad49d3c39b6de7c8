#include "ping_settings.hpp"

namespace sluice::plugins::http {

PingSettings::PingSettings(Schema& schema)
    : relative_uri(schema.tmpl("http.ping.relativeURI")
                       .label("Test connection relative URI")
                       .group("Test connection")
                       .help("Requested by `sluice connection test` (and `sluice ping`) to test "
                             "the connection, e.g. /me; empty requests the base URI itself. "
                             "Handlebars against {{connection}} (without its secrets), "
                             "{{x}} URL-encoded.")),
      method(schema.enumeration("http.ping.method", {"GET", "POST", "HEAD", "PUT"})
                 .label("Test connection method")
                 .default_value("GET")
                 .group("Test connection")
                 .help("The method of the test request; HEAD sends no body, POST and PUT send "
                       "http.ping.body.")),
      body(schema.tmpl("http.ping.body")
               .label("Test connection body")
               .group("Test connection")
               .help("Sent with POST and PUT as the connection's media type (JSON), e.g. "
                     "{\"query\": \"{ viewer { login } }\"}. Handlebars against {{connection}} "
                     "(without its secrets), {{x}} escaped as JSON string content.")),
      success_path(schema.string("http.ping.successPath")
                       .label("Path to success field")
                       .group("Test connection")
                       .help("Dotted path in the JSON response, e.g. status: the test passes "
                             "only when its value is one of http.ping.successValues (compared as "
                             "text), or, without successValues, when it is present and not "
                             "false, null, 0 or empty. Absent: any 2xx passes.")),
      success_values(schema.array("http.ping.successValues")
                         .label("Success values")
                         .items(FieldType::kString)
                         .group("Test connection")
                         .help("Values at http.ping.successPath that mean the connection works, "
                               "e.g. [\"ok\", \"healthy\"].")),
      allow_array_for_success_path(
          schema.boolean("http.ping.allowArrayforSuccessPath")
              .label("Success path may hold an array")
              .default_value(false)
              .group("Test connection")
              .help("true: when the value at http.ping.successPath is an array, the test "
                    "passes if any of its elements is one of the success values.")),
      fail_path(schema.string("http.ping.failPath")
                    .label("Path to failure field")
                    .group("Test connection")
                    .help("Dotted path in the JSON response, e.g. error.code: the test fails, "
                          "even with a 2xx status, when its value is one of "
                          "http.ping.failValues, or, without failValues, when it is present and "
                          "not false, null, 0 or empty. Checked before successPath.")),
      fail_values(schema.array("http.ping.failValues")
                      .label("Failure values")
                      .items(FieldType::kString)
                      .group("Test connection")
                      .help("Values at http.ping.failPath that mean the connection does not "
                            "work, e.g. [\"invalid_token\"].")),
      error_path(schema.string("http.ping.errorPath")
                     .label("Path to error message")
                     .group("Test connection")
                     .help("Dotted path of the message in a failed test's response (any "
                           "status), e.g. error.message: shown as the reason.")) {}

TlsSettings::TlsSettings(Schema& schema)
    : disable_strict_ssl(
          schema.boolean("http.disableStrictSSL")
              .label("Disable strict SSL")
              .default_value(false)
              .group("TLS")
              .help("true: accept any server certificate (self-signed, expired, for another "
                    "host) without verifying it; every job warns that it is on. For tests "
                    "only. false (default): the certificate must verify against the system "
                    "CAs (or http.clientCertificates.ca) and name the host.")),
      cert(schema.string("http.clientCertificates.cert")
               .label("Client certificate (PEM)")
               .secret()
               .group("TLS")
               .help("For servers that require a client certificate (mutual TLS): the "
                     "certificate, -----BEGIN CERTIFICATE-----, optionally followed by its "
                     "intermediate certificates. Requires http.clientCertificates.key.")),
      key(schema.string("http.clientCertificates.key")
              .label("Client certificate key (PEM)")
              .secret()
              .group("TLS")
              .help("The certificate's private key in PEM (PKCS#8, RSA or EC); when encrypted, "
                    "set http.clientCertificates.passphrase. Stored encrypted; never logged.")),
      passphrase(schema.string("http.clientCertificates.passphrase")
                     .label("Key passphrase")
                     .secret()
                     .group("TLS")
                     .help("Decrypts an encrypted http.clientCertificates.key. Stored "
                           "encrypted; never logged.")),
      ca(schema.string("http.clientCertificates.ca")
             .label("Trusted CA certificates (PEM)")
             .group("TLS")
             .help("For a server whose certificate a private CA issued: that CA's certificates "
                   "(PEM), trusted instead of the system CAs.")),
      pfx(schema.string("http.clientCertificates.pfx")
              .label("Client certificate bundle (PKCS#12, base64)")
              .secret()
              .group("TLS")
              .help("Instead of cert and key: a .pfx/.p12 bundle in base64 (`base64 -w0 "
                    "bundle.pfx`), opened with http.clientCertificates.passphrase. Stored "
                    "encrypted; never logged.")) {}

}  // namespace sluice::plugins::http
