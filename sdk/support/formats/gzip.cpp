#include <string>
#include <utility>

#include <zlib.h>

#include "compression.hpp"

namespace sluice::support::formats {

namespace {

constexpr size_t kOutputChunk = size_t{64} << 10;
constexpr int kGzipOnly = 15 + 16;  // windowBits: a gzip header and trailer, 32 KiB window

class GunzipReader final : public Reader {
 public:
  GunzipReader(std::unique_ptr<Reader> inner, std::string file)
      : inner_(std::move(inner)), file_(std::move(file)) {
    ok_ = inflateInit2(&stream_, kGzipOnly) == Z_OK;
  }
  ~GunzipReader() override {
    if (ok_) inflateEnd(&stream_);
  }
  GunzipReader(const GunzipReader&) = delete;
  GunzipReader& operator=(const GunzipReader&) = delete;

  Result<void> write(std::string_view bytes) override {
    if (!ok_)
      return make_error(Status::kInternal, file_ + ": zlib could not start (out of memory)");
    stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
    stream_.avail_in = static_cast<uInt>(bytes.size());
    while (stream_.avail_in > 0) {
      if (!in_member_) {
        // A member ended and more bytes follow: they must be another member.
        inflateReset(&stream_);
        in_member_ = true;
      }
      output_.resize(kOutputChunk);
      stream_.next_out = reinterpret_cast<Bytef*>(output_.data());
      stream_.avail_out = static_cast<uInt>(output_.size());
      const uInt before = stream_.avail_in;
      const int status = inflate(&stream_, Z_NO_FLUSH);
      offset_ += before - stream_.avail_in;
      output_.resize(output_.size() - stream_.avail_out);
      if (!output_.empty()) {
        if (auto written = inner_->write(output_); !written) return written;
      }
      if (status == Z_BUF_ERROR && before == stream_.avail_in && output_.empty()) {
        return make_error(Status::kInternal,
                          file_ + ": zlib made no progress at byte " + std::to_string(offset_));
      }
      if (status == Z_STREAM_END) {
        in_member_ = false;
        ++members_;
      } else if (status != Z_OK && status != Z_BUF_ERROR) {
        return make_error(Status::kRemoteError,
                          file_ + " is not valid gzip data at byte " + std::to_string(offset_) +
                              " (" +
                              (stream_.msg ? stream_.msg : "zlib error " + std::to_string(status)) +
                              "): check that the file is gzip, or set file.compressionFormat to "
                              "match it");
      }
    }
    return {};
  }

  Result<void> finish() override {
    if (!ok_)
      return make_error(Status::kInternal, file_ + ": zlib could not start (out of memory)");
    if (in_member_ || members_ == 0) {
      return make_error(Status::kRemoteError,
                        file_ + " is truncated: its gzip data ends after " +
                            std::to_string(offset_) +
                            " bytes, before the end of the compressed stream");
    }
    return inner_->finish();
  }

 private:
  std::unique_ptr<Reader> inner_;
  std::string file_;
  z_stream stream_{};
  bool ok_ = false;
  bool in_member_ = true;  // inside a member (the first one before any byte)
  uint64_t members_ = 0;
  uint64_t offset_ = 0;  // compressed bytes consumed
  std::string output_;
};

class GzipSink final : public ByteFilter {
 public:
  explicit GzipSink(ByteSink& out) : out_(out) {
    ok_ = deflateInit2(&stream_, Z_DEFAULT_COMPRESSION, Z_DEFLATED, kGzipOnly, 8,
                       Z_DEFAULT_STRATEGY) == Z_OK;
  }
  ~GzipSink() override {
    if (ok_) deflateEnd(&stream_);
  }
  GzipSink(const GzipSink&) = delete;
  GzipSink& operator=(const GzipSink&) = delete;

  Result<void> write(std::string_view bytes) override { return deflate_all(bytes, Z_NO_FLUSH); }
  Result<void> finish() override { return deflate_all({}, Z_FINISH); }

 private:
  Result<void> deflate_all(std::string_view bytes, int flush) {
    if (!ok_) return make_error(Status::kInternal, "zlib could not start (out of memory)");
    stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
    stream_.avail_in = static_cast<uInt>(bytes.size());
    for (;;) {
      output_.resize(kOutputChunk);
      stream_.next_out = reinterpret_cast<Bytef*>(output_.data());
      stream_.avail_out = static_cast<uInt>(output_.size());
      const int status = deflate(&stream_, flush);
      output_.resize(output_.size() - stream_.avail_out);
      if (!output_.empty()) {
        if (auto written = out_.write(output_); !written) return written;
      }
      if (status == Z_STREAM_END) return {};
      if (status != Z_OK && status != Z_BUF_ERROR) {
        return make_error(Status::kInternal,
                          "gzip compression failed: zlib error " + std::to_string(status));
      }
      if (flush == Z_NO_FLUSH && stream_.avail_in == 0 && stream_.avail_out > 0) return {};
    }
  }

  ByteSink& out_;
  z_stream stream_{};
  bool ok_ = false;
  std::string output_;
};

}  // namespace

std::unique_ptr<Reader> make_gunzip_reader(std::unique_ptr<Reader> inner, std::string file) {
  return std::make_unique<GunzipReader>(std::move(inner), std::move(file));
}

std::unique_ptr<ByteFilter> make_gzip_sink(ByteSink& out) {
  return std::make_unique<GzipSink>(out);
}

}  // namespace sluice::support::formats
