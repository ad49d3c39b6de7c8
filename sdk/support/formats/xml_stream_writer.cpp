#include <cctype>
#include <string>
#include <string_view>
#include <utility>

#include <boost/json/serialize.hpp>

#include "xml_stream.hpp"

namespace sluice::support::formats {

namespace json = boost::json;

namespace {

std::string_view declared_name(Encoding encoding) {
  switch (encoding) {
    case Encoding::kUtf8:
      return "UTF-8";
    case Encoding::kWin1252:
      return "windows-1252";
    case Encoding::kIso88591:
      return "ISO-8859-1";
    case Encoding::kUtf16Le:
      return "UTF-16LE";
    case Encoding::kMacRoman:
      return "macintosh";
    case Encoding::kShiftJis:
      return "Shift_JIS";
    case Encoding::kGb18030:
      return "GB18030";
  }
  return "UTF-8";
}

bool is_name(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const auto c = static_cast<unsigned char>(name[i]);
    const bool start = std::isalpha(c) || c == '_' || c == ':' || c >= 0x80;
    if (!start && (i == 0 || !(std::isdigit(c) || c == '.' || c == '-'))) return false;
  }
  return true;
}

// One record's XML, built whole before any of it is written.
class RecordXml {
 public:
  explicit RecordXml(uint64_t record) : record_(record) {}

  Result<void> element(std::string_view name, const json::value& value, const std::string& field) {
    if (!is_name(name)) return refuse(field, "is not a valid XML element name");
    if (value.is_array()) {
      size_t index = 0;
      for (const json::value& item : value.get_array()) {
        const std::string item_field = field + "[" + std::to_string(index++) + "]";
        if (item.is_array())
          return refuse(item_field, "is an array in an array, which XML cannot hold");
        if (auto written = element(name, item, item_field); !written) return written;
      }
      return {};
    }
    out_ += '<';
    out_ += name;
    if (value.is_null()) {
      out_ += "/>";
      return {};
    }
    if (!value.is_object()) {
      out_ += '>';
      if (auto written = text(scalar(value), false, field); !written) return written;
      close(name);
      return {};
    }
    const json::object& object = value.get_object();
    for (const auto& member : object) {
      const std::string_view key = member.key();
      if (!key.starts_with('@')) continue;
      const std::string member_field = field + "." + std::string(key);
      if (!is_name(key.substr(1))) return refuse(member_field, "is not a valid XML attribute name");
      if (member.value().is_object() || member.value().is_array()) {
        return refuse(member_field, "is an attribute whose value is an object or array");
      }
      out_ += ' ';
      out_ += key.substr(1);
      out_ += "=\"";
      if (auto written = text(scalar(member.value()), true, member_field); !written) return written;
      out_ += '"';
    }
    const json::value* body_text = object.if_contains("#text");
    bool children = false;
    for (const auto& member : object) {
      children = children || (!member.key().starts_with('@') && member.key() != "#text");
    }
    if (!children && !body_text) {
      out_ += "/>";
      return {};
    }
    out_ += '>';
    if (body_text) {
      const std::string text_field = field + ".#text";
      if (body_text->is_object() || body_text->is_array()) {
        return refuse(text_field, "is text whose value is an object or array");
      }
      if (auto written = text(scalar(*body_text), false, text_field); !written) return written;
    }
    for (const auto& member : object) {
      const std::string_view key = member.key();
      if (key.starts_with('@') || key == "#text") continue;
      if (auto written = element(key, member.value(), field + "." + std::string(key)); !written) {
        return written;
      }
    }
    close(name);
    return {};
  }

  std::string take() { return std::move(out_); }

 private:
  static std::string scalar(const json::value& value) {
    if (value.is_string()) return std::string(value.get_string());
    if (value.is_null()) return {};
    return json::serialize(value);
  }

  void close(std::string_view name) {
    out_ += "</";
    out_ += name;
    out_ += '>';
  }

  Result<void> text(std::string_view text, bool attribute, const std::string& field) {
    for (const char ch : text) {
      const auto c = static_cast<unsigned char>(ch);
      switch (ch) {
        case '&':
          out_ += "&amp;";
          break;
        case '<':
          out_ += "&lt;";
          break;
        case '>':
          out_ += "&gt;";
          break;
        case '"':
          out_ += attribute ? "&quot;" : "\"";
          break;
        case '\t':
          out_ += attribute ? "&#9;" : "\t";
          break;
        case '\n':
          out_ += attribute ? "&#10;" : "\n";
          break;
        case '\r':
          out_ += "&#13;";
          break;
        default:
          if (c < 0x20) {
            return refuse(field, "holds the control character U+00" +
                                     std::string(1, "0123456789ABCDEF"[c >> 4]) +
                                     "0123456789ABCDEF"[c & 15] + ", which XML 1.0 cannot hold");
          }
          out_ += ch;
      }
    }
    return {};
  }

  Error refuse(const std::string& field, const std::string& what) const {
    return make_error(Status::kInvalidConfig, "record " + std::to_string(record_) +
                                                  " cannot be written as XML: its field " + field +
                                                  " " + what);
  }

  uint64_t record_;
  std::string out_;
};

class XmlWriter final : public Writer {
 public:
  XmlWriter(Encoding encoding, ByteSink& out, XmlWriterOptions names)
      : encoding_(encoding), out_(out), names_(std::move(names)) {}

  Result<void> write(const json::value& record) override {
    if (auto started = start(); !started) return started;
    ++records_;
    if (!record.is_object()) {
      return make_error(Status::kInvalidConfig, "record " + std::to_string(records_) +
                                                    " cannot be written as XML: it is not an "
                                                    "object");
    }
    RecordXml xml(records_);
    if (auto built = xml.element(names_.record, record, "record"); !built) return built;
    std::string text = xml.take();
    text += '\n';
    return out_.write(text);
  }

  Result<void> finish() override {
    if (auto started = start(); !started) return started;
    return out_.write("</" + names_.root + ">\n");
  }

 private:
  Result<void> start() {
    if (started_) return {};
    started_ = true;
    return out_.write("<?xml version=\"1.0\" encoding=\"" + std::string(declared_name(encoding_)) +
                      "\"?>\n<" + names_.root + ">\n");
  }

  Encoding encoding_;
  ByteSink& out_;
  XmlWriterOptions names_;
  bool started_ = false;
  uint64_t records_ = 0;
};

}  // namespace

Result<std::unique_ptr<Writer>> make_xml_writer(const FileOptions& options, ByteSink& out,
                                                const XmlWriterOptions& names) {
  if (!is_name(names.root) || !is_name(names.record)) {
    return make_error(Status::kInvalidConfig, "the XML root and record element names \"" +
                                                  names.root + "\" and \"" + names.record +
                                                  "\" must be XML names");
  }
  return std::make_unique<XmlWriter>(options.encoding, out, names);
}

}  // namespace sluice::support::formats
