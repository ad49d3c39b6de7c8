// The JSON reader (make_json_reader): a document whose records are the array at
// file.json.resourcePath (or the document itself when it is that array), or JSON lines.
//
// A document is parsed with Boost.JSON's basic_parser, whose handler builds only the value of the
// record being read (with a value_stack) and skips everything else, so that memory is bounded by
// the longest record (FileOptions::max_record_bytes) and the nesting depth (kMaxDepth), never by
// the document. Input is fed one line at a time so that each record and error knows its line.
#include <boost/json/basic_parser_impl.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/json/stream_parser.hpp>
#include <boost/json/value_stack.hpp>
#include <boost/system/errc.hpp>

#include "makers.hpp"

namespace sluice::support::formats {

namespace json = boost::json;

namespace {

constexpr std::size_t kMaxDepth = 128;

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> parts;
  while (!path.empty()) {
    const size_t dot = path.find('.');
    parts.emplace_back(path.substr(0, dot));
    if (dot == std::string_view::npos) break;
    path.remove_prefix(dot + 1);
  }
  return parts;
}

bool is_blank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

// What the reader does with each record it completes, and where it is.
struct Output {
  RecordSink& sink;
  const std::string& file;
  uint64_t records = 0;
  std::optional<Error> stop;

  void record(json::value value, uint64_t line) {
    const Origin where{.file = file, .record = ++records, .line = line, .column = 0};
    Result<void> done;
    if (value.is_object()) {
      done = sink.record(std::move(value), where);
    } else {
      done = sink.bad_record(
          make_error(Status::kRemoteError, file + " line " + std::to_string(line) + ": record " +
                                               std::to_string(where.record) + " is " +
                                               detail::kind_of(value) +
                                               ", not an object; a record must be a JSON object"),
          where);
    }
    if (!done) stop = std::move(done).error();
  }
};

// basic_parser's handler: follows the path to the records and builds each record.
class Handler {
 public:
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);

  Handler(std::vector<std::string> path, Output& out, std::size_t max_record_bytes)
      : path_(std::move(path)), out_(out), max_record_bytes_(max_record_bytes) {}

  uint64_t line = 1;                // set by the reader before each piece
  std::size_t record_bytes = 0;     // bytes fed while a record is being built (reader's count)
  std::optional<std::string> fail;  // why the handler stopped the parser, other than the sink
  bool found = false;               // the resource path was in the document
  bool building() const { return depth_ > 0; }

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }

  bool on_object_begin(json::error_code& ec) { return begin_container(true, ec); }
  bool on_array_begin(json::error_code& ec) { return begin_container(false, ec); }
  bool on_object_end(std::size_t n, json::error_code& ec) {
    return end_container([&] { stack_.push_object(n); }, ec);
  }
  bool on_array_end(std::size_t n, json::error_code& ec) {
    return end_container([&] { stack_.push_array(n); }, ec);
  }

  bool on_key_part(json::string_view s, std::size_t, json::error_code& ec) {
    if (building()) return guard([&] { stack_.push_chars(s); }, ec);
    key_.append(s.data(), s.size());
    if (key_.size() > max_record_bytes_) {
      fail = "a key is longer than " + std::to_string(max_record_bytes_) + " bytes";
      return stop(ec);
    }
    return true;
  }
  bool on_key(json::string_view s, std::size_t, json::error_code& ec) {
    if (building()) return guard([&] { stack_.push_key(s); }, ec);
    key_.append(s.data(), s.size());
    if (!frames_.empty()) frames_.back().key = std::move(key_);
    key_.clear();
    return true;
  }

  // Outside a record a string needs no text: a string record is refused by its kind alone.
  bool on_string_part(json::string_view s, std::size_t, json::error_code& ec) {
    if (building()) return guard([&] { stack_.push_chars(s); }, ec);
    return true;
  }
  bool on_string(json::string_view s, std::size_t, json::error_code& ec) {
    if (!building()) s = {};
    return scalar([&] { stack_.push_string(s); }, ec);
  }

  bool on_number_part(json::string_view, json::error_code&) { return true; }
  bool on_int64(std::int64_t i, json::string_view, json::error_code& ec) {
    return scalar([&] { stack_.push_int64(i); }, ec);
  }
  bool on_uint64(std::uint64_t u, json::string_view, json::error_code& ec) {
    return scalar([&] { stack_.push_uint64(u); }, ec);
  }
  bool on_double(double d, json::string_view, json::error_code& ec) {
    return scalar([&] { stack_.push_double(d); }, ec);
  }
  bool on_bool(bool b, json::error_code& ec) {
    return scalar([&] { stack_.push_bool(b); }, ec);
  }
  bool on_null(json::error_code& ec) {
    return scalar([&] { stack_.push_null(); }, ec);
  }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }

 private:
  // What the value that starts now is.
  enum class Role {
    kInside,   // part of the record being built
    kRecord,   // a record: an element of the records array, or the object at the path
    kRecords,  // the array at the path
    kPath,     // an object on the way to the path
    kSkip,     // anything else
  };

  struct Frame {
    bool object = false;
    Role role = Role::kSkip;
    std::size_t matched = 0;  // path parts matched by this object's location
    std::string key;          // the member being read
  };

  Role role() const {
    if (building()) return Role::kInside;
    if (frames_.empty()) return path_.empty() ? Role::kRecords : Role::kPath;
    const Frame& frame = frames_.back();
    if (frame.role == Role::kRecords) return Role::kRecord;
    if (frame.role == Role::kPath && frame.matched < path_.size() &&
        frame.key == path_[frame.matched]) {
      return frame.matched + 1 == path_.size() ? Role::kRecords : Role::kPath;
    }
    return Role::kSkip;
  }

  bool begin_container(bool object, json::error_code& ec) {
    Role r = role();
    if (r == Role::kInside) {
      ++depth_;
      return true;
    }
    if (r == Role::kRecords) found = true;
    if (r == Role::kRecords && object) r = Role::kRecord;  // an object at the path: one record
    if (r == Role::kRecord) {
      stack_.reset();
      depth_ = 1;
      record_bytes = 0;
      record_line_ = line;
      return true;
    }
    Frame frame{.object = object, .role = r};
    if (r == Role::kPath) frame.matched = frames_.empty() ? 0 : frames_.back().matched + 1;
    if (r == Role::kPath && !object) frame.role = Role::kSkip;  // paths do not index arrays
    frames_.push_back(std::move(frame));
    (void)ec;
    return true;
  }

  template <class Push>
  bool end_container(Push push, json::error_code& ec) {
    if (!building()) {
      frames_.pop_back();
      return true;
    }
    if (!guard(push, ec)) return false;
    if (--depth_ == 0) return complete(ec);
    return true;
  }

  // A number, string, boolean or null.
  template <class Push>
  bool scalar(Push push, json::error_code& ec) {
    const Role r = role();
    if (r == Role::kInside) return guard(push, ec);
    if (r == Role::kRecord) {
      stack_.reset();
      record_line_ = line;
      if (!guard(push, ec)) return false;
      return complete(ec);
    }
    if (r == Role::kRecords) {
      fail = "the value at file.json.resourcePath" +
             std::string(path_.empty() ? " (the whole document)" : " \"" + join() + "\"") +
             " is not an array or an object of records";
      return stop(ec);
    }
    return true;
  }

  bool complete(json::error_code& ec) {
    depth_ = 0;
    out_.record(stack_.release(), record_line_);
    if (out_.stop) return stop(ec);
    return true;
  }

  template <class Push>
  bool guard(Push push, json::error_code& ec) {
    try {
      push();
    } catch (const std::exception& e) {
      fail = std::string("out of memory building a record: ") + e.what();
      return stop(ec);
    }
    return true;
  }

  static bool stop(json::error_code& ec) {
    ec = boost::system::errc::make_error_code(boost::system::errc::operation_canceled);
    return false;
  }

  std::string join() const {
    std::string text;
    for (const std::string& part : path_) text += (text.empty() ? "" : ".") + part;
    return text;
  }

  const std::vector<std::string> path_;
  Output& out_;
  const std::size_t max_record_bytes_;
  json::value_stack stack_;
  std::vector<Frame> frames_;  // the open containers outside any record
  std::size_t depth_ = 0;      // open containers of the record being built; 0: none
  std::string key_;            // a key outside records, while its parts arrive
  uint64_t record_line_ = 0;
};

json::parse_options parse_options() {
  json::parse_options options;
  options.max_depth = kMaxDepth;
  return options;
}

class JsonDocumentReader final : public Reader {
 public:
  JsonDocumentReader(const FileOptions& options, std::string file, RecordSink& sink)
      : file_(std::move(file)),
        resource_path_(options.resource_path),
        out_{.sink = sink, .file = file_},
        max_record_bytes_(options.max_record_bytes),
        parser_(parse_options(), split_path(options.resource_path), out_,
                options.max_record_bytes) {}

  Result<void> write(std::string_view bytes) override {
    if (failed_) return *failed_;
    return bom_.write(bytes, [this](std::string_view b) { return feed(b); });
  }

  Result<void> finish() override {
    if (failed_) return *failed_;
    if (auto fed = bom_.finish([this](std::string_view b) { return feed(b); }); !fed) return fed;
    if (auto fed = flush_partial(); !fed) return fed;
    if (started_ && !parser_.done()) {
      json::error_code ec;
      parser_.write_some(false, nullptr, 0, ec);
      if (ec) return parse_error(ec, 0);
    }
    // A document without the path would give no records, silently: say so instead.
    if (started_ && !resource_path_.empty() && !parser_.handler().found) {
      return fail(
          make_error(Status::kRemoteError, file_ + ": file.json.resourcePath \"" + resource_path_ +
                                               "\": the document has no \"" + resource_path_ +
                                               "\" there; set the path of the records' array"));
    }
    return {};
  }

 private:
  // The parser gets pieces that end at line ends or after kPiece bytes of a line, whatever the
  // chunks: a record's size is then known to within kPiece, and the positions the parser reports
  // do not depend on where chunks were cut (a piece cut short is held in partial_).
  static constexpr size_t kPiece = 64 * 1024;

  Result<void> feed(std::string_view bytes) {
    while (!bytes.empty()) {
      const size_t room = kPiece - partial_.size();
      const size_t at = bytes.substr(0, room).find('\n');
      const size_t take = at == std::string_view::npos ? std::min(room, bytes.size()) : at + 1;
      const bool complete = at != std::string_view::npos || take == room;
      if (!complete) {
        partial_.append(bytes);
        return {};
      }
      Result<void> fed;
      if (partial_.empty()) {
        fed = feed_line_piece(bytes.substr(0, take), at != std::string_view::npos);
      } else {
        partial_.append(bytes.substr(0, take));
        const std::string piece = std::move(partial_);
        partial_.clear();
        fed = feed_line_piece(piece, at != std::string_view::npos);
      }
      if (!fed) return fed;
      bytes.remove_prefix(take);
    }
    return {};
  }

  Result<void> flush_partial() {
    if (partial_.empty()) return {};
    const std::string piece = std::move(partial_);
    partial_.clear();
    return feed_line_piece(piece, false);
  }

  Result<void> feed_line_piece(std::string_view piece, bool ends_line) {
    if (auto fed = feed_piece(piece); !fed) return fed;
    if (ends_line) {
      ++line_;
      column_ = 0;
    } else {
      column_ += piece.size();
    }
    return {};
  }

  Result<void> feed_piece(std::string_view piece) {
    if (parser_.done()) {
      if (is_blank(piece)) return {};
      return fail(make_error(Status::kRemoteError,
                             where(piece.find_first_not_of(" \t\r\n")) +
                                 ": more data after the end of the JSON document; a file holds "
                                 "one document (or set file.json.jsonLines for one per line)"));
    }
    if (!started_) {
      if (is_blank(piece)) return {};
      started_ = true;
    }
    Handler& handler = parser_.handler();
    handler.line = line_;
    const bool building = handler.building();
    json::error_code ec;
    const size_t parsed = parser_.write_some(true, piece.data(), piece.size(), ec);
    if (ec) return parse_error(ec, parsed);
    if (building || handler.building()) {
      handler.record_bytes += piece.size();
      if (handler.record_bytes > max_record_bytes_) {
        return fail(make_error(Status::kRemoteError, where(0) + ": a record is longer than " +
                                                         std::to_string(max_record_bytes_) +
                                                         " bytes"));
      }
    }
    if (parsed < piece.size() && !is_blank(piece.substr(parsed))) {
      return fail(make_error(Status::kRemoteError,
                             where(parsed) +
                                 ": more data after the end of the JSON document; a file holds "
                                 "one document (or set file.json.jsonLines for one per line)"));
    }
    return {};
  }

  Result<void> parse_error(json::error_code ec, size_t parsed) {
    if (out_.stop) return fail(*out_.stop);
    Handler& handler = parser_.handler();
    if (handler.fail)
      return fail(make_error(Status::kRemoteError, where(parsed) + ": " + *handler.fail));
    return fail(
        make_error(Status::kRemoteError,
                   where(parsed) + ": the file is not valid JSON here (" + ec.message() + ")"));
  }

  std::string where(size_t offset) const {
    return file_ + " line " + std::to_string(line_) + ", column " +
           std::to_string(column_ + offset + 1);
  }

  Error fail(Error error) {
    failed_ = error;
    return error;
  }

  const std::string file_;
  const std::string resource_path_;
  Output out_;
  const size_t max_record_bytes_;
  json::basic_parser<Handler> parser_;
  detail::Utf8BomSkipper bom_;
  uint64_t line_ = 1;
  uint64_t column_ = 0;
  std::string partial_;  // the start of a piece whose end has not arrived
  bool started_ = false;
  std::optional<Error> failed_;
};

// JSON lines: one record per line; blank lines are skipped; a line that is not JSON is that
// record's error.
class JsonLinesReader final : public Reader {
 public:
  JsonLinesReader(const FileOptions& options, std::string file, RecordSink& sink)
      : file_(std::move(file)),
        out_{.sink = sink, .file = file_},
        max_record_bytes_(options.max_record_bytes),
        parser_(json::storage_ptr(), parse_options()) {}

  Result<void> write(std::string_view bytes) override {
    if (failed_) return *failed_;
    return bom_.write(bytes, [this](std::string_view b) { return feed(b); });
  }

  Result<void> finish() override {
    if (failed_) return *failed_;
    if (auto fed = bom_.finish([this](std::string_view b) { return feed(b); }); !fed) return fed;
    if (!line_text_.empty()) return end_line();
    return {};
  }

 private:
  Result<void> feed(std::string_view bytes) {
    while (!bytes.empty()) {
      const size_t at = bytes.find('\n');
      const std::string_view piece = at == std::string_view::npos ? bytes : bytes.substr(0, at + 1);
      if (line_text_.size() + piece.size() > max_record_bytes_) {
        failed_ = make_error(Status::kRemoteError,
                             file_ + " line " + std::to_string(line_) + ": a line is longer than " +
                                 std::to_string(max_record_bytes_) + " bytes");
        return *failed_;
      }
      line_text_.append(piece);
      bytes.remove_prefix(piece.size());
      if (at != std::string_view::npos) {
        if (auto done = end_line(); !done) return done;
      }
    }
    return {};
  }

  Result<void> end_line() {
    const uint64_t line = line_++;
    std::string text = std::move(line_text_);
    line_text_.clear();
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    if (is_blank(text)) return {};
    parser_.reset();
    json::error_code ec;
    const size_t parsed = parser_.write_some(text.data(), text.size(), ec);
    if (!ec && !is_blank(std::string_view(text).substr(parsed))) ec = json::error::extra_data;
    if (!ec) parser_.finish(ec);
    if (ec) {
      const Origin where{
          .file = file_, .record = ++out_.records, .line = line, .column = parsed + 1};
      Error error =
          make_error(Status::kRemoteError,
                     file_ + " line " + std::to_string(line) + ", column " +
                         std::to_string(parsed + 1) + ": the line is not valid JSON (" +
                         ec.message() + "); each line of a JSON lines file is one JSON object");
      // The line as it was: what a retry or an edit of the error starts from.
      error.details = json::object{{"line", line}, {"text", text}};
      auto done = out_.sink.bad_record(std::move(error), where);
      if (!done) failed_ = std::move(done).error();
    } else {
      out_.record(parser_.release(), line);
      if (out_.stop) failed_ = out_.stop;
    }
    if (failed_) return *failed_;
    return {};
  }

  const std::string file_;
  Output out_;
  const size_t max_record_bytes_;
  json::stream_parser parser_;
  detail::Utf8BomSkipper bom_;
  uint64_t line_ = 1;
  std::string line_text_;
  std::optional<Error> failed_;
};

}  // namespace

Result<std::unique_ptr<Reader>> make_json_reader(const FileOptions& options, std::string file,
                                                 RecordSink& sink) {
  for (const std::string& part : split_path(options.resource_path)) {
    if (part.empty()) {
      return make_error(Status::kInvalidConfig,
                        "file.json.resourcePath \"" + options.resource_path +
                            "\" has an empty step; write it as names joined by dots, e.g. "
                            "\"data.orders\"");
    }
  }
  if (options.json_lines) {
    return std::unique_ptr<Reader>(
        std::make_unique<JsonLinesReader>(options, std::move(file), sink));
  }
  return std::unique_ptr<Reader>(
      std::make_unique<JsonDocumentReader>(options, std::move(file), sink));
}

}  // namespace sluice::support::formats
