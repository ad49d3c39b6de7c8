// Credentials written where they would be stored and shown in plain text: the user information
// of a URI ("https://user:pw@host/") and literal Authorization, Proxy-Authorization and Cookie
// headers. Secret fields are encrypted at rest and masked on every read; these are not, so apply
// refuses them and names the setting to use instead.
#pragma once

#include <string>
#include <vector>

#include <boost/json/object.hpp>

namespace sluice::host {

// One problem per credential found in `doc`, each "<JSON path>: <what is wrong and what to set
// instead>", never quoting the credential itself. Checked:
//  - every string whose field name ends in URI or URL (any case), or whose schema property in
//    `schema` (a settings schema as plugins declare it) says "format": "uri"/"url": it must not
//    carry user information (anything between "//" and "@" before the host);
//  - every array of {"name", "value"} objects (HTTP headers, wherever they sit): no entry named
//    Authorization, Proxy-Authorization or Cookie (any case).
std::vector<std::string> find_inline_credentials(const boost::json::object& doc,
                                                 const boost::json::object& schema);

}  // namespace sluice::host
