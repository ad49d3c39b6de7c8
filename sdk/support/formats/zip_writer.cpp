#include <ctime>
#include <optional>
#include <string>
#include <utility>

#include <archive.h>
#include <archive_entry.h>

#include "compression.hpp"

namespace sluice::support::formats {

namespace {

class ZipSink final : public ByteFilter {
 public:
  ZipSink(std::string entry, ByteSink& out) : entry_name_(std::move(entry)), out_(out) {}
  ~ZipSink() override {
    if (entry_) archive_entry_free(entry_);
    if (archive_) archive_write_free(archive_);
  }
  ZipSink(const ZipSink&) = delete;
  ZipSink& operator=(const ZipSink&) = delete;

  Result<void> write(std::string_view bytes) override {
    if (!archive_) {
      if (auto opened = open(); !opened) return opened;
    }
    while (!bytes.empty()) {
      const la_ssize_t written = archive_write_data(archive_, bytes.data(), bytes.size());
      if (written < 0) return failure("writing the entry");
      bytes.remove_prefix(static_cast<size_t>(written));
    }
    return {};
  }

  Result<void> finish() override {
    if (!archive_) {
      if (auto opened = open(); !opened) return opened;
    }
    if (archive_write_finish_entry(archive_) != ARCHIVE_OK) return failure("ending the entry");
    if (archive_write_close(archive_) != ARCHIVE_OK) return failure("writing the directory");
    return {};
  }

 private:
  Result<void> open() {
    archive_ = archive_write_new();
    entry_ = archive_entry_new();
    if (!archive_ || !entry_) return make_error(Status::kInternal, "libarchive: out of memory");
    // Unblocked output: each piece goes to `out` as libarchive produces it, no padding.
    if (archive_write_set_format_zip(archive_) != ARCHIVE_OK ||
        archive_write_zip_set_compression_deflate(archive_) != ARCHIVE_OK ||
        archive_write_set_bytes_per_block(archive_, 0) != ARCHIVE_OK ||
        archive_write_open(archive_, this, nullptr, &ZipSink::on_write, nullptr) != ARCHIVE_OK) {
      return failure("starting the zip");
    }
    archive_entry_set_pathname_utf8(entry_, entry_name_.c_str());
    archive_entry_set_filetype(entry_, AE_IFREG);
    archive_entry_set_perm(entry_, 0644);
    archive_entry_set_mtime(entry_, std::time(nullptr), 0);
    if (archive_write_header(archive_, entry_) != ARCHIVE_OK) return failure("writing the header");
    return {};
  }

  static la_ssize_t on_write(struct archive*, void* self, const void* buffer, size_t length) {
    auto* sink = static_cast<ZipSink*>(self);
    auto written = sink->out_.write(std::string_view(static_cast<const char*>(buffer), length));
    if (!written) {
      sink->out_error_ = written.error();
      return -1;
    }
    return static_cast<la_ssize_t>(length);
  }

  Error failure(const char* doing) {
    if (out_error_) return *out_error_;
    const char* why = archive_ ? archive_error_string(archive_) : nullptr;
    return make_error(Status::kInternal, "zip writer (entry \"" + entry_name_ + "\"): " + doing +
                                             " failed: " + (why ? why : "libarchive error"));
  }

  std::string entry_name_;
  ByteSink& out_;
  struct archive* archive_ = nullptr;
  struct archive_entry* entry_ = nullptr;
  std::optional<Error> out_error_;  // the error `out` returned, passed on as it is
};

}  // namespace

std::unique_ptr<ByteFilter> make_zip_sink(std::string entry, ByteSink& out) {
  return std::make_unique<ZipSink>(std::move(entry), out);
}

}  // namespace sluice::support::formats
