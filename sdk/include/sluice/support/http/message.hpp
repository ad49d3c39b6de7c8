// Requests and responses of the HTTP support library (see client.hpp).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sluice::support::http {

struct Header {
  std::string name;
  std::string value;
};
using Headers = std::vector<Header>;

// The value of the first header named `name` (compared case-insensitively), or nullptr.
const std::string* find_header(const Headers& headers, std::string_view name) noexcept;

// Replaces every header named `name` (case-insensitively) by one with `value`, or appends it.
void set_header(Headers& headers, std::string_view name, std::string value);

struct Request {
  std::string method = "GET";
  // Absolute http(s) URL, or relative to the client's base URI (joined with join_url()).
  std::string url;
  // Sent after the client's default headers; a header named here replaces a default one.
  Headers headers;
  // Borrowed: must stay valid until the call that sends the request returns. Empty = no body.
  std::string_view body;
  // Sent as Content-Type with a non-empty body.
  std::string content_type = "application/json";
  // Set to have Response::sent_headers filled (for a diagnostic such as `sluice connection
  // test`); off by default, as it copies every header of every attempt.
  bool record_sent_headers = false;
};

struct Response {
  int status = 0;
  std::string reason;
  Headers headers;
  std::string body;
  // The URL that was requested, with credentials hidden: safe for messages and logs.
  std::string url;
  // How many attempts it took (1 when the first one got this response).
  int attempts = 0;
  // With Request::record_sent_headers: the headers of the last attempt as sent, credentials
  // included (redact before showing them); Host is not among them.
  Headers sent_headers;

  bool ok() const noexcept { return status >= 200 && status < 300; }
  const std::string* header(std::string_view name) const noexcept {
    return find_header(headers, name);
  }
};

}  // namespace sluice::support::http
