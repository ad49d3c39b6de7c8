// The X12 reader (x12.hpp): a byte-at-a-time state machine over chunks split anywhere, holding
// at most one ISA, one segment and one transaction set.
#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/string.hpp>

#include "x12.hpp"

namespace sluice::support::formats {

namespace json = boost::json;

namespace {

constexpr std::size_t kIsaBytes = 106;
// The most CR/LF kept as an interchange's lineBreak (more are skipped but not kept).
constexpr std::size_t kMaxLineBreak = 8;
// The widths of ISA01..ISA16.
constexpr std::array<std::size_t, 16> kIsaWidths = {2, 10, 2, 10, 2, 15, 2, 15,
                                                    6, 4,  1, 5,  9, 1,  1, 1};

std::string element_name(std::string_view id, std::size_t index) {
  std::string name(id);
  if (index < 10) name += '0';
  name += std::to_string(index);
  return name;
}

std::string printable(char c) {
  if (c == '\n') return "LF";
  if (c == '\r') return "CR";
  if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
    static constexpr char kHex[] = "0123456789abcdef";
    return std::string("byte 0x") + kHex[(c >> 4) & 0xf] + kHex[c & 0xf];
  }
  return std::string("'") + c + "'";
}

bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

bool parse_count(std::string_view text, uint64_t& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

struct Position {
  uint64_t offset = 0;  // 0-based byte offset in the file
  uint64_t line = 1;
  uint64_t column = 1;
};

class X12Reader final : public Reader {
 public:
  X12Reader(std::string file_name, RecordSink& sink, X12Limits limits)
      : file_name_(std::move(file_name)), sink_(sink), limits_(limits) {}

  Result<void> write(std::string_view bytes) override {
    if (failed_) return failure();
    for (std::size_t i = 0; i < bytes.size();) {
      Result<void> step = consume(bytes, i);
      if (!step) {
        failed_ = step.error();
        return step;
      }
    }
    return {};
  }

  Result<void> finish() override {
    if (failed_) return failure();
    if (phase_ == Phase::kIsa && !isa_.empty()) {
      return fail("the ISA segment at byte offset " + std::to_string(isa_at_.offset) +
                  " is cut short: the file ends after " + std::to_string(isa_.size()) + " of its " +
                  std::to_string(kIsaBytes) + " bytes");
    }
    if (phase_ == Phase::kSegment && !segment_.empty()) {
      return fail("the file ends inside a segment (byte offset " +
                  std::to_string(segment_at_.offset) + ", line " +
                  std::to_string(segment_at_.line) + ") that has no terminator " +
                  printable(terminator_));
    }
    if (in_interchange_) {
      return fail("the interchange " + isa13() + " that starts at byte offset " +
                  std::to_string(interchange_at_.offset) + " (line " +
                  std::to_string(interchange_at_.line) +
                  ") has no IEA segment: the file is cut short");
    }
    return {};
  }

 private:
  enum class Phase { kIsa, kSegment, kSuffix };

  Result<void> failure() const { return *failed_; }

  Result<void> fail(std::string message) {
    failed_ = make_error(Status::kRemoteError, file_name_ + ": " + message);
    return *failed_;
  }

  void advance(char c) {
    ++at_.offset;
    if (c == '\n') {
      ++at_.line;
      at_.column = 1;
    } else {
      ++at_.column;
    }
  }

  // Consumes bytes from bytes[i]: at least one, as many as one step of the machine takes.
  Result<void> consume(std::string_view bytes, std::size_t& i) {
    switch (phase_) {
      case Phase::kSuffix: {
        const char c = bytes[i];
        if ((c == '\r' || c == '\n') && c != terminator_) {
          if (suffix_open_ && suffix_.size() < kMaxLineBreak) suffix_ += c;
          advance(c);
          ++i;
          return {};
        }
        suffix_open_ = false;
        phase_ = in_interchange_ ? Phase::kSegment : Phase::kIsa;
        return {};
      }
      case Phase::kIsa: {
        if (isa_.empty()) isa_at_ = at_;
        const std::size_t take = std::min(kIsaBytes - isa_.size(), bytes.size() - i);
        for (std::size_t k = 0; k < take; ++k) advance(bytes[i + k]);
        isa_.append(bytes.substr(i, take));
        i += take;
        if (isa_.size() < kIsaBytes) {
          if (isa_.size() >= 3 && isa_.compare(0, 3, "ISA") != 0) return broken_isa(0, "\"ISA\"");
          return {};
        }
        return open_interchange();
      }
      case Phase::kSegment: {
        if (segment_.empty()) segment_at_ = at_;
        const char* begin = bytes.data() + i;
        const char* end = bytes.data() + bytes.size();
        const char* stop = static_cast<const char*>(
            std::memchr(begin, terminator_, static_cast<std::size_t>(end - begin)));
        const char* last = stop ? stop : end;
        if (segment_.size() + static_cast<std::size_t>(last - begin) > limits_.max_segment_bytes) {
          return fail("the segment at byte offset " + std::to_string(segment_at_.offset) +
                      " (line " + std::to_string(segment_at_.line) + ") has no terminator " +
                      printable(terminator_) + " within " +
                      std::to_string(limits_.max_segment_bytes) +
                      " bytes; check the segment terminator after ISA16");
        }
        for (const char* p = begin; p < last; ++p) advance(*p);
        segment_.append(begin, last);
        i += static_cast<std::size_t>(last - begin);
        if (!stop) return {};
        advance(*stop);
        ++i;
        phase_ = Phase::kSuffix;
        std::string segment = std::move(segment_);
        segment_.clear();
        return on_segment(segment);
      }
    }
    return {};
  }

  Result<void> broken_isa(std::size_t at, std::string_view expected) {
    std::string message = "the ISA segment at byte offset " + std::to_string(isa_at_.offset) +
                          " is broken: byte offset " + std::to_string(isa_at_.offset + at) +
                          " should be " + std::string(expected) + " but is ";
    message += at < isa_.size() ? (at == 0 ? "\"" + isa_.substr(0, 3) + "\"" : printable(isa_[at]))
                                : "missing";
    message +=
        "; an X12 interchange starts with an ISA segment of 16 fixed-width elements (106 bytes)";
    return fail(std::move(message));
  }

  Result<void> open_interchange() {
    if (isa_.compare(0, 3, "ISA") != 0) return broken_isa(0, "\"ISA\"");
    const char element = isa_[3];
    if (is_alnum(element) || element == ' ' || element == '\r' || element == '\n') {
      return broken_isa(3, "the element separator (not a letter, digit, space or line break)");
    }
    json::object elements;
    std::size_t pos = 3;
    for (std::size_t k = 0; k < kIsaWidths.size(); ++k) {
      if (isa_[pos] != element) {
        return broken_isa(pos, "the element separator " + printable(element) + " before ISA" +
                                   (k < 9 ? "0" : "") + std::to_string(k + 1));
      }
      const std::string_view value = std::string_view(isa_).substr(pos + 1, kIsaWidths[k]);
      if (value.find(element) != std::string_view::npos) {
        return broken_isa(pos + 1 + value.find(element),
                          "part of ISA" + std::string(k < 9 ? "0" : "") + std::to_string(k + 1) +
                              " (" + std::to_string(kIsaWidths[k]) + " characters wide)");
      }
      elements[element_name("ISA", k + 1)] = value;
      pos += 1 + kIsaWidths[k];
    }
    const char component = isa_[104];
    const char terminator = isa_[105];
    if (is_alnum(component) || component == ' ') {
      return broken_isa(104, "the component separator ISA16 (not a letter, digit or space)");
    }
    if (is_alnum(terminator) || terminator == ' ' || terminator == element ||
        terminator == component) {
      return broken_isa(105,
                        "the segment terminator (not a letter, digit, space or another delimiter)");
    }
    if (const std::size_t inside = isa_.find(terminator); inside < 105) {
      return broken_isa(inside, "part of an ISA element, not the segment terminator " +
                                    printable(terminator) + " (which ends the ISA at byte " +
                                    std::to_string(isa_at_.offset + 105) + ")");
    }
    const char repetition = isa_[82];
    const bool has_repetition = !is_alnum(repetition) && repetition != ' ' &&
                                repetition != element && repetition != component &&
                                repetition != terminator;
    element_ = element;
    terminator_ = terminator;
    interchange_ = std::move(elements);
    delimiters_ = json::object{
        {"element", std::string_view(&element_, 1)},
        {"component", std::string_view(&isa_[104], 1)},
        {"repetition", has_repetition ? std::string_view(&isa_[82], 1) : std::string_view()},
        {"segment", std::string_view(&terminator_, 1)},
        {"lineBreak", ""}};
    interchange_at_ = isa_at_;
    in_interchange_ = true;
    groups_ = 0;
    isa_.clear();
    phase_ = Phase::kSuffix;
    suffix_.clear();
    suffix_open_ = true;
    first_suffix_pending_ = true;
    return {};
  }

  std::string isa13() const {
    const json::string* number =
        interchange_.if_contains("ISA13") ? interchange_.at("ISA13").if_string() : nullptr;
    return number ? "ISA13 " + std::string(*number) : "";
  }

  Origin origin(const Position& at) {
    ++records_;
    return Origin{file_name_, records_, at.line, at.column};
  }

  Result<void> bad(std::string message, const Position& at) {
    return sink_.bad_record(
        make_error(Status::kRemoteError, file_name_ + " line " + std::to_string(at.line) +
                                             " (byte offset " + std::to_string(at.offset) +
                                             "): " + std::move(message)),
        origin(at));
  }

  // The segment just ended (without its terminator).
  Result<void> on_segment(const std::string& text) {
    if (first_suffix_pending_) {
      // The ISA's own suffix has been skipped: it is the interchange's line break.
      delimiters_["lineBreak"] = suffix_;
      first_suffix_pending_ = false;
    }
    std::vector<std::string_view> elements;
    std::string_view rest(text);
    for (;;) {
      const std::size_t cut = rest.find(element_);
      elements.push_back(rest.substr(0, cut));
      if (cut == std::string_view::npos) break;
      rest.remove_prefix(cut + 1);
    }
    const std::string_view id = elements[0];
    const Position at = segment_at_;
    if (id == "ISA") {
      return fail("byte offset " + std::to_string(at.offset) + " (line " + std::to_string(at.line) +
                  "): an ISA segment inside the interchange " + isa13() +
                  " that starts at byte offset " + std::to_string(interchange_at_.offset) +
                  ", which has no IEA before it");
    }
    const bool valid_id =
        id.size() >= 2 && id.size() <= 3 && std::all_of(id.begin(), id.end(), [](char c) {
          return std::isupper(static_cast<unsigned char>(c)) ||
                 std::isdigit(static_cast<unsigned char>(c));
        });
    if (!valid_id) {
      std::string message = "\"" + std::string(id.substr(0, 20)) +
                            "\" is not a segment identifier (2 or 3 capital letters or digits)";
      if (in_transaction_) {
        note_broken(std::move(message));
        return {};
      }
      return bad(std::move(message), at);
    }
    if (id == "IEA") return on_iea(elements, at);
    if (id == "GS") return on_gs(elements, at);
    if (id == "GE") return on_ge(elements, at);
    if (id == "ST") return on_st(elements, at);
    if (id == "SE") return on_se(elements, at);
    if (!in_transaction_) {
      return bad("segment " + std::string(id) +
                     " is outside a transaction set (segments belong between ST and SE)",
                 at);
    }
    ++segment_count_;
    if (broken_) return {};
    transaction_bytes_ += text.size();
    if (transaction_bytes_ > limits_.max_transaction_bytes) {
      note_broken("the transaction set is larger than " +
                  std::to_string(limits_.max_transaction_bytes) + " bytes");
      segments_.clear();
      return {};
    }
    json::array segment;
    segment.reserve(elements.size());
    for (std::string_view element : elements) segment.emplace_back(element);
    segments_.emplace_back(std::move(segment));
    return {};
  }

  void note_broken(std::string message) {
    if (!broken_) broken_ = std::move(message);
  }

  // Ends the open transaction set with an error, if one is open.
  Result<void> abandon_transaction(std::string_view why) {
    if (!in_transaction_) return {};
    in_transaction_ = false;
    segments_.clear();
    broken_.reset();
    return bad("the transaction set " + st_label() + " has no SE segment: " + std::string(why),
               transaction_at_);
  }

  Result<void> abandon_group(std::string_view why) {
    if (!in_group_) return {};
    in_group_ = false;
    return bad("the functional group " + gs06() + " has no GE segment: " + std::string(why),
               group_at_);
  }

  std::string st_label() const {
    std::string label;
    for (const char* key : {"ST01", "ST02"}) {
      const json::value* v = st_.if_contains(key);
      if (v && v->is_string()) {
        if (!label.empty()) label += ' ';
        label += std::string(v->get_string());
      }
    }
    return label.empty() ? "" : "(ST " + label + ")";
  }

  std::string gs06() const {
    const json::value* v = group_.if_contains("GS06");
    return v && v->is_string() ? "(GS06 " + std::string(v->get_string()) + ")" : "";
  }

  Result<void> on_iea(const std::vector<std::string_view>& elements, const Position& at) {
    if (auto r = abandon_transaction("the interchange ended (IEA)"); !r) return r;
    if (auto r = abandon_group("the interchange ended (IEA)"); !r) return r;
    in_interchange_ = false;
    uint64_t count = 0;
    const std::string_view number = elements.size() > 2 ? elements[2] : std::string_view();
    const json::string& isa13_value = interchange_.at("ISA13").get_string();
    if (elements.size() < 2 || !parse_count(elements[1], count) || count != groups_) {
      return bad("IEA01 says " +
                     (elements.size() < 2 ? "nothing" : "\"" + std::string(elements[1]) + "\"") +
                     " but the interchange " + isa13() + " has " + std::to_string(groups_) +
                     " functional group(s)",
                 at);
    }
    if (number != std::string_view(isa13_value)) {
      return bad("IEA02 \"" + std::string(number) + "\" is not the interchange's control number " +
                     isa13(),
                 at);
    }
    return {};
  }

  Result<void> on_gs(const std::vector<std::string_view>& elements, const Position& at) {
    if (auto r = abandon_transaction("a GS segment started a new group"); !r) return r;
    if (auto r = abandon_group("a GS segment started a new group"); !r) return r;
    group_ = json::object();
    for (std::size_t k = 1; k < elements.size(); ++k) {
      group_[element_name("GS", k)] = elements[k];
    }
    in_group_ = true;
    group_broken_.reset();
    if (elements.size() < 7) {
      group_broken_ = "its group's GS segment has no GS06 (the group's control number)";
    }
    group_at_ = at;
    transactions_ = 0;
    ++groups_;
    return {};
  }

  Result<void> on_ge(const std::vector<std::string_view>& elements, const Position& at) {
    if (auto r = abandon_transaction("the group ended (GE)"); !r) return r;
    if (!in_group_) return bad("a GE segment without a GS segment before it", at);
    in_group_ = false;
    uint64_t count = 0;
    if (elements.size() < 2 || !parse_count(elements[1], count) || count != transactions_) {
      return bad("GE01 says " +
                     (elements.size() < 2 ? "nothing" : "\"" + std::string(elements[1]) + "\"") +
                     " but the functional group " + gs06() + " has " +
                     std::to_string(transactions_) + " transaction set(s)",
                 at);
    }
    const std::string_view number = elements.size() > 2 ? elements[2] : std::string_view();
    const json::value* gs06_value = group_.if_contains("GS06");
    if (!gs06_value || number != std::string_view(gs06_value->get_string())) {
      return bad("GE02 \"" + std::string(number) + "\" is not the group's control number " +
                     (gs06_value ? gs06() : "(the GS has no GS06)"),
                 at);
    }
    return {};
  }

  Result<void> on_st(const std::vector<std::string_view>& elements, const Position& at) {
    if (auto r = abandon_transaction("another ST segment started"); !r) return r;
    st_ = json::object();
    for (std::size_t k = 1; k < elements.size(); ++k) st_[element_name("ST", k)] = elements[k];
    in_transaction_ = true;
    transaction_at_ = at;
    segment_count_ = 1;
    transaction_bytes_ = 0;
    segments_ = json::array();
    broken_.reset();
    if (!in_group_) note_broken("the ST segment is outside a functional group (no GS before it)");
    if (in_group_ && group_broken_) note_broken(*group_broken_);
    if (elements.size() < 3) note_broken("the ST segment has no ST02 (the control number)");
    return {};
  }

  Result<void> on_se(const std::vector<std::string_view>& elements, const Position& at) {
    if (!in_transaction_) return bad("an SE segment without an ST segment before it", at);
    in_transaction_ = false;
    ++segment_count_;
    if (in_group_) ++transactions_;
    uint64_t count = 0;
    const std::string label = st_label();
    if (!broken_ &&
        (elements.size() < 2 || !parse_count(elements[1], count) || count != segment_count_)) {
      broken_ =
          "SE01 says " +
          (elements.size() < 2 ? std::string("nothing") : "\"" + std::string(elements[1]) + "\"") +
          " but the transaction set has " + std::to_string(segment_count_) +
          " segments (ST and SE included)";
    }
    const std::string_view number = elements.size() > 2 ? elements[2] : std::string_view();
    const json::value* st02 = st_.if_contains("ST02");
    if (!broken_ && (!st02 || number != std::string_view(st02->get_string()))) {
      broken_ = "SE02 \"" + std::string(number) + "\" is not the transaction set's control number";
    }
    if (broken_) {
      std::string message = "transaction set " + label + ": " + *broken_;
      broken_.reset();
      segments_.clear();
      return bad(std::move(message), transaction_at_);
    }
    json::object transaction = std::move(st_);
    st_ = json::object();
    transaction["segments"] = std::move(segments_);
    segments_ = json::array();
    for (std::size_t k = 1; k < elements.size(); ++k) {
      transaction[element_name("SE", k)] = elements[k];
    }
    json::object record;
    record.reserve(4);
    record["interchange"] = interchange_;
    record["delimiters"] = delimiters_;
    record["group"] = group_;
    record["transaction"] = std::move(transaction);
    return sink_.record(json::value(std::move(record)), origin(transaction_at_));
  }

  std::string file_name_;
  RecordSink& sink_;
  X12Limits limits_;
  std::optional<Error> failed_;
  Position at_;
  uint64_t records_ = 0;

  Phase phase_ = Phase::kIsa;
  std::string isa_;
  Position isa_at_;
  std::string segment_;
  Position segment_at_;
  std::string suffix_;
  bool suffix_open_ = false;
  bool first_suffix_pending_ = false;

  char element_ = '*';
  char terminator_ = '~';
  bool in_interchange_ = false;
  Position interchange_at_;
  json::object interchange_;
  json::object delimiters_;
  uint64_t groups_ = 0;

  bool in_group_ = false;
  Position group_at_;
  json::object group_;
  std::optional<std::string> group_broken_;
  uint64_t transactions_ = 0;

  bool in_transaction_ = false;
  Position transaction_at_;
  json::object st_;
  json::array segments_;
  uint64_t segment_count_ = 0;
  std::size_t transaction_bytes_ = 0;
  std::optional<std::string> broken_;
};

}  // namespace

Result<std::unique_ptr<Reader>> make_x12_reader(const FileOptions&, std::string file_name,
                                                RecordSink& sink, X12Limits limits) {
  return std::unique_ptr<Reader>(new X12Reader(std::move(file_name), sink, limits));
}

}  // namespace sluice::support::formats
