// Internal: the reader and writer of each file format, which make_reader() and make_writer()
// (factory.cpp) choose by FileOptions::type. Each maker refuses (kInvalidConfig) options its
// format cannot honour; the reader hands records to `sink` and the writer writes to `out`, both
// of which must outlive what is made. A format adds its two declarations here and its case lines
// in factory.cpp.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "sluice/result.hpp"
#include "sluice/support/formats/file_options.hpp"
#include "sluice/support/formats/stream.hpp"

namespace sluice::support::formats {

// CSV and any delimited text (csv_reader.cpp, csv_writer.cpp).
Result<std::unique_ptr<Reader>> make_csv_reader(const FileOptions& options, std::string file,
                                                RecordSink& sink);
Result<std::unique_ptr<Writer>> make_csv_writer(const FileOptions& options, ByteSink& out);

// A JSON document with FileOptions::resource_path, or JSON lines (json_reader.cpp,
// json_writer.cpp).
Result<std::unique_ptr<Reader>> make_json_reader(const FileOptions& options, std::string file,
                                                 RecordSink& sink);
Result<std::unique_ptr<Writer>> make_json_writer(const FileOptions& options, ByteSink& out);

// Fixed width, from FileOptions::fixed_width (fixed_width_reader.cpp, fixed_width_writer.cpp).
Result<std::unique_ptr<Reader>> make_fixed_width_reader(const FileOptions& options,
                                                        std::string file, RecordSink& sink);
Result<std::unique_ptr<Writer>> make_fixed_width_writer(const FileOptions& options, ByteSink& out);

namespace detail {

// What a JSON value is, for messages: "an object", "an array", "a string", "a number",
// "a boolean" or "null".
inline std::string kind_of(const boost::json::value& value) {
  switch (value.kind()) {
    case boost::json::kind::object:
      return "an object";
    case boost::json::kind::array:
      return "an array";
    case boost::json::kind::string:
      return "a string";
    case boost::json::kind::bool_:
      return "a boolean";
    case boost::json::kind::null:
      return "null";
    default:
      return "a number";
  }
}

// Drops a UTF-8 byte order mark (EF BB BF) at the very start of a file, whatever chunks it comes
// in; the text readers pass every chunk through it. Until three bytes have been seen it may hold
// a prefix of the mark back (see take()).
class Utf8BomSkipper {
 public:
  // The part of `bytes` that follows the mark; `held` gets bytes held back earlier that turned
  // out not to be a mark, to be read before the returned ones.
  std::string_view skip(std::string_view bytes, std::string& held) {
    held.clear();
    if (done_) return bytes;
    static constexpr std::string_view kBom = "\xEF\xBB\xBF";
    while (!bytes.empty() && seen_.size() < 3) {
      if (bytes.front() != kBom[seen_.size()]) {
        done_ = true;
        held = std::move(seen_);
        return bytes;
      }
      seen_ += bytes.front();
      bytes.remove_prefix(1);
    }
    if (seen_.size() == 3) done_ = true;
    return bytes;
  }
  // At the end of the file: bytes held back that were not a whole mark.
  std::string take() {
    if (done_) return {};
    done_ = true;
    return std::move(seen_);
  }

  // A reader's write(): `bytes` without the mark to `feed` (held-back bytes first).
  template <class Feed>
  Result<void> write(std::string_view bytes, Feed&& feed) {
    std::string held;
    bytes = skip(bytes, held);
    if (!held.empty()) {
      if (auto fed = feed(std::string_view(held)); !fed) return fed;
    }
    return feed(bytes);
  }
  // A reader's finish(), first step: held-back bytes that were not a mark to `feed`.
  template <class Feed>
  Result<void> finish(Feed&& feed) {
    if (std::string held = take(); !held.empty()) return feed(std::string_view(held));
    return {};
  }

 private:
  bool done_ = false;
  std::string seen_;
};

}  // namespace detail

}  // namespace sluice::support::formats
