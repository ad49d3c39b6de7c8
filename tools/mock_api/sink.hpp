#pragma once

#include <boost/json/array.hpp>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "echo.hpp"

namespace sluice::tools::mock_api {

// An HTTP status and a JSON body, ready to send, with any further headers (repeatable).
struct Reply {
  int status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra response headers
};

// The receiving end of POST /api/sink: decides per record whether it is accepted and
// remembers what arrived. All member functions are thread-safe (one mutex); JSON parsing
// happens outside the lock.
class Sink {
 public:
  Sink(bool count_only, const std::vector<std::string>& reject);

  // Handles one request body. Every call counts as a request and adds body.size() to the
  // byte total, even when the body is not valid JSON. Returns:
  //  - array of records: 200, an array with one result per record in the same order;
  //  - one object: 201 {"id":..,"status":"created"} or 422 {"id":..,"status":422,"errors":[..]};
  //  - invalid JSON, another JSON type or a non-object array element: 400 {"error":".."}.
  // A record is rejected iff its "id" (a string, or an integer compared as its decimal text)
  // is in the reject list; a record without "id" is accepted with "id":null.
  // With `echo` (--echo-credentials), a rejected record's error message is echo_message() of
  // those credentials.
  Reply ingest(std::string body, const Credentials* echo = nullptr);

  // {"requests":K,"records":N,"accepted":A,"rejected":R,"bytes":B,"received":[...]};
  // "received" (accepted records in arrival order) is left out in count-only mode.
  std::string summary_json() const;

  // 200 {"bodies":["<raw body>",...]}, or 409 in count-only mode where bodies are not kept.
  Reply bodies_json() const;

  // 200 {"ids":["<id>",...]}: the "id" of every accepted record in arrival order (as its text,
  // like the reject list compares it; "" for a record without one). Kept in count-only mode too.
  std::string ids_json() const;

  // Forgets all requests, counts, bodies and records; keeps the reject list.
  void reset();

  // Replaces the reject list.
  void set_reject(const std::vector<std::string>& ids);

 private:
  bool is_rejected_locked(const std::string& id) const;

  const bool count_only_;
  mutable std::mutex mutex_;
  std::unordered_set<std::string> reject_;
  std::int64_t requests_ = 0;
  std::int64_t records_ = 0;
  std::int64_t accepted_ = 0;
  std::int64_t rejected_ = 0;
  std::int64_t bytes_ = 0;
  std::vector<std::string> bodies_;
  boost::json::array received_;
  std::vector<std::string> received_ids_;
};

// The JSON text {"error":"<message>"} with the message escaped.
std::string error_json(std::string_view message);

}  // namespace sluice::tools::mock_api
