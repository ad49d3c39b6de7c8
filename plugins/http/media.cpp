#include "media.hpp"

#include <boost/json/parse.hpp>

#include "settings.hpp"
#include "sluice/json_path.hpp"
#include "sluice/support/formats/csv.hpp"
#include "sluice/support/formats/form.hpp"
#include "sluice/support/formats/xml.hpp"

namespace sluice::plugins::http {

namespace json = boost::json;
namespace formats = support::formats;

namespace {

std::optional<MediaType> parse_name(std::string_view name) {
  if (name == "json") return MediaType::kJson;
  if (name == "xml") return MediaType::kXml;
  if (name == "urlencoded") return MediaType::kUrlencoded;
  if (name == "form-data") return MediaType::kFormData;
  if (name == "plaintext") return MediaType::kPlaintext;
  if (name == "csv") return MediaType::kCsv;
  return std::nullopt;
}

// The setting's value as a media type; nullopt when absent. The settings are enumerations, so
// read() has already refused any other name.
Result<std::optional<MediaType>> read_type(const Setting<std::string>& setting,
                                           const json::object& doc) {
  auto text = setting.read(doc);
  if (!text) return text.error();
  if (text->empty()) return std::optional<MediaType>();
  return parse_name(*text);
}

MediaType response_default(MediaType request) {
  switch (request) {
    case MediaType::kXml:
    case MediaType::kPlaintext:
      return request;
    default:
      return MediaType::kJson;
  }
}

const char* content_type_of(MediaType type) {
  switch (type) {
    case MediaType::kXml:
      return "application/xml";
    case MediaType::kUrlencoded:
      return "application/x-www-form-urlencoded";
    case MediaType::kFormData:
      return "multipart/form-data";
    case MediaType::kPlaintext:
      return "text/plain";
    case MediaType::kCsv:
      return "text/csv";
    default:
      return "application/json";
  }
}

const char* accept_of(MediaType type) {
  switch (type) {
    case MediaType::kXml:
      return "application/xml";
    case MediaType::kCsv:
      return "text/csv";
    case MediaType::kPlaintext:
      return "text/plain";
    default:
      return "application/json";
  }
}

// An XML element that occurred once is an object, not an array: at the records' path, one
// record.
void wrap_single(json::value& body, const std::string& resource_path) {
  // Without a path the body is the document, {root: ...}: an object by construction, which
  // records_of() reports with its key rather than exporting the whole document as one record.
  if (resource_path.empty()) return;
  json::value* at = find_path(body, resource_path);
  if (at == nullptr || !at->is_object()) return;
  json::array one(at->storage());
  one.push_back(std::move(*at));
  *at = std::move(one);
}

}  // namespace

std::string_view name_of(MediaType type) noexcept {
  switch (type) {
    case MediaType::kJson:
      return "json";
    case MediaType::kXml:
      return "xml";
    case MediaType::kUrlencoded:
      return "urlencoded";
    case MediaType::kFormData:
      return "form-data";
    case MediaType::kPlaintext:
      return "plaintext";
    case MediaType::kCsv:
      return "csv";
  }
  return "json";
}

Result<ConnectionMedia> ConnectionMedia::read(const json::object& doc,
                                              const support::http::Headers& headers) {
  const ConnectionSettings& s = connection_settings();
  ConnectionMedia media;
  auto request = read_type(s.media_type, doc);
  if (!request) return request.error();
  media.request = request->value_or(MediaType::kJson);
  auto success = read_type(s.success_media_type, doc);
  if (!success) return success.error();
  media.success = *success;
  auto error = read_type(s.error_media_type, doc);
  if (!error) return error.error();
  media.error = *error;
  media.accept_header = support::http::find_header(headers, "Accept") != nullptr;
  return media;
}

Result<StepMedia> StepMedia::resolve(const ConnectionMedia& connection, const json::object& doc,
                                     const Setting<std::string>& request,
                                     const Setting<std::string>& success,
                                     const Setting<std::string>& error) {
  StepMedia media;
  media.accept_header_ = connection.accept_header;
  auto own_request = read_type(request, doc);
  if (!own_request) return own_request.error();
  media.request_ = own_request->value_or(connection.request);
  auto own_success = read_type(success, doc);
  if (!own_success) return own_success.error();
  media.success_ = own_success->has_value() ? **own_success
                   : connection.success     ? *connection.success
                                            : response_default(media.request_);
  auto own_error = read_type(error, doc);
  if (!own_error) return own_error.error();
  media.error_ = own_error->has_value() ? **own_error
                 : connection.error     ? *connection.error
                                        : response_default(media.success_);
  return media;
}

Result<StepMedia> StepMedia::for_export(const ConnectionMedia& connection,
                                        const json::object& export_doc,
                                        const std::string& resource_path) {
  const ExportSettings& s = export_settings();
  auto media = resolve(connection, export_doc, s.request_media_type, s.success_media_type,
                       s.error_media_type);
  if (!media) return media.error();
  if (media->success_ == MediaType::kPlaintext) {
    return make_error(Status::kInvalidConfig,
                      "http.successMediaType is plaintext, but an export makes records from its "
                      "responses: set the export's http.successMediaType to json, xml or csv");
  }
  if (media->success_ == MediaType::kCsv && !resource_path.empty()) {
    return make_error(Status::kInvalidConfig,
                      "http.response.resourcePath '" + resource_path +
                          "' is set, but with http.successMediaType csv every row of the "
                          "response is a record: remove http.response.resourcePath");
  }
  return media;
}

Result<StepMedia> StepMedia::for_import(const ConnectionMedia& connection,
                                        const json::object& import_doc, const ImportUse& use) {
  const ImportSettings& s = import_settings();
  auto media = resolve(connection, import_doc, s.request_media_type, s.success_media_type,
                       s.error_media_type);
  if (!media) return media.error();
  const std::string request(name_of(media->request_));
  if (!use.has_body_template &&
      (media->request_ == MediaType::kXml || media->request_ == MediaType::kPlaintext)) {
    return make_error(
        Status::kInvalidConfig,
        "http.requestMediaType is " + request + " but http.body is empty: write the " + request +
            " body as a template, e.g. " +
            (media->request_ == MediaType::kXml ? "<order><id>{{record.id}}</id></order>"
                                                : "{{record.note}}"));
  }
  if (!use.has_body_template && use.batch_size > 1 &&
      (media->request_ == MediaType::kUrlencoded || media->request_ == MediaType::kFormData)) {
    return make_error(Status::kInvalidConfig,
                      "http.requestMediaType is " + request + " and http.batchSize is " +
                          std::to_string(use.batch_size) +
                          ", but a form holds one record's fields: set http.batchSize to 1, or "
                          "write http.body for the batch");
  }
  if (media->success_ == MediaType::kCsv) {
    return make_error(Status::kInvalidConfig,
                      "the connection's http.successMediaType is csv, which an import's responses "
                      "cannot be read as: set the import's http.successMediaType to json, xml or "
                      "plaintext");
  }
  if (media->success_ == MediaType::kPlaintext && use.reads_results) {
    return make_error(Status::kInvalidConfig,
                      "http.successMediaType is plaintext, so http.response.resourcePath, "
                      "resourceIdPath and successPath have nothing to read: set "
                      "http.successMediaType to json or xml, or remove those paths");
  }
  return media;
}

support::Escape StepMedia::body_escape() const noexcept {
  switch (request_) {
    case MediaType::kXml:
      return support::Escape::kXml;
    case MediaType::kUrlencoded:
      return support::Escape::kUri;
    case MediaType::kPlaintext:
      return support::Escape::kNone;
    default:
      return support::Escape::kJson;
  }
}

void StepMedia::prepare(support::http::Request& request) const {
  request.content_type = content_type_of(request_);
  if (!accept_header_ && support::http::find_header(request.headers, "Accept") == nullptr) {
    request.headers.push_back({"Accept", accept_of(success_)});
  }
}

Result<void> StepMedia::encode_rendered(std::string& body, support::http::Request& request) const {
  if (request_ != MediaType::kFormData || body.empty()) return {};
  json::error_code ec;
  const json::value fields = json::parse(body, ec);
  if (ec || !fields.is_object()) {
    return make_error(
        Status::kInvalidConfig,
        "http.body must render a JSON object of fields with http.requestMediaType "
        "form-data (each field becomes a part of the multipart body), but it "
        "rendered " +
            (ec ? "text that is not JSON (" + ec.message() + ")" : describe_value(fields)) + ": " +
            support::http::body_snippet(body, 120));
  }
  auto multipart = formats::to_multipart(fields);
  if (!multipart)
    return make_error(Status::kInvalidConfig, "http.body: " + multipart.error().message);
  body = std::move(multipart->body);
  request.content_type = std::move(multipart->content_type);
  return {};
}

Result<bool> StepMedia::encode_record(const json::value& record, std::string& body,
                                      support::http::Request& request) const {
  if (request_ == MediaType::kUrlencoded) {
    auto form = formats::to_urlencoded(record);
    if (!form) return form.error();
    body = std::move(*form);
    return true;
  }
  if (request_ == MediaType::kFormData) {
    auto multipart = formats::to_multipart(record);
    if (!multipart) return multipart.error();
    body = std::move(multipart->body);
    request.content_type = std::move(multipart->content_type);
    return true;
  }
  return false;
}

std::optional<json::value> StepMedia::decode(const support::http::Response& response,
                                             const std::string& resource_path,
                                             json::storage_ptr storage) const {
  if (response.body.empty()) return std::nullopt;
  const MediaType type = response.ok() ? success_ : error_;
  switch (type) {
    case MediaType::kXml: {
      auto value = formats::xml_to_json(response.body);
      if (!value) return std::nullopt;
      wrap_single(*value, resource_path);
      return json::value(std::move(*value), std::move(storage));
    }
    case MediaType::kCsv: {
      auto rows = formats::csv_to_json(response.body);
      if (!rows) return std::nullopt;
      return json::value(std::move(*rows), std::move(storage));
    }
    case MediaType::kPlaintext:
      return std::nullopt;
    default: {
      json::error_code ec;
      json::value value = json::parse(response.body, ec, std::move(storage));
      if (ec) return std::nullopt;
      return value;
    }
  }
}

Result<json::value> StepMedia::decode_records(const support::http::Response& response,
                                              std::string_view method,
                                              const std::string& resource_path,
                                              const support::http::Client& client,
                                              json::storage_ptr storage) const {
  const std::string where = "the response of " + std::string(method) + " " + response.url;
  const auto snippet = [&] { return support::http::body_snippet(client.redact(response.body)); };
  if (success_ == MediaType::kCsv) {
    auto rows = formats::csv_to_json(response.body);
    if (!rows) {
      return make_error(Status::kRemoteError, where +
                                                  " is not CSV as http.successMediaType says: " +
                                                  rows.error().message + ": " + snippet());
    }
    return json::value(std::move(*rows), std::move(storage));
  }
  if (success_ == MediaType::kXml) {
    auto value = formats::xml_to_json(response.body);
    if (!value) {
      return make_error(Status::kRemoteError, where +
                                                  " is not XML as http.successMediaType says: " +
                                                  value.error().message + ": " + snippet());
    }
    wrap_single(*value, resource_path);
    return json::value(std::move(*value), std::move(storage));
  }
  json::error_code ec;
  json::value body = json::parse(response.body, ec, std::move(storage));
  if (ec) {
    return make_error(Status::kRemoteError,
                      where + " is not JSON (" + ec.message() + "): " + snippet());
  }
  return body;
}

}  // namespace sluice::plugins::http
