#include "media.hpp"

#include <sstream>

#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/URI.h>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace sluice::tools::mock_api {

namespace json = boost::json;

namespace {

constexpr const char* kOrdersXml =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<response xmlns:m=\"urn:mock\">\n"
    "  <orders count=\"3\">\n"
    "    <order id=\"ORD-000001\" status=\"open\">\n"
    "      <customer>Ada &amp; Co</customer>\n"
    "      <line sku=\"A1\" qty=\"2\"/>\n"
    "      <line sku=\"B2\" qty=\"1\"/>\n"
    "      <note><![CDATA[<fragile>]]></note>\n"
    "    </order>\n"
    "    <order id=\"ORD-000002\" status=\"paid\">\n"
    "      <customer>Grace</customer>\n"
    "      <line sku=\"C3\" qty=\"5\"/>\n"
    "      <m:priority>high</m:priority>\n"
    "    </order>\n"
    "    <order id=\"ORD-000003\" status=\"open\">\n"
    "      <customer/>\n"
    "    </order>\n"
    "  </orders>\n"
    "</response>\n";

constexpr const char* kOrdersCsv =
    "id,customer,total,note\r\n"
    "ORD-000001,\"Ada & Co\",12.50,\"fragile, \"\"handle with care\"\"\"\r\n"
    "ORD-000002,Grace,7,\"two\nlines\"\r\n"
    "ORD-000003,,0,\r\n";

constexpr const char* kErrorXml =
    "<?xml version=\"1.0\"?>\n"
    "<error><code>E42</code><message>quantity must be positive</message></error>\n";

Reply xml(int status, std::string body) {
  return {status, std::move(body), {{"Content-Type", "application/xml"}}};
}

std::string escape_xml(const std::string& text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

Reply echo(const Poco::Net::HTTPServerRequest& request, const std::string& body) {
  const std::string content_type = request.getContentType();
  json::object fields;
  std::string first_id;
  if (content_type.starts_with("application/x-www-form-urlencoded") ||
      content_type.starts_with("multipart/form-data")) {
    // HTMLForm reads the body from the request's stream; it was read already, so it gets a
    // copy of the request line and Content-Type with the body as a stream.
    Poco::Net::HTTPRequest copy(request.getMethod(), request.getURI());
    copy.setContentType(content_type);
    std::istringstream in(body);
    Poco::Net::HTMLForm form;
    form.load(copy, in);
    for (const auto& [name, value] : form) {
      json::value& list = fields[name];
      if (!list.is_array()) list.emplace_array();
      list.get_array().push_back(json::string(value));
      if (name == "id" && first_id.empty()) first_id = value;
    }
  }
  const Poco::URI uri(request.getURI());
  for (const auto& [key, value] : uri.getQueryParameters()) {
    if (key == "reply" && value == "xml") {
      return xml(201, "<echo><contentType>" + escape_xml(content_type) + "</contentType><id>" +
                          escape_xml(first_id) + "</id><status>created</status></echo>");
    }
  }
  json::object reply{{"contentType", content_type}, {"fields", std::move(fields)}, {"body", body}};
  return {200, json::serialize(reply), {{"Content-Type", "application/json"}}};
}

}  // namespace

std::optional<Reply> media_reply(const Poco::Net::HTTPServerRequest& request,
                                 const std::string& path, const std::string& body) {
  const std::string& method = request.getMethod();
  if (method == "GET" && path == "/api/media/orders.xml") return xml(200, kOrdersXml);
  if (method == "GET" && path == "/api/media/orders.csv") {
    return Reply{200, kOrdersCsv, {{"Content-Type", "text/csv"}}};
  }
  if (method == "GET" && path == "/api/media/error.xml") return xml(400, kErrorXml);
  if ((method == "POST" || method == "PUT") && path == "/api/media/echo") {
    return echo(request, body);
  }
  if (method == "POST" && path == "/api/media/reject.xml") return xml(422, kErrorXml);
  return std::nullopt;
}

}  // namespace sluice::tools::mock_api
