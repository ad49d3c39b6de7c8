// --echo-credentials: a careless API that echoes the request's credentials back in error
// messages, in every form they can travel in, so tests can prove that none of them reaches
// Sluice's store, logs or output.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace sluice::tools::mock_api {

// The credentials a request carried: its Authorization header value and the bare token (from
// "Bearer <token>", else the access_token query parameter). Empty when absent.
struct Credentials {
  std::string authorization;
  std::string token;
};

// The HTTP plugin cuts a response body quoted in an error at this many bytes.
inline constexpr std::size_t kSnippetBoundary = 300;

// How the cut form of an echo body is written: the token raw, or JSON-escaped (every "/" as
// "\/", every "-" as "\u002d", every "+" as "\u002B").
enum class EchoCut { kRaw, kJson };

// The token JSON-escaped as above (as bytes inside a JSON string).
std::string json_escaped_token(std::string_view token);
// The token URL-encoded: every byte but letters and digits as %XX, hex upper or lower case.
std::string url_encoded(std::string_view token, bool upper);
// Standard base64 with padding, or URL-safe without.
std::string base64(std::string_view bytes, bool url_safe);

// One per-record error message echoing every form: the Authorization value, the token
// JSON-escaped inside a nested JSON text, URL-encoded (both cases), base64 (both alphabets) and
// base64("sluice:<token>") as basic auth sends a pair.
std::string echo_message(const Credentials& credentials, std::string_view order_id);

// A JSON error body whose first kSnippetBoundary bytes hold the Authorization value, the
// base64 and the URL-encoded token, followed by the token (written as `cut` says) starting 16
// bytes before byte kSnippetBoundary, so a snippet cut there cuts the token.
std::string echo_body(const Credentials& credentials, EchoCut cut);

}  // namespace sluice::tools::mock_api
