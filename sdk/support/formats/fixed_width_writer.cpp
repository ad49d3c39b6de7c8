// The fixed-width writer (make_fixed_width_writer): one line per record, as long as the end of the
// last field, each followed by fileDefinition.rowDelimiter ("\n" unless set). Strings are
// left-aligned and padded with spaces, and cut to the field's length (counted in UTF-8 code
// points); numbers (shortest round-trip form) and booleans (true/false in a field of 5 or more
// characters, else Y/N) are right-aligned and never cut: one that does not fit is that record's
// error. A missing or null field is spaces; a
// field the definition does not have, or an object or array, is that record's error.
#include <algorithm>
#include <charconv>
#include <string>
#include <unordered_map>

#include <boost/json/value.hpp>

#include "makers.hpp"

namespace sluice::support::formats {

namespace json = boost::json;

namespace {

constexpr size_t kFlushBytes = 64 * 1024;

// The byte length of the first `characters` UTF-8 code points of `text` (all of it when shorter),
// and how many code points that is.
std::pair<size_t, size_t> prefix(std::string_view text, size_t characters) {
  size_t count = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      if (count == characters) return {i, count};
      ++count;
    }
  }
  return {text.size(), count};
}

class FixedWidthWriter final : public Writer {
 public:
  FixedWidthWriter(const FileOptions& options, ByteSink& out)
      : fields_(options.fixed_width), row_delimiter_(options.fixed_width_row_delimiter), out_(out) {
    // Fields in the order of their positions, so that a line is written left to right.
    std::sort(fields_.begin(), fields_.end(),
              [](const auto& a, const auto& b) { return a.start < b.start; });
    for (size_t i = 0; i < fields_.size(); ++i) index_.emplace(fields_[i].name, i);
  }

  Result<void> write(const json::value& record) override {
    ++records_;
    if (!record.is_object()) {
      return refuse("is not an object; a fixed-width line is made from an object's fields");
    }
    std::vector<std::string> texts(fields_.size());
    for (const auto& [key, value] : record.get_object()) {
      const auto it = index_.find(std::string(key));
      if (it == index_.end()) {
        return refuse("has the field \"" + std::string(key) +
                      "\", which the file definition does not have; add it to "
                      "file.fileDefinition.fields or remove it in a mapping");
      }
      const FixedWidthField& field = fields_[it->second];
      std::string& text = texts[it->second];
      if (value.is_string()) {
        text = value.get_string();
        text.resize(prefix(text, field.length).first);
        continue;
      }
      if (value.is_null()) continue;
      if (value.is_bool()) {
        if (field.length >= 5) {
          text = value.get_bool() ? "true" : "false";
        } else {
          text = value.get_bool() ? "Y" : "N";
        }
      } else if (value.is_number()) {
        char buffer[32];
        std::to_chars_result done{};
        if (value.is_int64()) {
          done = std::to_chars(buffer, buffer + sizeof buffer, value.get_int64());
        } else if (value.is_uint64()) {
          done = std::to_chars(buffer, buffer + sizeof buffer, value.get_uint64());
        } else {
          done = std::to_chars(buffer, buffer + sizeof buffer, value.get_double());
        }
        text.assign(buffer, done.ptr);
      } else {
        return refuse("field \"" + std::string(key) +
                      "\" is an object or an array; a fixed-width value must be a string, number, "
                      "boolean or null");
      }
      if (text.size() > field.length) {
        return refuse("field \"" + std::string(key) + "\" is " + text + ", " +
                      std::to_string(text.size()) + " characters, longer than its " +
                      std::to_string(field.length) + "; widen the field");
      }
      text.insert(0, field.length - text.size(), ' ');
    }
    size_t column = 1;  // the character the line has reached
    for (size_t i = 0; i < fields_.size(); ++i) {
      const FixedWidthField& field = fields_[i];
      buffer_.append(field.start - column, ' ');
      buffer_ += texts[i];
      buffer_.append(field.length - prefix(texts[i], field.length).second, ' ');
      column = field.start + field.length;
    }
    buffer_ += row_delimiter_;
    if (buffer_.size() >= kFlushBytes) return flush();
    return {};
  }

  Result<void> finish() override { return flush(); }

 private:
  Error refuse(const std::string& problem) const {
    return make_error(Status::kInvalidConfig,
                      "fixed-width file, record " + std::to_string(records_) + " " + problem);
  }

  Result<void> flush() {
    if (buffer_.empty()) return {};
    auto written = out_.write(buffer_);
    buffer_.clear();
    return written;
  }

  std::vector<FixedWidthField> fields_;
  const std::string row_delimiter_;
  ByteSink& out_;
  std::unordered_map<std::string, size_t> index_;
  size_t records_ = 0;
  std::string buffer_;
};

}  // namespace

Result<std::unique_ptr<Writer>> make_fixed_width_writer(const FileOptions& options, ByteSink& out) {
  if (options.fixed_width.empty()) {
    return make_error(Status::kInvalidConfig,
                      "file.fileDefinition.fields is empty; a fixed-width file needs its fields");
  }
  for (const FixedWidthField& field : options.fixed_width) {
    if (field.start == 0 || field.length == 0) {
      return make_error(Status::kInvalidConfig, "file.fileDefinition.fields \"" + field.name +
                                                    "\" needs a start and a length from 1");
    }
  }
  return std::unique_ptr<Writer>(std::make_unique<FixedWidthWriter>(options, out));
}

}  // namespace sluice::support::formats
