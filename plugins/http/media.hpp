// The media types of the HTTP connector's requests and responses (http.mediaType,
// http.requestMediaType, http.successMediaType, http.errorMediaType): how a body is written
// (escaping in templates, Content-Type, form encoding of a record) and how a response body is
// read into JSON (JSON, XML and CSV through sluice/support/formats). docs/http.md, "Media types".
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/storage_ptr.hpp>
#include <boost/json/value.hpp>

#include "sluice/result.hpp"
#include "sluice/settings.hpp"
#include "sluice/support/http/client.hpp"
#include "sluice/support/http/message.hpp"
#include "sluice/support/template.hpp"

namespace sluice::plugins::http {

enum class MediaType { kJson, kXml, kUrlencoded, kFormData, kPlaintext, kCsv };

// "json", "xml", "urlencoded", "form-data", "plaintext", "csv".
std::string_view name_of(MediaType type) noexcept;

// The connection's media settings as written: the request type, and the response types when
// set (absent ones are derived per step, after the step's own overrides).
struct ConnectionMedia {
  MediaType request = MediaType::kJson;
  std::optional<MediaType> success;
  std::optional<MediaType> error;
  bool accept_header = false;  // the connection's http.headers set Accept: it is left alone

  // Reads http.mediaType, http.successMediaType, http.errorMediaType of a connection.
  static Result<ConnectionMedia> read(const boost::json::object& doc,
                                      const support::http::Headers& headers);
};

// What an export's or import's requests and responses use, resolved: the step's
// http.requestMediaType / successMediaType / errorMediaType, else the connection's; an absent
// success type is the request type when that is json, xml or plaintext, else json; an absent
// error type is the success type, json for csv.
class StepMedia {
 public:
  StepMedia() = default;

  // For an export. kInvalidConfig for a success type that cannot make records (plaintext) and
  // for csv with a non-empty http.response.resourcePath (the rows are the records).
  static Result<StepMedia> for_export(const ConnectionMedia& connection,
                                      const boost::json::object& export_doc,
                                      const std::string& resource_path);

  // What an import's settings need of the media types.
  struct ImportUse {
    bool has_body_template = false;
    int64_t batch_size = 1;
    bool reads_results = false;  // resourcePath, resourceIdPath or successPath set
  };
  // For an import. kInvalidConfig, naming the settings, for: xml or plaintext requests without
  // http.body; urlencoded or form-data without http.body and a batch size above 1; a success
  // type of csv (from the connection) or plaintext while response paths are set.
  static Result<StepMedia> for_import(const ConnectionMedia& connection,
                                      const boost::json::object& import_doc, const ImportUse& use);

  MediaType request() const noexcept { return request_; }
  MediaType success() const noexcept { return success_; }
  MediaType error() const noexcept { return error_; }

  // How template values are escaped in http.body: JSON string content, XML text, URL encoding
  // (urlencoded), JSON for form-data (whose body template renders a JSON object), none for
  // plaintext.
  support::Escape body_escape() const noexcept;

  // Sets the request's Content-Type for the request type and, unless the connection's or the
  // request's own headers do, Accept for the success type.
  void prepare(support::http::Request& request) const;

  // A rendered http.body made ready to send, in place: with form-data it must be a JSON object
  // of flat fields and becomes a multipart body (its boundary in request.content_type); other
  // types are sent as rendered. kInvalidConfig naming http.body otherwise.
  Result<void> encode_rendered(std::string& body, support::http::Request& request) const;

  // The body for `record` without a body template: urlencoded or form-data of its fields
  // (nested objects refused naming the field), else nothing (the caller writes JSON).
  // Returns false when the caller should write the record as JSON.
  Result<bool> encode_record(const boost::json::value& record, std::string& body,
                             support::http::Request& request) const;

  // The body of `response` as JSON, read as the success type (2xx) or the error type: JSON
  // parsed, XML and CSV converted; with XML an object at `resource_path` (one repeated element
  // that occurred once) becomes a one-element array. nullopt for an empty body, plaintext, or a
  // body that is not what its type says.
  std::optional<boost::json::value> decode(const support::http::Response& response,
                                           const std::string& resource_path,
                                           boost::json::storage_ptr storage = {}) const;

  // The same for an export's page, where a body that cannot be read is an error:
  // kRemoteError "the response of GET <url> is not JSON (...)" / "is not XML: ..." / "is not
  // CSV: ...", with a snippet of the body (credentials hidden by `client`).
  Result<boost::json::value> decode_records(const support::http::Response& response,
                                            std::string_view method,
                                            const std::string& resource_path,
                                            const support::http::Client& client,
                                            boost::json::storage_ptr storage) const;

 private:
  static Result<StepMedia> resolve(const ConnectionMedia& connection,
                                   const boost::json::object& doc,
                                   const Setting<std::string>& request,
                                   const Setting<std::string>& success,
                                   const Setting<std::string>& error);

  MediaType request_ = MediaType::kJson;
  MediaType success_ = MediaType::kJson;
  MediaType error_ = MediaType::kJson;
  bool accept_header_ = false;
};

}  // namespace sluice::plugins::http
