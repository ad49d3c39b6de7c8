// TLS of HTTP connections against the mock API's HTTPS listener, with certificates made at test
// time (tests/fixtures/test_pki.hpp): strict by default, a private CA, disableStrictSSL, client
// certificates, and the errors a user sees for each refusal.
#include <gtest/gtest.h>

#include "connection.hpp"
#include "test_pki.hpp"
#include "test_util.hpp"

namespace sluice::plugins::http {
namespace {

using namespace test;
using sluice::testing::MockApiServer;
using sluice::testing::TestPki;

const TestPki& pki() {
  static const TestPki instance;  // made once for the suite: a handful of openssl runs
  return instance;
}

MockApiServer https_server(const std::string& name, bool client_certificates = false) {
  return MockApiServer(MockApiServer::Options{
      .orders = 1,
      .tls_cert = pki().path(name + ".pem").string(),
      .tls_key = pki().path(name + ".key").string(),
      .tls_client_ca = client_certificates ? pki().path("client_ca.pem").string() : ""});
}

// A token connection to the server's HTTPS listener, pinging /api/ping/health, with `tls`
// merged into http (disableStrictSSL, clientCertificates).
json::object https_doc(const MockApiServer& server, const json::object& tls = {}) {
  json::object doc = connection_doc(server);
  json::object& http = doc["http"].as_object();
  http["baseURI"] = server.https_url();
  http["ping"] = {{"relativeURI", "/api/ping/health"}};
  for (const auto& [key, value] : tls) http[key] = value;
  return doc;
}

json::object client_certificates(const std::string& cert, const std::string& key,
                                 const std::string& passphrase = {}, bool with_ca = true) {
  json::object certificates{{"cert", pki().text(cert)}, {"key", pki().text(key)}};
  if (!passphrase.empty()) certificates["passphrase"] = passphrase;
  if (with_ca) certificates["ca"] = pki().text("ca.pem");
  return json::object{{"clientCertificates", std::move(certificates)}};
}

std::vector<std::string> g_warnings;
void capture_warning(sluice_call*, sluice_str message) {
  g_warnings.emplace_back(message.ptr, message.len);
}

Result<void> ping(const json::object& doc) {
  auto connection = open_connection(doc);
  if (!connection) return make_error(Status::kInternal, "not opened");
  Context context = no_host();
  return connection->ping(context);
}

Error open_error(const json::object& doc) {
  Context context = no_host();
  auto opened = HttpConnection::open(context, doc, kFast);
  EXPECT_FALSE(opened);
  return opened ? Error{} : opened.error();
}

std::string ca_hint() {
  return "; if the server's certificate is issued by a private CA, set "
         "http.clientCertificates.ca to that CA's certificate (PEM), or set "
         "http.disableStrictSSL to true to accept any certificate (unsafe: for tests only)";
}

TEST(HttpTls, StrictByDefaultASelfSignedServerIsRefusedNamingTheProblemOnce) {
  MockApiServer server = https_server("self_signed");
  const Result<void> result = ping(https_doc(server));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().status, Status::kRemoteError);
  EXPECT_EQ(result.error().message,
            "GET " + server.https_url() +
                "/api/ping/health: the server's TLS certificate was not accepted: self-signed "
                "certificate (certificate 'CN=localhost', the server's own)" +
                ca_hint());
  // Refused at the handshake, and not retried: no request reached the server.
  EXPECT_EQ(server.get_json("/_mock/requests").at("count"), 0);
}

TEST(HttpTls, AServerCertificateFromAnUnknownCaIsRefused) {
  MockApiServer server = https_server("server");
  const Result<void> result = ping(https_doc(server));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message,
            "GET " + server.https_url() +
                "/api/ping/health: the server's TLS certificate was not accepted: unable to get "
                "local issuer certificate (certificate 'CN=localhost', the server's own)" +
                ca_hint());
}

TEST(HttpTls, TheCaSettingTrustsAPrivateCa) {
  MockApiServer server = https_server("server");
  const Result<void> result =
      ping(https_doc(server, {{"clientCertificates", json::object{{"ca", pki().text("ca.pem")}}}}));
  EXPECT_TRUE(result) << result.error().message;
  EXPECT_EQ(server.get_json("/_mock/requests").at("count"), 1);
}

TEST(HttpTls, ACertificateForAnotherHostIsRefusedEvenFromATrustedCa) {
  MockApiServer server = https_server("other_host");
  const Result<void> result =
      ping(https_doc(server, {{"clientCertificates", json::object{{"ca", pki().text("ca.pem")}}}}));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().status, Status::kRemoteError);
  EXPECT_EQ(result.error().message.rfind("GET " + server.https_url() +
                                             "/api/ping/health: the server's TLS certificate was "
                                             "not accepted: it is not issued for '127.0.0.1' (",
                                         0),
            0u)
      << result.error().message;
}

TEST(HttpTls, DisableStrictSslAcceptsASelfSignedServerAndWarnsWhenTheConnectionOpens) {
  MockApiServer server = https_server("self_signed");
  const json::object doc = https_doc(server, {{"disableStrictSSL", true}});
  sluice_host_api host{};
  host.struct_size = sizeof host;
  host.warn = &capture_warning;
  g_warnings.clear();
  Context context(&host, nullptr);
  auto connection = HttpConnection::open(context, doc, kFast);
  ASSERT_TRUE(connection) << connection.error().message;
  EXPECT_EQ(g_warnings,
            (std::vector<std::string>{
                "http.disableStrictSSL is true: the TLS certificate of " + server.https_url() +
                " is not verified, so anyone on the network path can read and change this "
                "connection's traffic, credentials included; set it to false (or set "
                "http.clientCertificates.ca to the server's CA) once the server has a "
                "certificate that verifies"}));
  Context quiet = no_host();
  const Result<void> pinged = (*connection)->ping(quiet);
  EXPECT_TRUE(pinged) << pinged.error().message;
}

TEST(HttpTls, EachConnectionKeepsItsOwnTlsSettings) {
  MockApiServer server = https_server("self_signed");
  ASSERT_TRUE(ping(https_doc(server, {{"disableStrictSSL", true}})));
  // The lenient connection above changed nothing process-wide: a strict one still refuses.
  const Result<void> strict = ping(https_doc(server));
  ASSERT_FALSE(strict);
  EXPECT_EQ(strict.error().status, Status::kRemoteError);
}

TEST(HttpTls, AServerRequiringAClientCertificateRefusesAConnectionWithoutOne) {
  MockApiServer server = https_server("server", true);
  const Result<void> result =
      ping(https_doc(server, {{"clientCertificates", json::object{{"ca", pki().text("ca.pem")}}}}));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().status, Status::kAuthFailed);
  EXPECT_EQ(result.error().message,
            "GET " + server.https_url() +
                "/api/ping/health: the server refused the TLS connection (alert handshake "
                "failure): it requires a client certificate; set http.clientCertificates.cert "
                "and http.clientCertificates.key (PEM)");
}

TEST(HttpTls, AServerRequiringAClientCertificateAcceptsOneItsCaIssued) {
  MockApiServer server = https_server("server", true);
  const Result<void> result =
      ping(https_doc(server, client_certificates("client.pem", "client.key")));
  EXPECT_TRUE(result) << result.error().message;
}

TEST(HttpTls, AnEncryptedKeyIsDecryptedWithThePassphrase) {
  MockApiServer server = https_server("server", true);
  const Result<void> result = ping(https_doc(
      server, client_certificates("client.pem", "client_key_encrypted.key", TestPki::kPassphrase)));
  EXPECT_TRUE(result) << result.error().message;
}

json::object pfx_certificates(const std::string& passphrase) {
  json::object certificates{{"pfx", pki().text("client.pfx.b64")}, {"ca", pki().text("ca.pem")}};
  if (!passphrase.empty()) certificates["passphrase"] = passphrase;
  return json::object{{"clientCertificates", std::move(certificates)}};
}

TEST(HttpTls, APkcs12BundleInBase64IsPresentedAsTheClientCertificate) {
  MockApiServer server = https_server("server", true);
  const Result<void> result = ping(https_doc(server, pfx_certificates(TestPki::kPassphrase)));
  EXPECT_TRUE(result) << result.error().message;
}

TEST(HttpTls, APkcs12BundleThatDoesNotOpenIsRefusedWhenTheConnectionOpens) {
  MockApiServer server = https_server("server", true);
  EXPECT_EQ(open_error(https_doc(server, pfx_certificates("not-the-passphrase"))).message,
            "http.clientCertificates.pfx cannot be opened with "
            "http.clientCertificates.passphrase: check the passphrase");
  EXPECT_EQ(open_error(https_doc(server, {{"clientCertificates",
                                           json::object{{"pfx", "bm90IGEgYnVuZGxl"}}}}))
                .message,
            "http.clientCertificates.pfx is not a base64-encoded PKCS#12 bundle: set the "
            ".pfx/.p12 file's bytes in base64 (`base64 -w0 bundle.pfx`)");
  json::object both = client_certificates("client.pem", "client.key");
  both["clientCertificates"].as_object()["pfx"] = pki().text("client.pfx.b64");
  EXPECT_EQ(open_error(https_doc(server, both)).message,
            "http.clientCertificates.pfx and http.clientCertificates.cert/"
            "http.clientCertificates.key are two ways to give the client certificate: set one "
            "of them");
}

TEST(HttpTls, AClientCertificateFromAnotherCaIsRefusedByTheServer) {
  MockApiServer server = https_server("server", true);
  const Result<void> result =
      ping(https_doc(server, client_certificates("stranger.pem", "stranger.key")));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().status, Status::kAuthFailed);
  EXPECT_EQ(result.error().message,
            "GET " + server.https_url() +
                "/api/ping/health: the server refused the TLS connection (alert unknown ca): it "
                "did not accept the client certificate in http.clientCertificates.cert; check "
                "that it is issued by a CA the server trusts and has not expired");
}

TEST(HttpTls, AWrongPassphraseIsRefusedWhenTheConnectionOpens) {
  MockApiServer server = https_server("server", true);
  const Error error = open_error(https_doc(
      server, client_certificates("client.pem", "client_key_encrypted.key", "not-the-passphrase")));
  EXPECT_EQ(error.status, Status::kInvalidConfig);
  EXPECT_EQ(error.message,
            "http.clientCertificates.key cannot be decrypted with "
            "http.clientCertificates.passphrase: check the passphrase");
}

TEST(HttpTls, AnEncryptedKeyWithoutAPassphraseIsRefusedWhenTheConnectionOpens) {
  MockApiServer server = https_server("server", true);
  const Error error =
      open_error(https_doc(server, client_certificates("client.pem", "client_key_encrypted.key")));
  EXPECT_EQ(error.message,
            "http.clientCertificates.key is encrypted: set http.clientCertificates.passphrase "
            "to its passphrase");
}

TEST(HttpTls, BadClientCertificateSettingsAreRefusedByName) {
  MockApiServer server = https_server("server", true);
  EXPECT_EQ(
      open_error(https_doc(server, client_certificates("client.pem", "stranger.key"))).message,
      "http.clientCertificates.key does not belong to the certificate in "
      "http.clientCertificates.cert: set the private key that was issued with it");
  EXPECT_EQ(open_error(https_doc(server, {{"clientCertificates",
                                           json::object{{"cert", pki().text("client.pem")}}}}))
                .message,
            "http.clientCertificates.key is required with http.clientCertificates.cert: a "
            "client certificate needs both, in PEM");
  EXPECT_EQ(open_error(https_doc(server, {{"clientCertificates",
                                           json::object{{"cert", "not a certificate"},
                                                        {"key", pki().text("client.key")}}}}))
                .message,
            "http.clientCertificates.cert holds no PEM certificate: expected -----BEGIN "
            "CERTIFICATE----- ... -----END CERTIFICATE-----");
  EXPECT_EQ(
      open_error(https_doc(server, {{"clientCertificates", json::object{{"ca", "nope"}}}})).message,
      "http.clientCertificates.ca holds no PEM certificate: expected the CA's certificate "
      "as -----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----");
}

TEST(HttpTls, NoMessageEverHoldsTheKeyOrThePassphrase) {
  MockApiServer server = https_server("server", true);
  const std::string key = pki().text("client_key_encrypted.key");
  const Error error = open_error(https_doc(
      server, client_certificates("client.pem", "client_key_encrypted.key", "wrong-phrase-q8")));
  EXPECT_EQ(error.message.find("wrong-phrase-q8"), std::string::npos);
  EXPECT_EQ(error.message.find("BEGIN ENCRYPTED"), std::string::npos);
}

}  // namespace
}  // namespace sluice::plugins::http
