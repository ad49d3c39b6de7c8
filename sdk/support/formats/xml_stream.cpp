#include "xml_stream.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <expat.h>

#include <boost/json/object.hpp>

#include "xml_stream_element.hpp"

namespace sluice::support::formats {

namespace json = boost::json;

namespace {

// file.xml.resourcePath, parsed: the steps and whether they may start at any depth.
struct XmlPath {
  std::vector<std::string> steps;  // empty: the root element
  bool anywhere = false;           // "//..."
};

Result<XmlPath> parse_path(std::string_view text) {
  XmlPath path;
  const auto refuse = [&](std::string_view why) {
    return make_error(Status::kInvalidConfig,
                      "file.xml.resourcePath \"" + std::string(text) + "\" is not supported (" +
                          std::string(why) +
                          "): use an absolute path of element names such as /orders/order, or "
                          "//order for those elements at any depth");
  };
  std::string_view rest = text;
  if (rest.empty() || rest == "/") return path;
  if (rest.starts_with("//")) {
    path.anywhere = true;
    rest.remove_prefix(2);
  } else if (rest.starts_with("/")) {
    rest.remove_prefix(1);
  } else {
    return refuse("it must start with / or //");
  }
  for (;;) {
    const size_t slash = rest.find('/');
    const std::string_view step = rest.substr(0, slash);
    if (step.empty()) return refuse("an empty step or // inside the path");
    if (step == "." || step == ".." ||
        step.find_first_of("[]()@='\" |") != std::string_view::npos ||
        step.find("::") != std::string_view::npos) {
      return refuse("only element names and * are steps");
    }
    path.steps.emplace_back(step);
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return path;
}

class XmlStreamReader final : public Reader {
 public:
  XmlStreamReader(XmlPath path, std::string file, RecordSink& sink, const XmlOptions& limits)
      : path_(std::move(path)),
        file_(std::move(file)),
        sink_(sink),
        limits_(limits),
        elements_(limits.attribute_prefix, limits.text_key),
        parser_(XML_ParserCreate("UTF-8")) {
    if (!parser_) return;
    XML_SetUserData(parser_, this);
    XML_SetElementHandler(parser_, &XmlStreamReader::on_start, &XmlStreamReader::on_end);
    XML_SetCharacterDataHandler(parser_, &XmlStreamReader::on_text);
    XML_SetParamEntityParsing(parser_, XML_PARAM_ENTITY_PARSING_NEVER);
    XML_SetExternalEntityRefHandler(parser_, &XmlStreamReader::on_external_entity);
  }
  ~XmlStreamReader() override {
    if (parser_) XML_ParserFree(parser_);
  }
  XmlStreamReader(const XmlStreamReader&) = delete;
  XmlStreamReader& operator=(const XmlStreamReader&) = delete;

  Result<void> write(std::string_view bytes) override { return parse(bytes, false); }
  Result<void> finish() override { return parse({}, true); }

 private:
  Result<void> parse(std::string_view bytes, bool final) {
    if (!parser_) return make_error(Status::kInternal, file_ + ": Expat could not start");
    if (failed_) return *failed_;
    while (!bytes.empty() || final) {
      const size_t piece = std::min<size_t>(bytes.size(), size_t{1} << 30);
      const bool last = final && piece == bytes.size();
      if (XML_Parse(parser_, bytes.data(), static_cast<int>(piece), last) != XML_STATUS_OK) {
        if (!failed_) {
          failed_ = make_error(
              Status::kRemoteError,
              file_ + " is not well-formed XML at " +
                  position(XML_GetCurrentLineNumber(parser_), XML_GetCurrentColumnNumber(parser_)) +
                  ": " + XML_ErrorString(XML_GetErrorCode(parser_)));
        }
        return *failed_;
      }
      bytes.remove_prefix(piece);
      if (last) break;
    }
    return {};
  }

  static std::string position(XML_Size line, XML_Size column) {
    return "line " + std::to_string(line) + ", column " + std::to_string(column + 1);
  }

  // Stops the parser with `error` (returned by parse()).
  void stop(Error error) {
    if (!failed_) failed_ = std::move(error);
    XML_StopParser(parser_, XML_FALSE);
  }
  void refuse(const std::string& why) {
    stop(make_error(Status::kRemoteError, file_ + ": the XML is refused at " +
                                              position(XML_GetCurrentLineNumber(parser_),
                                                       XML_GetCurrentColumnNumber(parser_)) +
                                              ": " + why));
  }

  bool matches() const {
    const auto& steps = path_.steps;
    if (steps.empty()) return names_.size() == 1;
    if (path_.anywhere ? names_.size() < steps.size() : names_.size() != steps.size()) {
      return false;
    }
    const size_t first = names_.size() - steps.size();
    for (size_t i = 0; i < steps.size(); ++i) {
      if (steps[i] != "*" && steps[i] != names_[first + i]) return false;
    }
    return true;
  }

  void count(size_t bytes) {
    record_bytes_ += bytes;
    if (record_bytes_ > limits_.max_bytes) {
      refuse("record " + std::to_string(records_ + 1) + " is longer than " +
             std::to_string(limits_.max_bytes) + " bytes");
    }
  }

  void start(const XML_Char* name, const XML_Char** attributes) {
    if (failed_) return;
    if (names_.size() + elements_.depth() >= limits_.max_depth) {
      refuse("elements are nested more than " + std::to_string(limits_.max_depth) + " deep");
      return;
    }
    if (elements_.depth() == 0) {
      names_.emplace_back(name);
      if (!matches()) return;
      names_.pop_back();
      where_line_ = XML_GetCurrentLineNumber(parser_);
      where_column_ = XML_GetCurrentColumnNumber(parser_) + 1;
      record_bytes_ = 0;
    }
    elements_.start(name);
    count(std::char_traits<char>::length(name));
    for (const XML_Char** attribute = attributes; attribute[0]; attribute += 2) {
      count(std::char_traits<char>::length(attribute[0]) +
            std::char_traits<char>::length(attribute[1]));
      elements_.attribute(attribute[0], attribute[1]);
    }
  }

  void end() {
    if (failed_) return;
    if (elements_.depth() == 0) {
      names_.pop_back();
      return;
    }
    auto record = elements_.end();
    if (!record) return;
    json::value value = std::move(record->second);
    if (value.is_string()) {
      json::object object;
      if (!value.get_string().empty()) object[limits_.text_key] = std::move(value);
      value = std::move(object);
    }
    ++records_;
    const Origin where{
        .file = file_, .record = records_, .line = where_line_, .column = where_column_};
    if (auto taken = sink_.record(std::move(value), where); !taken) stop(taken.error());
  }

  void text(std::string_view text) {
    if (failed_ || elements_.depth() == 0) return;
    count(text.size());
    elements_.text(text);
  }

  static void XMLCALL on_start(void* self, const XML_Char* name, const XML_Char** attributes) {
    static_cast<XmlStreamReader*>(self)->start(name, attributes);
  }
  static void XMLCALL on_end(void* self, const XML_Char*) {
    static_cast<XmlStreamReader*>(self)->end();
  }
  static void XMLCALL on_text(void* self, const XML_Char* text, int length) {
    static_cast<XmlStreamReader*>(self)->text(std::string_view(text, static_cast<size_t>(length)));
  }
  static int XMLCALL on_external_entity(XML_Parser, const XML_Char*, const XML_Char*,
                                        const XML_Char*, const XML_Char*) {
    return XML_STATUS_ERROR;  // refused: Expat reports "error in processing external entity"
  }

  XmlPath path_;
  std::string file_;
  RecordSink& sink_;
  XmlOptions limits_;
  detail::XmlElementBuilder elements_;  // the record being read
  XML_Parser parser_;
  std::vector<std::string> names_;  // the open elements around the record (or the position)
  std::optional<Error> failed_;
  uint64_t records_ = 0;
  uint64_t where_line_ = 0;
  uint64_t where_column_ = 0;
  size_t record_bytes_ = 0;
};

}  // namespace

Result<void> check_xml_resource_path(std::string_view path) {
  auto parsed = parse_path(path);
  if (!parsed) return parsed.error();
  return {};
}

Result<std::unique_ptr<Reader>> make_xml_reader(const FileOptions& options, std::string file,
                                                RecordSink& sink, const XmlOptions& limits) {
  auto path = parse_path(options.resource_path);
  if (!path) return path.error();
  return std::make_unique<XmlStreamReader>(std::move(*path), std::move(file), sink, limits);
}

}  // namespace sluice::support::formats
