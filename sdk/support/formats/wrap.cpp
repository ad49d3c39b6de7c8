#include "wrap.hpp"

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "compression.hpp"
#include "encoding.hpp"

namespace sluice::support::formats {

namespace {

class WrappedWriter final : public Writer {
 public:
  Result<void> write(const boost::json::value& record) override { return format_->write(record); }

  Result<void> finish() override {
    if (auto finished = format_->finish(); !finished) return finished;
    if (encoding_) {
      if (auto finished = encoding_->finish(); !finished) return finished;
    }
    if (compression_) return compression_->finish();
    return {};
  }

  // In the order they are built and the reverse of their destruction: each writes to the one
  // before it.
  std::unique_ptr<ByteFilter> compression_;
  std::unique_ptr<ByteFilter> encoding_;
  std::unique_ptr<Writer> format_;
};

// The one format reader of wrap_reader's second overload, until a file takes it.
struct OneFile {
  explicit OneFile(std::unique_ptr<Reader> reader) : format(std::move(reader)) {}
  std::unique_ptr<Reader> format;
  std::optional<std::string> first;  // the file (zip entry) it was given to
};

// A zip read into one format reader: a zip without a file is an empty file, so that the format
// reader is finished (and says what an empty file is to it) either way.
class OneFileZip final : public Reader {
 public:
  OneFileZip(std::unique_ptr<Reader> zip, std::shared_ptr<OneFile> one)
      : zip_(std::move(zip)), one_(std::move(one)) {}
  Result<void> write(std::string_view bytes) override { return zip_->write(bytes); }
  Result<void> finish() override {
    if (auto finished = zip_->finish(); !finished) return finished;
    if (one_->first || !one_->format) return {};
    return one_->format->finish();
  }

 private:
  std::unique_ptr<Reader> zip_;
  std::shared_ptr<OneFile> one_;
};

}  // namespace

Result<std::unique_ptr<Reader>> wrap_reader(const FileOptions& options, std::string file,
                                            ReaderFactory make_format) {
  const Encoding encoding = options.encoding;
  // An XLSX file is a zip of XML parts, bytes that are not text in any encoding: no decoding.
  const bool text = options.type != FileType::kXlsx;
  auto decoded = [encoding, text, make_format = std::move(make_format)](
                     std::string name) -> Result<std::unique_ptr<Reader>> {
    auto format = make_format(name);
    if (!format || !text) return format;
    return make_decoding_reader(encoding, std::move(*format), std::move(name));
  };
  switch (options.compression) {
    case Compression::kNone:
      return decoded(std::move(file));
    case Compression::kGzip: {
      auto inner = decoded(file);
      if (!inner) return inner.error();
      return make_gunzip_reader(std::move(*inner), std::move(file));
    }
    case Compression::kZip: {
      std::string zip = file;
      return make_unzip_reader(
          std::move(file),
          [zip = std::move(zip), decoded = std::move(decoded)](std::string_view entry) {
            return decoded(zip + "/" + std::string(entry));
          });
    }
  }
  return make_error(Status::kInternal, "unknown file.compressionFormat");
}

Result<std::unique_ptr<Reader>> wrap_reader(const FileOptions& options, std::string file,
                                            std::unique_ptr<Reader> format) {
  auto one = std::make_shared<OneFile>(std::move(format));
  std::string zip = file;
  const bool zipped = options.compression == Compression::kZip;
  auto reader = wrap_reader(
      options, std::move(file),
      [one, zip = std::move(zip)](std::string name) -> Result<std::unique_ptr<Reader>> {
        if (one->first) {
          return make_error(Status::kRemoteError, zip + " holds more than one file (" +
                                                      *one->first + ", then " + name +
                                                      "): a zip file read here must hold one file");
        }
        one->first = std::move(name);
        return std::move(one->format);
      });
  if (!reader || !zipped) return reader;
  return std::unique_ptr<Reader>(std::make_unique<OneFileZip>(std::move(*reader), one));
}

Result<std::unique_ptr<Writer>> wrap_writer(const FileOptions& options, ByteSink& out,
                                            std::string entry, WriterFactory make_format) {
  auto writer = std::make_unique<WrappedWriter>();
  ByteSink* next = &out;
  switch (options.compression) {
    case Compression::kNone:
      break;
    case Compression::kGzip:
      writer->compression_ = make_gzip_sink(out);
      break;
    case Compression::kZip:
      writer->compression_ = make_zip_sink(std::move(entry), out);
      break;
  }
  if (writer->compression_) next = writer->compression_.get();
  if (options.encoding != Encoding::kUtf8 && options.type != FileType::kXlsx) {
    writer->encoding_ = make_encoding_sink(options.encoding, *next);
    next = writer->encoding_.get();
  }
  auto format = make_format(*next);
  if (!format) return format.error();
  writer->format_ = std::move(*format);
  return std::unique_ptr<Writer>(std::move(writer));
}

}  // namespace sluice::support::formats
