#include "sluice/support/http/auth_wsse.hpp"

#include "auth_crypto.hpp"

namespace sluice::support::http {

std::string wsse_header_value(const WsseAuth& auth, std::string_view nonce,
                              std::string_view created) {
  const std::string digest = crypto::base64(
      crypto::digest("SHA1", std::string(nonce) + std::string(created) + auth.password));
  return "UsernameToken Username=\"" + auth.username + "\", PasswordDigest=\"" + digest +
         "\", Nonce=\"" + crypto::base64(nonce) + "\", Created=\"" + std::string(created) + "\"";
}

}  // namespace sluice::support::http
