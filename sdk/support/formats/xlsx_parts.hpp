// What the XLSX reader and writer share (internal): a temporary spool file, zip entries read
// with libarchive from it, and a push XML parser (Expat) reporting local names.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "sluice/result.hpp"

struct XML_ParserStruct;

namespace sluice::support::formats::xlsx {

// A temporary file in $TMPDIR (else /tmp), unlinked as soon as it is made so that nothing is
// left behind; closed by the destructor. Move-only.
class SpoolFile {
 public:
  // `what` names the file in errors ("orders.xlsx").
  static Result<SpoolFile> create(std::string_view what);
  SpoolFile(SpoolFile&& other) noexcept;
  SpoolFile& operator=(SpoolFile&& other) noexcept;
  SpoolFile(const SpoolFile&) = delete;
  SpoolFile& operator=(const SpoolFile&) = delete;
  ~SpoolFile();

  Result<void> append(std::string_view bytes);
  // Up to `size` bytes at `offset` into `out`; the count read (0 at the end).
  Result<std::size_t> read_at(uint64_t offset, char* out, std::size_t size) const;
  int fd() const { return fd_; }
  uint64_t size() const { return size_; }

 private:
  SpoolFile(int fd, std::string what) : fd_(fd), what_(std::move(what)) {}
  int fd_ = -1;
  uint64_t size_ = 0;
  std::string what_;
};

// Inflates the zip entry whose name is `path` (compared ignoring case, as OPC part names are)
// from the zip in `zip`, handing its bytes to `chunk` in pieces. False when the zip has no such
// entry. Errors (kRemoteError) name `file_name` and say what is wrong with the zip; an error of
// `chunk` is returned as it is.
Result<bool> read_zip_entry(const SpoolFile& zip, std::string_view file_name, std::string_view path,
                            const std::function<Result<void>(std::string_view)>& chunk);

// Attributes as Expat gives them: name, value, name, value, ..., null.
using XmlAttributes = const char**;

// The value of the attribute whose local name is `name` (any namespace), or nullptr.
const char* attribute(XmlAttributes attributes, std::string_view name);
// The value of the attribute `name` in a relationships namespace (r:id), or nullptr.
const char* relationship_attribute(XmlAttributes attributes, std::string_view name);

class XmlHandler {
 public:
  virtual ~XmlHandler() = default;
  // `name` is the element's local name (namespace dropped).
  virtual void start(std::string_view name, XmlAttributes attributes) = 0;
  virtual void end(std::string_view name) = 0;
  virtual void text(std::string_view text) = 0;
};

// Expat, namespace-aware, DOCTYPEs refused (no entity expansion). Bytes are pushed in pieces.
class XmlParser {
 public:
  // `part` names the document in errors ("orders.xlsx: xl/worksheets/sheet1.xml").
  XmlParser(XmlHandler& handler, std::string part);
  ~XmlParser();
  XmlParser(const XmlParser&) = delete;
  XmlParser& operator=(const XmlParser&) = delete;

  Result<void> feed(std::string_view bytes);
  Result<void> finish();
  // Called by a handler: stops the parse; feed() then returns kRemoteError with `message`.
  void stop(std::string message);
  uint64_t line() const;

 private:
  Result<void> parse(const char* bytes, std::size_t size, bool final);
  XML_ParserStruct* parser_;
  std::string part_;
  std::optional<std::string> stopped_;
  bool doctype_ = false;
};

// Expat's delimiter between namespace URI and local name, as XmlParser sets it up.
inline constexpr char kNamespaceSeparator = '\x01';

}  // namespace sluice::support::formats::xlsx
