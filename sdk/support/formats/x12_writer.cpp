// The X12 writer (x12.hpp): transaction-set records back to interchanges, groups and sets,
// holding only the open interchange's and group's headers.
#include <array>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/string.hpp>

#include "x12.hpp"

#include "makers.hpp"

namespace sluice::support::formats {

namespace json = boost::json;

namespace {

constexpr std::array<std::size_t, 16> kIsaWidths = {2, 10, 2, 10, 2, 15, 2, 15,
                                                    6, 4,  1, 5,  9, 1,  1, 1};

class X12Writer final : public Writer {
 public:
  explicit X12Writer(ByteSink& out) : out_(out) {}

  Result<void> write(const json::value& value) override {
    ++record_;
    const json::object* record = value.if_object();
    if (!record) return invalid("", "must be an object, not " + detail::kind_of(value));
    const json::object* interchange = nullptr;
    const json::object* delimiters = nullptr;
    const json::object* group = nullptr;
    const json::object* transaction = nullptr;
    for (auto [key, field] :
         {std::pair{"interchange", &interchange}, std::pair{"delimiters", &delimiters},
          std::pair{"group", &group}, std::pair{"transaction", &transaction}}) {
      const json::value* member = record->if_contains(key);
      if (!member || !member->is_object()) {
        return invalid(key, member ? "must be an object, not " + detail::kind_of(*member)
                                   : "is missing (every record carries its interchange, "
                                     "delimiters, group and transaction)");
      }
      *field = &member->get_object();
    }
    const bool new_interchange = !open_interchange_ || *interchange != *open_interchange_ ||
                                 *delimiters != *open_delimiters_;
    const bool new_group = new_interchange || *group != *open_group_;
    // Everything is checked and rendered before anything is written, so a bad record leaves the
    // file as it was.
    std::string text;
    Delimiters next = delimiters_;
    if (new_interchange) {
      auto parsed = read_delimiters(*delimiters, *interchange);
      if (!parsed) return parsed.error();
      next = *parsed;
      if (open_interchange_) close_interchange(text);
      std::vector<std::string> isa;
      for (std::size_t k = 1; k <= kIsaWidths.size(); ++k) {
        const std::string name = element_name("ISA", k);
        const json::value* element = interchange->if_contains(name);
        if (!element || !element->is_string()) {
          return invalid(
              "interchange." + name,
              element ? "must be a string, not " + detail::kind_of(*element) : "is missing");
        }
        if (element->get_string().size() != kIsaWidths[k - 1]) {
          return invalid("interchange." + name, "must be " + std::to_string(kIsaWidths[k - 1]) +
                                                    " characters (pad it with spaces), not " +
                                                    std::to_string(element->get_string().size()));
        }
        isa.emplace_back(element->get_string());
      }
      if (interchange->size() != kIsaWidths.size()) {
        return invalid("interchange", "has fields other than ISA01 .. ISA16");
      }
      if (isa[15] != next.component) {
        return invalid("delimiters.component",
                       "must be ISA16 (\"" + isa[15] + "\"), not \"" + next.component + "\"");
      }
      if (!next.repetition.empty() && isa[10] != next.repetition) {
        return invalid("delimiters.repetition", "must be ISA11 (\"" + isa[10] +
                                                    "\") or \"\", not \"" + next.repetition + "\"");
      }
      std::vector<std::string_view> views(isa.begin(), isa.end());
      if (auto r = segment(text, next, "interchange", "ISA", views); !r) return r;
    }
    std::string gs06;
    if (new_group) {
      auto elements = numbered(*group, "GS", "group");
      if (!elements) return elements.error();
      if (elements->size() < 6)
        return invalid("group.GS06", "is missing (the group's control number)");
      gs06 = std::string((*elements)[5]);
      if (!new_interchange && open_group_) close_group(text);
      if (auto r = segment(text, next, "group", "GS", *elements); !r) return r;
    }
    auto st = numbered(*transaction, "ST", "transaction");
    if (!st) return st.error();
    if (st->size() < 2) return invalid("transaction.ST02", "is missing (the control number)");
    if (auto r = segment(text, next, "transaction", "ST", *st); !r) return r;
    const json::value* segments_value = transaction->if_contains("segments");
    if (!segments_value || !segments_value->is_array()) {
      return invalid("transaction.segments",
                     segments_value ? "must be an array, not " + detail::kind_of(*segments_value)
                                    : "is missing");
    }
    const json::array& segments = segments_value->get_array();
    std::vector<std::string> scratch;
    for (std::size_t s = 0; s < segments.size(); ++s) {
      const std::string where = "transaction.segments[" + std::to_string(s) + "]";
      const json::array* elements = segments[s].if_array();
      if (!elements || elements->empty()) {
        return invalid(where, elements ? "is empty (a segment starts with its identifier)"
                                       : "must be an array, not " + detail::kind_of(segments[s]));
      }
      scratch.clear();
      for (std::size_t e = 0; e < elements->size(); ++e) {
        auto text_of = element_text((*elements)[e], where + "[" + std::to_string(e) + "]");
        if (!text_of) return text_of.error();
        scratch.push_back(std::move(*text_of));
      }
      std::vector<std::string_view> views(scratch.begin() + 1, scratch.end());
      if (auto r = segment(text, next, where, scratch[0], views); !r) return r;
    }
    auto se = numbered(*transaction, "SE", "transaction");
    if (!se) return se.error();
    const std::string count = std::to_string(segments.size() + 2);
    if (se->empty()) *se = {count, (*st)[1]};
    uint64_t given = 0;
    const std::string_view se01 = (*se)[0];
    const auto [end, ec] = std::from_chars(se01.data(), se01.data() + se01.size(), given);
    if (ec != std::errc() || end != se01.data() + se01.size() || given != segments.size() + 2) {
      return invalid("transaction.SE01", "is \"" + std::string(se01) +
                                             "\" but the transaction set has " + count +
                                             " segments (ST and SE included); leave SE01 "
                                             "and SE02 out to have them computed");
    }
    if (se->size() < 2 || (*se)[1] != (*st)[1]) {
      return invalid("transaction.SE02", "must be ST02 (\"" + std::string((*st)[1]) + "\")");
    }
    if (auto r = segment(text, next, "transaction", "SE", *se); !r) return r;

    if (auto r = out_.write(text); !r) return r;
    if (new_interchange) {
      open_interchange_ = *interchange;
      open_delimiters_ = *delimiters;
      delimiters_ = next;
      groups_ = 0;
      isa13_ = std::string(interchange->at("ISA13").get_string());
    }
    if (new_group) {
      open_group_ = *group;
      gs06_ = gs06;
      transactions_ = 0;
      ++groups_;
    }
    ++transactions_;
    return {};
  }

  Result<void> finish() override {
    if (!open_interchange_) return {};
    std::string text;
    close_interchange(text);
    open_interchange_.reset();
    open_group_.reset();
    return out_.write(text);
  }

 private:
  struct Delimiters {
    std::string element = "*";
    std::string component = ">";
    std::string repetition;
    std::string segment = "~";
    std::string line_break;
  };

  static std::string element_name(std::string_view id, std::size_t index) {
    std::string name(id);
    if (index < 10) name += '0';
    name += std::to_string(index);
    return name;
  }

  Error invalid(std::string_view field, std::string message) const {
    std::string text = "X12 record " + std::to_string(record_) + ": ";
    text += field.empty() ? "the record" : std::string(field);
    text += ' ';
    text += message;
    return make_error(Status::kInvalidConfig, std::move(text));
  }

  Result<Delimiters> read_delimiters(const json::object& delimiters, const json::object&) const {
    Delimiters out;
    for (auto [key, target, one_char] :
         {std::tuple{"element", &out.element, true}, std::tuple{"component", &out.component, true},
          std::tuple{"repetition", &out.repetition, false},
          std::tuple{"segment", &out.segment, true},
          std::tuple{"lineBreak", &out.line_break, false}}) {
      const json::value* value = delimiters.if_contains(key);
      if (!value || !value->is_string()) {
        return invalid(std::string("delimiters.") + key,
                       value ? "must be a string, not " + detail::kind_of(*value) : "is missing");
      }
      *target = std::string(value->get_string());
      const bool size_ok = one_char ? target->size() == 1 : target->size() <= 1;
      if (!size_ok && std::string_view(key) != "lineBreak") {
        return invalid(std::string("delimiters.") + key,
                       std::string("must be ") +
                           (one_char ? "one character" : "one character or \"\"") + ", not \"" +
                           *target + "\"");
      }
    }
    if (out.line_break.size() > 8 ||
        out.line_break.find_first_not_of("\r\n") != std::string::npos ||
        out.line_break.find(out.segment) != std::string::npos) {
      return invalid("delimiters.lineBreak",
                     "must be at most 8 CR and LF characters (\"\", \"\\n\", \"\\r\\n\", ...) "
                     "other than the segment terminator");
    }
    if (out.element == out.segment || out.element == out.component ||
        out.segment == out.component) {
      return invalid("delimiters",
                     "must be different characters for element, component and segment");
    }
    return out;
  }

  // The elements of `object` named <id>01, <id>02, ... in order (other keys of `object` than
  // those and "segments" are refused).
  Result<std::vector<std::string_view>> numbered(const json::object& object, std::string_view id,
                                                 std::string_view where) const {
    std::vector<std::string_view> elements;
    std::size_t others = 0;
    for (const auto& member : object) {
      const std::string_view key = member.key();
      if (key.substr(0, id.size()) != id) ++others;
    }
    for (std::size_t k = 1; k <= object.size(); ++k) {
      const json::value* element = object.if_contains(element_name(id, k));
      if (!element) break;
      if (!element->is_string()) {
        return invalid(std::string(where) + "." + element_name(id, k),
                       "must be a string, not " + detail::kind_of(*element));
      }
      elements.push_back(element->get_string());
    }
    std::size_t expected = elements.size() + others;
    if (expected != object.size()) {
      return invalid(std::string(where), "has " + std::string(id) +
                                             " elements that are not numbered " + std::string(id) +
                                             "01, " + std::string(id) + "02, ... without gaps");
    }
    if (where == "transaction") {
      for (const auto& member : object) {
        const std::string_view key = member.key();
        if (key != "segments" && key.substr(0, 2) != "ST" && key.substr(0, 2) != "SE") {
          return invalid("transaction." + std::string(key), "is not a field of a transaction");
        }
      }
    } else if (others != 0) {
      return invalid(std::string(where), "has fields other than " + std::string(id) + "01, " +
                                             std::string(id) + "02, ...");
    }
    return elements;
  }

  Result<std::string> element_text(const json::value& value, const std::string& where) const {
    if (value.is_string()) return std::string(value.get_string());
    if (value.is_int64()) return std::to_string(value.get_int64());
    if (value.is_uint64()) return std::to_string(value.get_uint64());
    return invalid(where, "must be a string, not " + detail::kind_of(value));
  }

  // Appends one segment: the identifier, then each element after the element separator, then
  // the terminator and the line break. A delimiter inside an element is refused.
  Result<void> segment(std::string& text, const Delimiters& d, std::string_view where,
                       std::string_view id, const std::vector<std::string_view>& elements) const {
    auto check = [&](std::string_view value, std::size_t index) -> Result<void> {
      if (value.find(d.element) != std::string_view::npos ||
          value.find(d.segment) != std::string_view::npos) {
        return invalid(std::string(where) + (index == 0 ? "" : "[" + std::to_string(index) + "]"),
                       "holds the element separator \"" + d.element +
                           "\" or the segment terminator \"" + d.segment +
                           "\", which X12 cannot escape");
      }
      return {};
    };
    if (auto r = check(id, 0); !r) return r;
    text += id;
    for (std::size_t k = 0; k < elements.size(); ++k) {
      if (auto r = check(elements[k], k + 1); !r) return r;
      text += d.element;
      text += elements[k];
    }
    text += d.segment;
    text += d.line_break;
    return {};
  }

  void close_group(std::string& text) const {
    std::vector<std::string_view> ge;
    const std::string count = std::to_string(transactions_);
    ge = {count, gs06_};
    (void)segment(text, delimiters_, "group", "GE", ge);
  }

  void close_interchange(std::string& text) const {
    if (open_group_) close_group(text);
    const std::string count = std::to_string(groups_);
    std::vector<std::string_view> iea = {count, isa13_};
    (void)segment(text, delimiters_, "interchange", "IEA", iea);
  }

  ByteSink& out_;
  uint64_t record_ = 0;
  std::optional<json::object> open_interchange_;
  std::optional<json::object> open_delimiters_;
  std::optional<json::object> open_group_;
  Delimiters delimiters_;
  std::string isa13_;
  std::string gs06_;
  uint64_t groups_ = 0;
  uint64_t transactions_ = 0;
};

}  // namespace

Result<std::unique_ptr<Writer>> make_x12_writer(const FileOptions&, ByteSink& out) {
  return std::unique_ptr<Writer>(new X12Writer(out));
}

}  // namespace sluice::support::formats
