#include "encoding.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <utility>

#include <iconv.h>

namespace sluice::support::formats {

namespace {

constexpr size_t kOutputChunk = size_t{64} << 10;
constexpr std::string_view kSettings =
    "utf8, win1252, iso88591, utf-16le, macroman, shiftjis or gb18030";
const iconv_t kNoConverter = reinterpret_cast<iconv_t>(-1);

const char* iconv_name(Encoding encoding) {
  switch (encoding) {
    case Encoding::kUtf8:
      return "UTF-8";
    case Encoding::kWin1252:
      return "WINDOWS-1252";
    case Encoding::kIso88591:
      return "ISO-8859-1";
    case Encoding::kUtf16Le:
      return "UTF-16LE";
    case Encoding::kMacRoman:
      return "MACINTOSH";
    case Encoding::kShiftJis:
      return "SHIFT_JIS";
    case Encoding::kGb18030:
      return "GB18030";
  }
  return "UTF-8";
}

bool is_utf(Encoding encoding) {
  return encoding == Encoding::kUtf8 || encoding == Encoding::kUtf16Le;
}

std::string hex_bytes(std::string_view bytes) {
  std::string text;
  for (unsigned char c : bytes.substr(0, 4)) {
    char piece[8];
    std::snprintf(piece, sizeof piece, "%s0x%02X", text.empty() ? "" : " ", c);
    text += piece;
  }
  return text;
}

// Owns one iconv descriptor.
class Converter {
 public:
  Converter(const char* to, const char* from) : cd_(iconv_open(to, from)) {}
  ~Converter() {
    if (cd_ != kNoConverter) iconv_close(cd_);
  }
  Converter(const Converter&) = delete;
  Converter& operator=(const Converter&) = delete;

  bool ok() const { return cd_ != kNoConverter; }

  // Converts from the start of `in` into `out` (resized to what was produced) until the output
  // chunk is full, the input ends, or an error. Returns the bytes of `in` consumed and errno's
  // value (0, E2BIG: call again, EINVAL: `in` ends inside a character, EILSEQ: invalid).
  std::pair<size_t, int> convert(std::string_view in, std::string& out) {
    out.resize(kOutputChunk);
    char* in_ptr = const_cast<char*>(in.data());
    size_t in_left = in.size();
    char* out_ptr = out.data();
    size_t out_left = out.size();
    int error = 0;
    if (iconv(cd_, &in_ptr, &in_left, &out_ptr, &out_left) == static_cast<size_t>(-1)) {
      error = errno;
    }
    out.resize(out.size() - out_left);
    return {in.size() - in_left, error};
  }

 private:
  iconv_t cd_;
};

struct Utf8Check {
  size_t valid = 0;      // the length of the longest prefix of whole, valid characters
  bool invalid = false;  // the bytes at `valid` are invalid (else they begin an incomplete one)
  size_t bad = 0;        // if invalid: the bytes through the first wrong one (the same however the
                         // file is cut into chunks, so messages are too)
};

// Checks UTF-8 as Unicode's table 3-7 defines it (no overlong forms, surrogates or code points
// beyond U+10FFFF), ASCII eight bytes at a time. iconv checks as much but copies every byte, at a
// quarter of the speed, for a conversion that changes nothing.
Utf8Check check_utf8(std::string_view text) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const size_t size = text.size();
  size_t at = 0;
  while (at < size) {
    if (at + 8 <= size) {
      uint64_t word;
      std::memcpy(&word, bytes + at, 8);
      if ((word & 0x8080808080808080ull) == 0) {
        at += 8;
        continue;
      }
    }
    const unsigned char lead = bytes[at];
    if (lead < 0x80) {
      ++at;
      continue;
    }
    size_t length;
    unsigned char low = 0x80, high = 0xBF;  // the second byte's range
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) low = 0xA0;
      if (lead == 0xED) high = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) low = 0x90;
      if (lead == 0xF4) high = 0x8F;
    } else {
      return {at, true, 1};
    }
    for (size_t i = 1; i < length; ++i) {
      if (at + i >= size) return {at, false};
      const unsigned char next = bytes[at + i];
      if (i == 1 ? (next < low || next > high) : (next < 0x80 || next > 0xBF)) {
        return {at, true, i + 1};
      }
    }
    at += length;
  }
  return {at, false};
}

class DecodingReader final : public Reader {
 public:
  DecodingReader(Encoding encoding, std::unique_ptr<Reader> inner, std::string file)
      : setting_(encoding), inner_(std::move(inner)), file_(std::move(file)) {}

  Result<void> write(std::string_view bytes) override {
    if (!started_) {
      pending_.append(bytes);
      if (bom_may_follow()) return {};
      if (auto started = start(); !started) return started;
      return decode_pending(false);
    }
    if (!pending_.empty()) {
      pending_.append(bytes);
      return decode_pending(false);
    }
    return decode(bytes, false);
  }

  Result<void> finish() override {
    if (!started_) {
      if (auto started = start(); !started) return started;
    }
    if (auto decoded = decode_pending(true); !decoded) return decoded;
    return inner_->finish();
  }

 private:
  // At the start of a UTF setting's file: could the bytes so far be the beginning of a BOM?
  bool bom_may_follow() const {
    if (!is_utf(setting_)) return false;
    const std::string_view head(pending_);
    return (head.size() < 3 && std::string_view("\xEF\xBB\xBF").starts_with(head)) ||
           head == "\xFF" || head == "\xFE";
  }

  // Chooses the encoding (the BOM's or the setting) and strips the BOM.
  Result<void> start() {
    const char* from = iconv_name(setting_);
    described_ = std::string(encoding_name(setting_));
    if (is_utf(setting_)) {
      const std::string_view head(pending_);
      size_t bom = 0;
      if (head.starts_with("\xEF\xBB\xBF")) {
        from = "UTF-8", bom = 3;
      } else if (head.starts_with("\xFF\xFE")) {
        from = "UTF-16LE", bom = 2;
      } else if (head.starts_with("\xFE\xFF")) {
        from = "UTF-16BE", bom = 2;
      }
      if (bom != 0) {
        described_ = std::string(from) + " (as its byte order mark says)";
        pending_.erase(0, bom);
        offset_ = bom;
      }
    }
    started_ = true;
    if (std::string_view(from) == "UTF-8") return {};  // checked by check_utf8(), not converted
    converter_ = std::make_unique<Converter>("UTF-8", from);
    if (!converter_->ok()) {
      return make_error(Status::kInternal, file_ + ": iconv cannot convert from " + from +
                                               " to UTF-8 on this system (are glibc's gconv "
                                               "modules installed?)");
    }
    return {};
  }

  Result<void> decode_pending(bool final) {
    std::string input = std::move(pending_);
    pending_.clear();
    return decode(input, final);
  }

  // Converts `in`, keeping an incomplete last character in pending_ (an error if `final`).
  Result<void> decode(std::string_view in, bool final) {
    if (!converter_) return pass_utf8(in, final);
    size_t done = 0;
    while (done < in.size()) {
      auto [consumed, error] = converter_->convert(in.substr(done), output_);
      if (!output_.empty()) {
        if (auto written = inner_->write(output_); !written) return written;
      }
      const uint64_t at = offset_ + done + consumed;
      done += consumed;
      if (error == 0 || error == E2BIG) continue;
      if (error == EINVAL && !final) break;
      if (error == EINVAL) return ends_inside(at, in.substr(done));
      // iconv does not say how long the bad sequence is: its first byte (what follows it may be in
      // the next chunk, and the message must not depend on where the file was cut).
      return invalid(at, in.substr(done, 1));
    }
    offset_ += done;
    pending_.assign(in.substr(done));
    return {};
  }

  // UTF-8 to UTF-8: the valid bytes are passed on as they came, without a copy.
  Result<void> pass_utf8(std::string_view in, bool final) {
    const Utf8Check check = check_utf8(in);
    if (check.valid > 0) {
      if (auto written = inner_->write(in.substr(0, check.valid)); !written) return written;
    }
    const uint64_t at = offset_ + check.valid;
    if (check.invalid) return invalid(at, in.substr(check.valid, check.bad));
    if (final && check.valid < in.size()) return ends_inside(at, in.substr(check.valid));
    offset_ += check.valid;
    pending_.assign(in.substr(check.valid));
    return {};
  }

  Error ends_inside(uint64_t at, std::string_view rest) const {
    return make_error(Status::kRemoteError,
                      file_ + " ends inside a character at byte " + std::to_string(at) + " (" +
                          hex_bytes(rest) + ") of " + described_ +
                          " text: the file is truncated, or its encoding is another one; set "
                          "file.encoding to it (" +
                          std::string(kSettings) + ")");
  }

  Error invalid(uint64_t at, std::string_view rest) const {
    return make_error(Status::kRemoteError,
                      file_ + ": byte " + std::to_string(at) + " (" + hex_bytes(rest) +
                          ") is not valid " + described_ +
                          " text: the file is in another encoding; set file.encoding to it (" +
                          std::string(kSettings) + ")");
  }

  Encoding setting_;
  std::unique_ptr<Reader> inner_;
  std::string file_;
  bool started_ = false;                  // the BOM (if any) is known
  std::unique_ptr<Converter> converter_;  // none when the file is UTF-8
  std::string described_;                 // the encoding in use, for messages
  std::string pending_;                   // bytes not converted yet
  uint64_t offset_ = 0;                   // the file offset of pending_'s first byte
  std::string output_;
};

// The code point of the UTF-8 sequence at the start of `text`, or -1 if it is not valid.
long utf8_code_point(std::string_view text) {
  if (text.empty()) return -1;
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(0);
  size_t length = lead < 0x80           ? 1
                  : (lead >> 5) == 0x6  ? 2
                  : (lead >> 4) == 0xE  ? 3
                  : (lead >> 3) == 0x1E ? 4
                                        : 0;
  if (length == 0 || text.size() < length) return -1;
  long code = length == 1 ? lead : lead & (0x7F >> length);
  for (size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return -1;
    code = (code << 6) | (byte(i) & 0x3F);
  }
  return code;
}

class EncodingSink final : public ByteFilter {
 public:
  EncodingSink(Encoding encoding, ByteSink& out)
      : encoding_(encoding),
        out_(out),
        converter_(encoding == Encoding::kUtf8
                       ? nullptr
                       : std::make_unique<Converter>(iconv_name(encoding), "UTF-8")) {}

  Result<void> write(std::string_view bytes) override {
    if (!converter_) return out_.write(bytes);
    if (!converter_->ok()) {
      return make_error(Status::kInternal, std::string("iconv cannot convert UTF-8 to ") +
                                               iconv_name(encoding_) + " on this system");
    }
    if (pending_.empty()) return encode(bytes);
    pending_.append(bytes);
    std::string input = std::move(pending_);
    pending_.clear();
    return encode(input);
  }

  Result<void> finish() override {
    if (pending_.empty()) return {};
    return make_error(Status::kInternal,
                      "the text to write in " + std::string(encoding_name(encoding_)) +
                          " ends inside a UTF-8 character (" + hex_bytes(pending_) + ")");
  }

 private:
  Result<void> encode(std::string_view in) {
    size_t done = 0;
    while (done < in.size()) {
      auto [consumed, error] = converter_->convert(in.substr(done), output_);
      if (!output_.empty()) {
        if (auto written = out_.write(output_); !written) return written;
      }
      done += consumed;
      if (error == 0 || error == E2BIG) continue;
      if (error == EINVAL) break;
      const long code = utf8_code_point(in.substr(done));
      if (code < 0) {
        return make_error(Status::kInternal, "the text to write is not valid UTF-8 (" +
                                                 hex_bytes(in.substr(done)) + ")");
      }
      char name[24];
      std::snprintf(name, sizeof name, "U+%04lX", static_cast<unsigned long>(code));
      const size_t length = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
      return make_error(Status::kInvalidConfig,
                        std::string("the character ") + name + " \"" +
                            std::string(in.substr(done, length)) + "\" cannot be written in " +
                            std::string(encoding_name(encoding_)) +
                            ": set file.encoding to one that has it (utf8 has every character)");
    }
    pending_.assign(in.substr(done));
    return {};
  }

  Encoding encoding_;
  ByteSink& out_;
  std::unique_ptr<Converter> converter_;  // none for utf8: the bytes pass through
  std::string pending_;                   // an incomplete UTF-8 character
  std::string output_;
};

}  // namespace

std::string_view encoding_name(Encoding encoding) {
  switch (encoding) {
    case Encoding::kUtf8:
      return "utf8";
    case Encoding::kWin1252:
      return "win1252";
    case Encoding::kIso88591:
      return "iso88591";
    case Encoding::kUtf16Le:
      return "utf-16le";
    case Encoding::kMacRoman:
      return "macroman";
    case Encoding::kShiftJis:
      return "shiftjis";
    case Encoding::kGb18030:
      return "gb18030";
  }
  return "utf8";
}

std::unique_ptr<Reader> make_decoding_reader(Encoding encoding, std::unique_ptr<Reader> inner,
                                             std::string file) {
  return std::make_unique<DecodingReader>(encoding, std::move(inner), std::move(file));
}

std::unique_ptr<ByteFilter> make_encoding_sink(Encoding encoding, ByteSink& out) {
  return std::make_unique<EncodingSink>(encoding, out);
}

}  // namespace sluice::support::formats
