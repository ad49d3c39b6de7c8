// The fixed-width reader (make_fixed_width_reader): each line is one record whose fields are cut
// at the positions of FileOptions::fixed_width (characters, 1-based, counted in UTF-8 code
// points). Lines end with LF (a CR before it is dropped) or, with fileDefinition.rowDelimiter
// "\r", with CR; blank lines are skipped, and characters after the last field are not read.
// Values are trimmed of spaces; "number" gives a JSON number and "boolean" true or false (from
// true/false, yes/no, y/n, 1/0 in any case), both null when blank. A line shorter than the last
// field's end, or a value that is not of its type, is that record's error.
#include <algorithm>
#include <charconv>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "makers.hpp"

namespace sluice::support::formats {

namespace json = boost::json;

namespace {

std::string_view trim(std::string_view text) {
  const size_t first = text.find_first_not_of(' ');
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(' ') - first + 1);
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// A JSON number from `text`: an integer when it is one, else a double; none when it is neither.
std::optional<json::value> number(std::string_view text) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  int64_t integer = 0;
  auto parsed = std::from_chars(text.data(), text.data() + text.size(), integer);
  if (parsed.ec == std::errc() && parsed.ptr == text.data() + text.size())
    return json::value(integer);
  double real = 0;
  parsed = std::from_chars(text.data(), text.data() + text.size(), real);
  if (parsed.ec == std::errc() && parsed.ptr == text.data() + text.size() && !text.empty()) {
    return json::value(real);
  }
  return {};
}

class FixedWidthReader final : public Reader {
 public:
  FixedWidthReader(const FileOptions& options, std::string file, RecordSink& sink)
      : fields_(options.fixed_width),
        file_(std::move(file)),
        sink_(sink),
        max_record_bytes_(options.max_record_bytes),
        end_(options.fixed_width_row_delimiter == "\r" ? '\r' : '\n') {
    for (const FixedWidthField& field : fields_) {
      width_ = std::max(width_, field.start + field.length - 1);
    }
  }

  Result<void> write(std::string_view bytes) override {
    if (stop_) return *stop_;
    return bom_.write(bytes, [this](std::string_view b) { return feed(b); });
  }

  Result<void> finish() override {
    if (stop_) return *stop_;
    if (auto fed = bom_.finish([this](std::string_view b) { return feed(b); }); !fed) return fed;
    if (!line_.empty()) end_line();
    if (stop_) return *stop_;
    return {};
  }

 private:
  Result<void> feed(std::string_view bytes) {
    while (!bytes.empty()) {
      const size_t at = bytes.find(end_);
      const std::string_view piece = at == std::string_view::npos ? bytes : bytes.substr(0, at + 1);
      if (line_.size() + piece.size() > max_record_bytes_) {
        stop_ = make_error(Status::kRemoteError,
                           file_ + " line " + std::to_string(line_number_) +
                               ": a line is longer than " + std::to_string(max_record_bytes_) +
                               " bytes; check file.fileDefinition.rowDelimiter");
        return *stop_;
      }
      line_.append(piece);
      bytes.remove_prefix(piece.size());
      if (at != std::string_view::npos) end_line();
      if (stop_) return *stop_;
    }
    return {};
  }

  void end_line() {
    const uint64_t line = line_number_++;
    std::string_view text = line_;
    if (!text.empty() && text.back() == end_) text.remove_suffix(1);
    if (end_ == '\n' && !text.empty() && text.back() == '\r') text.remove_suffix(1);
    if (!text.empty()) read_line(text, line);
    line_.clear();
  }

  void read_line(std::string_view text, uint64_t line) {
    // The byte offset of each character, and of the end.
    offsets_.clear();
    for (size_t i = 0; i < text.size(); ++i) {
      if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) offsets_.push_back(i);
    }
    const size_t characters = offsets_.size();
    offsets_.push_back(text.size());
    if (characters < width_) {
      const auto last = std::max_element(
          fields_.begin(), fields_.end(),
          [](const auto& a, const auto& b) { return a.start + a.length < b.start + b.length; });
      bad(line, characters + 1,
          "the line is " + std::to_string(characters) + " characters long but field \"" +
              last->name + "\" ends at character " + std::to_string(width_) +
              "; check the file definition's positions");
      return;
    }
    json::object record;
    record.reserve(fields_.size());
    for (const FixedWidthField& field : fields_) {
      const size_t from = offsets_[field.start - 1];
      const std::string_view value =
          trim(text.substr(from, offsets_[field.start - 1 + field.length] - from));
      if (field.type == FixedWidthField::Type::kString) {
        record.emplace(field.name, value);
        continue;
      }
      if (value.empty()) {
        record.emplace(field.name, nullptr);
        continue;
      }
      if (field.type == FixedWidthField::Type::kNumber) {
        auto parsed = number(value);
        if (!parsed) {
          bad(line, field.start,
              "field \"" + field.name + "\" is \"" + std::string(value) + "\", not a number");
          return;
        }
        record.emplace(field.name, std::move(*parsed));
        continue;
      }
      const std::string word = lower(value);
      if (word == "true" || word == "yes" || word == "y" || word == "1") {
        record.emplace(field.name, true);
      } else if (word == "false" || word == "no" || word == "n" || word == "0") {
        record.emplace(field.name, false);
      } else {
        bad(line, field.start,
            "field \"" + field.name + "\" is \"" + std::string(value) +
                "\", not a boolean (true/false, yes/no, y/n or 1/0)");
        return;
      }
    }
    auto done =
        sink_.record(json::value(std::move(record)),
                     Origin{.file = file_, .record = ++records_, .line = line, .column = 1});
    if (!done) stop_ = std::move(done).error();
  }

  void bad(uint64_t line, uint64_t column, const std::string& problem) {
    const Origin where{.file = file_, .record = ++records_, .line = line, .column = column};
    auto done = sink_.bad_record(
        make_error(Status::kRemoteError, file_ + " line " + std::to_string(line) + ", column " +
                                             std::to_string(column) + ": " + problem),
        where);
    if (!done) stop_ = std::move(done).error();
  }

  const std::vector<FixedWidthField> fields_;
  const std::string file_;
  RecordSink& sink_;
  const size_t max_record_bytes_;
  const char end_;
  size_t width_ = 0;  // characters a line needs: the end of the last field
  detail::Utf8BomSkipper bom_;
  std::string line_;
  std::vector<size_t> offsets_;
  uint64_t line_number_ = 1;
  uint64_t records_ = 0;
  std::optional<Error> stop_;
};

}  // namespace

Result<std::unique_ptr<Reader>> make_fixed_width_reader(const FileOptions& options,
                                                        std::string file, RecordSink& sink) {
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
  return std::unique_ptr<Reader>(
      std::make_unique<FixedWidthReader>(options, std::move(file), sink));
}

}  // namespace sluice::support::formats
