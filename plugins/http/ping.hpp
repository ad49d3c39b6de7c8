// An HTTP connection's test (http.ping): the request it sends and the rules that judge the
// response, as integrator.io's "Test connection" does:
//
//  - a status other than 2xx fails (the message at http.ping.errorPath, when there is one, is
//    the reason; otherwise the client's message);
//  - with http.ping.failPath: a value there that is one of failValues (or, without failValues,
//    any value that is not false, null, 0 or "") fails, even with a 2xx;
//  - with http.ping.successPath: the value there must be one of successValues (or, without
//    them, present and not false, null, 0 or ""); an array passes when
//    allowArrayforSuccessPath is true and any element does. Values compare as text.
//  - without either path, any 2xx passes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "sluice/result.hpp"
#include "sluice/support/http/message.hpp"
#include "template_context.hpp"

namespace sluice::plugins::http {

class PingCheck {
 public:
  // Reads http.ping from the connection resource `doc`, rendering relativeURI and body against
  // {"connection": variables.open}. kInvalidConfig naming the setting when a value is of the
  // wrong kind or a template does not render.
  static Result<PingCheck> read(const boost::json::object& doc,
                                const ConnectionVariables& variables);

  // The request to send (its body views this object: keep it alive while sending).
  support::http::Request request() const;

  struct Verdict {
    bool passed = false;
    // Why, for people: "successPath 'status' is 'ok', one of [\"ok\"]", "HTTP 200 OK (any 2xx
    // passes)", "failPath 'error.code' is 'invalid_token', one of [\"invalid_token\"]".
    std::string why;
    // With !passed: the text at http.ping.errorPath, when the response has one.
    std::optional<std::string> message;
  };
  Verdict judge(const support::http::Response& response) const;

 private:
  std::string method_ = "GET";
  std::string uri_;
  std::string body_;
  std::string success_path_;
  std::vector<std::string> success_values_;
  bool allow_array_ = false;
  std::string fail_path_;
  std::vector<std::string> fail_values_;
  std::string error_path_;
};

}  // namespace sluice::plugins::http
