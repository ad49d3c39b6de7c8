// Shared by the plugin's tests: connection documents for the test servers (test_servers.hpp),
// a host that records log lines and warnings, and byte sinks and sources over strings.
#pragma once

#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <boost/json.hpp>

#include "connection.hpp"
#include "export_reader.hpp"
#include "import_writer.hpp"
#include "test_servers.hpp"

namespace sluice::plugins::ftp::test {

namespace json = boost::json;
namespace fs = std::filesystem;

inline json::object object(std::string_view text) { return json::parse(text).as_object(); }

// Log lines ("LEVEL message") and warnings the plugin gave its host during a test.
struct RecordedHost {
  std::vector<std::string> lines;
  std::vector<std::string> warnings;
  sluice_host_api api{};
  RecordedHost() {
    api.struct_size = sizeof api;
    api.log = [](sluice_call* call, int32_t level, sluice_str message) {
      auto* self = reinterpret_cast<RecordedHost*>(call);
      const char* name = level == SLUICE_LOG_DEBUG  ? "debug"
                         : level == SLUICE_LOG_INFO ? "info"
                         : level == SLUICE_LOG_WARN ? "warn"
                                                    : "error";
      self->lines.push_back(std::string(name) + " " + std::string(message.ptr, message.len));
    };
    api.warn = [](sluice_call* call, sluice_str message) {
      reinterpret_cast<RecordedHost*>(call)->warnings.emplace_back(message.ptr, message.len);
    };
  }
  // The context of one call; the host's call pointer is this object.
  Context context() { return Context(&api, reinterpret_cast<sluice_call*>(this)); }
};

// A sink that appends every chunk to `bytes` (or hands it to `on_chunk`), remembering the
// largest chunk.
struct StringSink {
  std::string bytes;
  size_t largest_chunk = 0;
  size_t chunks = 0;
  std::function<void(std::string_view)> on_chunk;
  sluice_byte_sink raw{this, [](void* self, sluice_bytes chunk) -> sluice_status {
                         auto* sink = static_cast<StringSink*>(self);
                         const std::string_view view(reinterpret_cast<const char*>(chunk.ptr),
                                                     chunk.len);
                         sink->largest_chunk = std::max(sink->largest_chunk, chunk.len);
                         ++sink->chunks;
                         if (sink->on_chunk) {
                           sink->on_chunk(view);
                         } else {
                           sink->bytes.append(view);
                         }
                         return SLUICE_OK;
                       }};
};

// A source that reads `bytes` (or asks `generate` for each chunk).
struct StringSource {
  std::string bytes;
  size_t at = 0;
  std::function<size_t(char*, size_t)> generate;
  sluice_byte_source raw{
      this, [](void* self, uint8_t* buffer, size_t capacity, size_t* got) -> sluice_status {
        auto* source = static_cast<StringSource*>(self);
        if (source->generate) {
          *got = source->generate(reinterpret_cast<char*>(buffer), capacity);
          return SLUICE_OK;
        }
        *got = std::min(capacity, source->bytes.size() - source->at);
        std::memcpy(buffer, source->bytes.data() + source->at, *got);
        source->at += *got;
        return SLUICE_OK;
      }};
};

// SHA-256 of bytes fed a chunk at a time, as hex.
class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new()) { EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr); }
  ~Sha256() { EVP_MD_CTX_free(ctx_); }
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(std::string_view bytes) { EVP_DigestUpdate(ctx_, bytes.data(), bytes.size()); }
  std::string hex() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(ctx_, digest, &length);
    static const char* digits = "0123456789abcdef";
    std::string text;
    for (unsigned int i = 0; i < length; ++i) {
      text += digits[digest[i] >> 4];
      text += digits[digest[i] & 15];
    }
    return text;
  }

 private:
  EVP_MD_CTX* ctx_;
};

inline std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline void write_file(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

// The connection resource for `server`: ftp for pyftpdlib, ftps trusting the server's
// self-signed certificate for vsftpd, sftp with the password and the pinned host key for sshd.
inline json::object connection_doc(const TestServer& server, TestServer::Kind kind) {
  json::object ftp{{"hostURI", "127.0.0.1"},
                   {"port", server.port()},
                   {"username", server.username()},
                   {"password", server.password()}};
  switch (kind) {
    case TestServer::Kind::kPyftpdlib:
      ftp["type"] = "ftp";
      break;
    case TestServer::Kind::kVsftpdImplicitFtps:
      ftp["useImplicitFtps"] = true;
      [[fallthrough]];
    case TestServer::Kind::kVsftpdFtps:
      ftp["type"] = "ftps";
      ftp["clientCertificates"] = json::object{{"ca", server.certificate_pem()}};
      break;
    case TestServer::Kind::kSshd:
      ftp["type"] = "sftp";
      ftp["hostKeyFingerprint"] = server.host_key_fingerprint();
      break;
  }
  return json::object{{"_id", "files"}, {"type", "ftp"}, {"ftp", ftp}};
}

inline std::unique_ptr<FtpConnection> open_connection(const json::object& doc,
                                                      RecordedHost* host = nullptr) {
  RecordedHost scratch;
  Context context = (host != nullptr ? host : &scratch)->context();
  auto connection = FtpConnection::open(context, doc);
  if (!connection) ADD_FAILURE() << connection.error().message;
  return connection ? std::move(*connection) : nullptr;
}

// Starts the server of `kind` once per test suite; a test calls require() first.
inline std::unique_ptr<TestServer>& shared_server(TestServer::Kind kind) {
  static std::unique_ptr<TestServer> servers[4];
  return servers[static_cast<int>(kind)];
}

inline std::string kind_name(TestServer::Kind kind) {
  switch (kind) {
    case TestServer::Kind::kPyftpdlib:
      return "PyftpdlibFtp";
    case TestServer::Kind::kVsftpdFtps:
      return "VsftpdFtps";
    case TestServer::Kind::kVsftpdImplicitFtps:
      return "VsftpdImplicitFtps";
    case TestServer::Kind::kSshd:
      return "SshdSftp";
  }
  return "unknown";
}

// Starts the server of `kind` if it is not running; GTEST_SKIP or FAIL as test_servers.hpp
// says. Use as: `TestServer* server = nullptr; ASSERT_NO_FATAL_FAILURE(require(kind, server));
// if (IsSkipped()) return;`
inline void require(TestServer::Kind kind, TestServer*& out) {
  auto& server = shared_server(kind);
  static std::string failures[4];
  if (!server && failures[static_cast<int>(kind)].empty()) {
    ServerUnavailable why;
    server = TestServer::start(kind, why);
    if (!server) failures[static_cast<int>(kind)] = (why.skip ? "S" : "F") + why.message;
  }
  if (!server) {
    const std::string& failure = failures[static_cast<int>(kind)];
    if (failure[0] == 'S') GTEST_SKIP() << failure.substr(1);
    FAIL() << failure.substr(1);
  }
  out = server.get();
}

// A fresh folder `name` under the server's root, owned by its login user.
inline fs::path fresh_folder(const TestServer& server, const std::string& name) {
  const fs::path folder = server.root() / name;
  fs::remove_all(folder);
  fs::create_directories(folder);
  server.give_to_login_user(folder);
  return folder;
}

}  // namespace sluice::plugins::ftp::test
