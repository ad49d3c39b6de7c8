// The stand-in for a webhook listener in tools/bench/sluice-bench-serve, until the webhook
// intake (/webhooks/{exportId}) is merged: `sluice serve`'s HttpServer with one route,
// POST /bench/intake, that does what a listener must before it acknowledges — verify the body's
// HMAC-SHA256 (header X-Signature: "sha256=" hex, constant-time) and commit the body durably to
// SQLite (WAL, synchronous=FULL; requests arriving together share a transaction, each answered
// after the commit that holds its body) — then answers 202.
// 401 on a bad signature, 503 when the commit fails.
// usage: sluice-bench-serve-intake --db FILE --secret SECRET --port-file FILE [--threads N]
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sqlite3.h>

#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "serve/http.hpp"
#include "serve/http_server.hpp"

namespace {

using sluice::serve::HttpRequest;
using sluice::serve::HttpResponse;

std::string hex_hmac_sha256(const std::string& key, const std::string& body) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest, &length);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

// Group commit: each request hands its body to the committer thread and waits; the committer
// takes every body waiting, commits them in one transaction (synchronous=FULL: on disk when
// COMMIT returns), then wakes their requests. Each 202 still follows its own body's durable
// commit, as a listener's must; a burst shares one fsync.
class Intake {
 public:
  Intake(const std::string& path, std::string secret) : secret_(std::move(secret)) {
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) throw std::runtime_error("open " + path);
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA synchronous=FULL");
    exec("CREATE TABLE IF NOT EXISTS intake (id INTEGER PRIMARY KEY, body BLOB NOT NULL)");
    sqlite3_prepare_v2(db_, "INSERT INTO intake (body) VALUES (?)", -1, &insert_, nullptr);
    committer_ = std::thread([this] { commit_loop(); });
  }
  ~Intake() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    work_.notify_all();
    committer_.join();
    sqlite3_finalize(insert_);
    sqlite3_close(db_);
  }

  HttpResponse handle(const HttpRequest& request) {
    const std::string expected = "sha256=" + hex_hmac_sha256(secret_, request.body);
    const std::string given = request.header("X-Signature").value_or("");
    if (given.size() != expected.size() ||
        CRYPTO_memcmp(given.data(), expected.data(), expected.size()) != 0) {
      return HttpResponse::error(401, "unauthorized", "auth_failed");
    }
    Pending pending{&request.body};
    std::unique_lock lock(mutex_);
    queue_.push_back(&pending);
    work_.notify_one();
    committed_.wait(lock, [&] { return pending.done; });
    if (!pending.ok) return HttpResponse::error(503, "not stored", "unavailable");
    return HttpResponse::json(202, R"({"accepted":true})");
  }

 private:
  struct Pending {
    const std::string* body;
    bool done = false;
    bool ok = false;
  };

  void commit_loop() {
    std::vector<Pending*> batch;
    for (;;) {
      {
        std::unique_lock lock(mutex_);
        work_.wait(lock, [this] { return stop_ || !queue_.empty(); });
        if (queue_.empty()) return;
        batch.swap(queue_);
      }
      bool ok = sqlite3_exec(db_, "BEGIN", nullptr, nullptr, nullptr) == SQLITE_OK;
      for (Pending* p : batch) {
        sqlite3_reset(insert_);
        sqlite3_bind_blob(insert_, 1, p->body->data(), static_cast<int>(p->body->size()),
                          SQLITE_STATIC);
        ok = ok && sqlite3_step(insert_) == SQLITE_DONE;
      }
      ok = ok && sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK;
      if (!ok) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      {
        std::lock_guard lock(mutex_);
        for (Pending* p : batch) {
          p->done = true;
          p->ok = ok;
        }
      }
      committed_.notify_all();
      batch.clear();
    }
  }
  void exec(const char* sql) {
    if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
      throw std::runtime_error(std::string(sql) + ": " + sqlite3_errmsg(db_));
    }
  }
  std::string secret_;
  sqlite3* db_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
  std::mutex mutex_;
  std::condition_variable work_, committed_;
  std::vector<Pending*> queue_;
  bool stop_ = false;
  std::thread committer_;
};

}  // namespace

int main(int argc, char** argv) {
  std::string db, secret, port_file;
  int threads = 8;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string name = argv[i];
    if (name == "--db") {
      db = argv[i + 1];
    } else if (name == "--secret") {
      secret = argv[i + 1];
    } else if (name == "--port-file") {
      port_file = argv[i + 1];
    } else if (name == "--threads") {
      threads = std::stoi(argv[i + 1]);
    }
  }
  if (db.empty() || secret.empty() || port_file.empty()) {
    std::cerr << "usage: sluice-bench-serve-intake --db FILE --secret SECRET --port-file FILE "
                 "[--threads N]\n";
    return 2;
  }
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  Intake intake(db, secret);
  sluice::serve::Router router;
  router.add({.method = "POST",
              .pattern = "/bench/intake",
              .handler = [&intake](const HttpRequest& request) { return intake.handle(request); }});
  sluice::serve::ServerOptions options;
  options.threads = threads;
  options.queue = 256;
  sluice::serve::HttpServer server(router, options);
  if (auto started = server.start(); !started) {
    std::cerr << started.error().message << "\n";
    return 1;
  }
  std::ofstream(port_file) << server.port() << "\n";
  int signal = 0;
  sigwait(&set, &signal);
  server.stop();
  return 0;
}
