#include <cstdint>
#include <string>
#include <utility>

#include <zlib.h>

#include "compression.hpp"

namespace sluice::support::formats {

namespace {

constexpr size_t kOutputChunk = size_t{64} << 10;
constexpr uint32_t kLocalHeader = 0x04034b50;
constexpr uint32_t kCentralHeader = 0x02014b50;
constexpr uint32_t kEndOfCentral = 0x06054b50;
constexpr uint32_t kZip64EndOfCentral = 0x06064b50;
constexpr uint32_t kDescriptor = 0x08074b50;
constexpr size_t kLocalHeaderSize = 30;
constexpr uint16_t kEncrypted = 1;
constexpr uint16_t kSizesFollowData = 8;
constexpr uint16_t kStored = 0;
constexpr uint16_t kDeflated = 8;

uint64_t little_endian(std::string_view bytes, size_t at, size_t size) {
  uint64_t value = 0;
  for (size_t i = size; i-- > 0;) value = (value << 8) | static_cast<unsigned char>(bytes[at + i]);
  return value;
}

class UnzipReader final : public Reader {
 public:
  UnzipReader(std::string file, ZipEntryOpener open_entry)
      : file_(std::move(file)), open_entry_(std::move(open_entry)) {}
  ~UnzipReader() override {
    if (inflating_) inflateEnd(&stream_);
  }
  UnzipReader(const UnzipReader&) = delete;
  UnzipReader& operator=(const UnzipReader&) = delete;

  Result<void> write(std::string_view bytes) override {
    if (state_ == State::kDone) return {};
    pending_.append(bytes);
    auto processed = process();
    offset_ += position_;
    pending_.erase(0, position_);
    position_ = 0;
    return processed;
  }

  Result<void> finish() override {
    if (state_ == State::kDone) return {};
    const std::string where = state_ != State::kHeader ? "inside its entry \"" + entry_.name + "\""
                              : pending_.empty()       ? "before its central directory"
                                                       : "inside a zip header";
    return make_error(Status::kRemoteError, file_ + " is truncated: the zip file ends after " +
                                                std::to_string(offset_ + pending_.size()) +
                                                " bytes, " + where);
  }

 private:
  enum class State { kHeader, kData, kDescriptor, kDone };

  struct Entry {
    std::string name;
    uint16_t flags = 0;
    uint16_t method = 0;
    uint32_t crc = 0;
    uint64_t compressed = 0;
    uint64_t size = 0;
    bool zip64 = false;
    std::unique_ptr<Reader> reader;  // none for a directory
    uint64_t remaining = 0;          // stored: data bytes still to come
    uint64_t consumed = 0;           // compressed bytes read
    uint64_t produced = 0;           // uncompressed bytes
    uint32_t actual_crc = 0;
  };

  std::string_view available() const { return std::string_view(pending_).substr(position_); }
  uint64_t here() const { return offset_ + position_; }

  Error corrupt(const std::string& what) const {
    return make_error(Status::kRemoteError,
                      file_ + " is not a valid zip file: " + what + " at byte " +
                          std::to_string(here()) +
                          ": check that the file is a zip, or set file.compressionFormat to match "
                          "it");
  }
  Error in_entry(const std::string& what) const {
    return make_error(Status::kRemoteError, file_ + ": entry \"" + entry_.name + "\" " + what);
  }

  Result<void> process() {
    for (;;) {
      Result<bool> progressed = false;
      switch (state_) {
        case State::kHeader:
          progressed = header();
          break;
        case State::kData:
          progressed = data();
          break;
        case State::kDescriptor:
          progressed = descriptor();
          break;
        case State::kDone:
          position_ = pending_.size();
          return {};
      }
      if (!progressed) return progressed.error();
      if (!*progressed) return {};
    }
  }

  // Each step returns false when it needs more bytes.
  Result<bool> header() {
    const std::string_view in = available();
    if (in.size() < 4) return false;
    const uint32_t signature = static_cast<uint32_t>(little_endian(in, 0, 4));
    if (signature == kCentralHeader || signature == kEndOfCentral ||
        signature == kZip64EndOfCentral) {
      state_ = State::kDone;
      return true;
    }
    if (signature != kLocalHeader) return corrupt("no local file header");
    if (in.size() < kLocalHeaderSize) return false;
    const size_t name_size = little_endian(in, 26, 2);
    const size_t extra_size = little_endian(in, 28, 2);
    if (in.size() < kLocalHeaderSize + name_size + extra_size) return false;
    entry_ = Entry{};
    entry_.flags = static_cast<uint16_t>(little_endian(in, 6, 2));
    entry_.method = static_cast<uint16_t>(little_endian(in, 8, 2));
    entry_.crc = static_cast<uint32_t>(little_endian(in, 14, 4));
    entry_.compressed = little_endian(in, 18, 4);
    entry_.size = little_endian(in, 22, 4);
    entry_.name = std::string(in.substr(kLocalHeaderSize, name_size));
    const std::string_view extra = in.substr(kLocalHeaderSize + name_size, extra_size);
    for (size_t at = 0; at + 4 <= extra.size();) {
      const uint64_t id = little_endian(extra, at, 2);
      const size_t size = little_endian(extra, at + 2, 2);
      if (at + 4 + size > extra.size()) break;
      if (id == 0x0001) {
        entry_.zip64 = true;
        size_t field = at + 4;
        if (entry_.size == 0xFFFFFFFF && field + 8 <= at + 4 + size) {
          entry_.size = little_endian(extra, field, 8);
          field += 8;
        }
        if (entry_.compressed == 0xFFFFFFFF && field + 8 <= at + 4 + size) {
          entry_.compressed = little_endian(extra, field, 8);
        }
      }
      at += 4 + size;
    }
    if (entry_.flags & kEncrypted) return in_entry("is encrypted, which Sluice cannot read");
    if (entry_.method != kStored && entry_.method != kDeflated) {
      return in_entry("is compressed with method " + std::to_string(entry_.method) +
                      "; Sluice reads stored (0) and deflated (8) entries");
    }
    if (entry_.method == kStored && (entry_.flags & kSizesFollowData)) {
      return in_entry(
          "is stored with its size after its data, which cannot be read as a "
          "stream; write the zip with deflate compression");
    }
    position_ += kLocalHeaderSize + name_size + extra_size;
    if (!entry_.name.ends_with('/')) {
      auto reader = open_entry_(entry_.name);
      if (!reader) return reader.error();
      entry_.reader = std::move(*reader);
    }
    entry_.remaining = entry_.compressed;
    if (entry_.method == kDeflated) {
      if (inflating_) {
        inflateReset(&stream_);
      } else if (inflateInit2(&stream_, -15) == Z_OK) {
        inflating_ = true;
      } else {
        return make_error(Status::kInternal, file_ + ": zlib could not start (out of memory)");
      }
    }
    state_ = State::kData;
    return true;
  }

  Result<void> deliver(std::string_view bytes) {
    entry_.produced += bytes.size();
    entry_.actual_crc =
        static_cast<uint32_t>(crc32(entry_.actual_crc, reinterpret_cast<const Bytef*>(bytes.data()),
                                    static_cast<uInt>(bytes.size())));
    if (!entry_.reader || bytes.empty()) return {};
    return entry_.reader->write(bytes);
  }

  Result<bool> data() {
    const std::string_view in = available();
    if (entry_.method == kStored) {
      const size_t take = static_cast<size_t>(std::min<uint64_t>(entry_.remaining, in.size()));
      position_ += take;
      entry_.remaining -= take;
      if (auto delivered = deliver(in.substr(0, take)); !delivered) return delivered.error();
      if (entry_.remaining > 0) return false;
      return end_of_entry();
    }
    if (in.empty()) return false;
    output_.resize(kOutputChunk);
    stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    stream_.avail_in = static_cast<uInt>(in.size());
    stream_.next_out = reinterpret_cast<Bytef*>(output_.data());
    stream_.avail_out = static_cast<uInt>(output_.size());
    const int status = inflate(&stream_, Z_NO_FLUSH);
    const size_t consumed = in.size() - stream_.avail_in;
    output_.resize(output_.size() - stream_.avail_out);
    if (status != Z_OK && status != Z_STREAM_END && status != Z_BUF_ERROR) {
      return in_entry("is corrupt at byte " + std::to_string(here()) + " (" +
                      (stream_.msg ? stream_.msg : "zlib error " + std::to_string(status)) + ")");
    }
    position_ += consumed;
    entry_.consumed += consumed;
    if (auto delivered = deliver(output_); !delivered) return delivered.error();
    if (status == Z_STREAM_END) {
      if (entry_.flags & kSizesFollowData) {
        state_ = State::kDescriptor;
        return true;
      }
      if (entry_.consumed != entry_.compressed) {
        return in_entry("has " + std::to_string(entry_.consumed) +
                        " bytes of compressed data, not the " + std::to_string(entry_.compressed) +
                        " its header says");
      }
      return end_of_entry();
    }
    return consumed > 0 || !output_.empty();
  }

  Result<bool> descriptor() {
    const std::string_view in = available();
    if (in.size() < 4) return false;
    const size_t start = little_endian(in, 0, 4) == kDescriptor ? 4 : 0;
    const size_t field = entry_.zip64 ? 8 : 4;
    if (in.size() < start + 4 + 2 * field) return false;
    entry_.crc = static_cast<uint32_t>(little_endian(in, start, 4));
    entry_.compressed = little_endian(in, start + 4, field);
    entry_.size = little_endian(in, start + 4 + field, field);
    position_ += start + 4 + 2 * field;
    if (entry_.compressed != entry_.consumed) {
      return in_entry("has " + std::to_string(entry_.consumed) +
                      " bytes of compressed data, not the " + std::to_string(entry_.compressed) +
                      " its data descriptor says");
    }
    return end_of_entry();
  }

  Result<bool> end_of_entry() {
    if (entry_.produced != entry_.size) {
      return in_entry("is " + std::to_string(entry_.produced) + " bytes long, not the " +
                      std::to_string(entry_.size) + " the zip says: the file is corrupt");
    }
    if (entry_.actual_crc != entry_.crc) {
      return in_entry("fails its CRC-32 check: the file is corrupt");
    }
    if (entry_.reader) {
      if (auto finished = entry_.reader->finish(); !finished) return finished.error();
    }
    entry_.reader.reset();
    state_ = State::kHeader;
    return true;
  }

  std::string file_;
  ZipEntryOpener open_entry_;
  State state_ = State::kHeader;
  Entry entry_;
  std::string pending_;  // bytes received and not consumed, from position_
  size_t position_ = 0;
  uint64_t offset_ = 0;  // the file offset of pending_'s first byte
  z_stream stream_{};
  bool inflating_ = false;
  std::string output_;
};

}  // namespace

std::unique_ptr<Reader> make_unzip_reader(std::string file, ZipEntryOpener open_entry) {
  return std::make_unique<UnzipReader>(std::move(file), std::move(open_entry));
}

}  // namespace sluice::support::formats
