#include "xlsx_parts.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include <archive.h>
#include <archive_entry.h>
#include <expat.h>

namespace sluice::support::formats::xlsx {

namespace {

Error remote(std::string message) { return make_error(Status::kRemoteError, std::move(message)); }

bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// libarchive's view of a spool file: reads with pread, seeks and skips by moving `position`.
struct ZipSource {
  const SpoolFile* file = nullptr;
  uint64_t position = 0;
  std::vector<char> buffer = std::vector<char>(std::size_t{64} << 10);
};

la_ssize_t zip_read(archive* a, void* data, const void** out) {
  auto& source = *static_cast<ZipSource*>(data);
  auto got = source.file->read_at(source.position, source.buffer.data(), source.buffer.size());
  if (!got) {
    archive_set_error(a, EIO, "%s", got.error().message.c_str());
    return -1;
  }
  source.position += *got;
  *out = source.buffer.data();
  return static_cast<la_ssize_t>(*got);
}

la_int64_t zip_seek(archive*, void* data, la_int64_t offset, int whence) {
  auto& source = *static_cast<ZipSource*>(data);
  const auto size = static_cast<la_int64_t>(source.file->size());
  la_int64_t base = 0;
  if (whence == SEEK_CUR) base = static_cast<la_int64_t>(source.position);
  if (whence == SEEK_END) base = size;
  const la_int64_t target = base + offset;
  if (target < 0) return ARCHIVE_FATAL;
  source.position = static_cast<uint64_t>(std::min(target, size));
  return static_cast<la_int64_t>(source.position);
}

la_int64_t zip_skip(archive*, void* data, la_int64_t request) {
  auto& source = *static_cast<ZipSource*>(data);
  const uint64_t left = source.file->size() - source.position;
  const uint64_t skip =
      std::min<uint64_t>(left, static_cast<uint64_t>(std::max<la_int64_t>(0, request)));
  source.position += skip;
  return static_cast<la_int64_t>(skip);
}

struct ArchiveFree {
  void operator()(archive* a) const { archive_read_free(a); }
};

void on_start(void* data, const XML_Char* name, const XML_Char** attributes);
void on_end(void* data, const XML_Char* name);
void on_text(void* data, const XML_Char* text, int size);
void on_doctype(void* data, const XML_Char*, const XML_Char*, const XML_Char*, int);

std::string_view local_name(std::string_view name) {
  const std::size_t cut = name.rfind(kNamespaceSeparator);
  return cut == std::string_view::npos ? name : name.substr(cut + 1);
}

struct ParserData {
  XmlHandler* handler;
  XmlParser* parser;
  bool* doctype;
  XML_Parser expat;
};

}  // namespace

Result<SpoolFile> SpoolFile::create(std::string_view what) {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = (tmp && *tmp) ? tmp : "/tmp";
  pattern += "/sluice-xlsx-XXXXXX";
  const int fd = ::mkstemp(pattern.data());
  if (fd < 0) {
    return make_error(Status::kInternal, std::string(what) + ": cannot make a temporary file in " +
                                             pattern.substr(0, pattern.rfind('/')) + ": " +
                                             std::strerror(errno) +
                                             "; set TMPDIR to a writable folder");
  }
  ::unlink(pattern.c_str());
  return SpoolFile(fd, std::string(what));
}

SpoolFile::SpoolFile(SpoolFile&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), size_(other.size_), what_(std::move(other.what_)) {}

SpoolFile& SpoolFile::operator=(SpoolFile&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    size_ = other.size_;
    what_ = std::move(other.what_);
  }
  return *this;
}

SpoolFile::~SpoolFile() {
  if (fd_ >= 0) ::close(fd_);
}

Result<void> SpoolFile::append(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::pwrite(fd_, bytes.data(), bytes.size(), static_cast<off_t>(size_));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      return make_error(Status::kInternal, what_ + ": cannot write the temporary file: " +
                                               std::strerror(errno) + " (is the disk full?)");
    }
    size_ += static_cast<uint64_t>(n);
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

Result<std::size_t> SpoolFile::read_at(uint64_t offset, char* out, std::size_t size) const {
  for (;;) {
    const ssize_t n = ::pread(fd_, out, size, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return make_error(Status::kInternal,
                        what_ + ": cannot read the temporary file: " + std::strerror(errno));
    }
    return static_cast<std::size_t>(n);
  }
}

Result<bool> read_zip_entry(const SpoolFile& zip, std::string_view file_name, std::string_view path,
                            const std::function<Result<void>(std::string_view)>& chunk) {
  std::unique_ptr<archive, ArchiveFree> a(archive_read_new());
  if (!a) return make_error(Status::kInternal, "libarchive: out of memory");
  ZipSource source{&zip};
  archive_read_support_format_zip_seekable(a.get());
  archive_read_set_read_callback(a.get(), zip_read);
  archive_read_set_seek_callback(a.get(), zip_seek);
  archive_read_set_skip_callback(a.get(), zip_skip);
  archive_read_set_callback_data(a.get(), &source);
  auto damaged = [&](std::string_view when) {
    const char* why = archive_error_string(a.get());
    return remote(std::string(file_name) + " is a damaged or truncated zip archive (" +
                  std::string(when) + ": " + (why ? why : "unknown error") +
                  "); an XLSX file must be a complete zip");
  };
  if (archive_read_open1(a.get()) != ARCHIVE_OK) return damaged("reading its directory");
  archive_entry* entry = nullptr;
  for (;;) {
    const int status = archive_read_next_header(a.get(), &entry);
    if (status == ARCHIVE_EOF) return false;
    if (status < ARCHIVE_WARN) return damaged("reading its entries");
    const char* name = archive_entry_pathname(entry);
    if (!name || !same_name(name, path)) continue;
    if (archive_entry_is_encrypted(entry)) {
      return remote(std::string(file_name) + ": " + std::string(path) +
                    " is encrypted; save the workbook without a password");
    }
    std::vector<char> buffer(std::size_t{64} << 10);
    for (;;) {
      const la_ssize_t n = archive_read_data(a.get(), buffer.data(), buffer.size());
      if (n == 0) return true;
      if (n < 0) return damaged("inflating " + std::string(path));
      if (auto r = chunk(std::string_view(buffer.data(), static_cast<std::size_t>(n))); !r) {
        return r.error();
      }
    }
  }
}

const char* attribute(XmlAttributes attributes, std::string_view name) {
  for (const char** a = attributes; a && *a; a += 2) {
    if (local_name(a[0]) == name) return a[1];
  }
  return nullptr;
}

const char* relationship_attribute(XmlAttributes attributes, std::string_view name) {
  for (const char** a = attributes; a && *a; a += 2) {
    const std::string_view full(a[0]);
    const std::size_t cut = full.rfind(kNamespaceSeparator);
    if (cut == std::string_view::npos || full.substr(cut + 1) != name) continue;
    if (full.substr(0, cut).find("relationships") != std::string_view::npos) return a[1];
  }
  return nullptr;
}

namespace {

void on_start(void* data, const XML_Char* name, const XML_Char** attributes) {
  static_cast<ParserData*>(data)->handler->start(local_name(name), attributes);
}
void on_end(void* data, const XML_Char* name) {
  static_cast<ParserData*>(data)->handler->end(local_name(name));
}
void on_text(void* data, const XML_Char* text, int size) {
  static_cast<ParserData*>(data)->handler->text(
      std::string_view(text, static_cast<std::size_t>(size)));
}
void on_doctype(void* data, const XML_Char*, const XML_Char*, const XML_Char*, int) {
  auto* d = static_cast<ParserData*>(data);
  *d->doctype = true;
  XML_StopParser(d->expat, XML_FALSE);
}

}  // namespace

XmlParser::XmlParser(XmlHandler& handler, std::string part)
    : parser_(XML_ParserCreateNS(nullptr, kNamespaceSeparator)), part_(std::move(part)) {
  auto* data = new ParserData{&handler, this, &doctype_, parser_};
  XML_SetUserData(parser_, data);
  XML_SetElementHandler(parser_, on_start, on_end);
  XML_SetCharacterDataHandler(parser_, on_text);
  XML_SetStartDoctypeDeclHandler(parser_, on_doctype);
}

XmlParser::~XmlParser() {
  delete static_cast<ParserData*>(XML_GetUserData(parser_));
  XML_ParserFree(parser_);
}

void XmlParser::stop(std::string message) {
  if (!stopped_) stopped_ = std::move(message);
  XML_StopParser(parser_, XML_FALSE);
}

uint64_t XmlParser::line() const { return XML_GetCurrentLineNumber(parser_); }

Result<void> XmlParser::feed(std::string_view bytes) {
  // Expat takes an int length: feed large pieces in parts.
  constexpr std::size_t kMax = std::size_t{1} << 30;
  while (bytes.size() > kMax) {
    if (auto r = parse(bytes.data(), kMax, false); !r) return r;
    bytes.remove_prefix(kMax);
  }
  return parse(bytes.data(), bytes.size(), false);
}

Result<void> XmlParser::finish() { return parse("", 0, true); }

Result<void> XmlParser::parse(const char* bytes, std::size_t size, bool final) {
  if (stopped_) return remote(*stopped_);
  if (XML_Parse(parser_, bytes, static_cast<int>(size), final ? XML_TRUE : XML_FALSE) ==
      XML_STATUS_OK) {
    return {};
  }
  if (stopped_) return remote(*stopped_);
  if (doctype_) {
    return remote(part_ + " has a DOCTYPE declaration, which an XLSX part never has");
  }
  return remote(part_ + " is not well-formed XML at line " +
                std::to_string(XML_GetCurrentLineNumber(parser_)) + ", column " +
                std::to_string(XML_GetCurrentColumnNumber(parser_) + 1) + ": " +
                XML_ErrorString(XML_GetErrorCode(parser_)));
}

}  // namespace sluice::support::formats::xlsx
