#include "secrets/redactor.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <mutex>
#include <utility>

#include <boost/json.hpp>

namespace sluice::host {

namespace json = boost::json;

namespace {

// A decoded view of a text: `text[i]` came from the input bytes starting at `start[i]`;
// start[text.size()] is the input's size, so a match [i, j) came from [start[i], start[j]).
struct View {
  std::string text;
  std::vector<size_t> start;
};

using Span = std::pair<size_t, size_t>;

View identity(std::string_view text) {
  View view;
  view.text.assign(text);
  view.start.resize(text.size() + 1);
  for (size_t i = 0; i <= text.size(); ++i) view.start[i] = i;
  return view;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// True where an escape cut short would stand: at the end, or right before an ellipsis.
bool at_cut(std::string_view text, size_t pos) {
  return pos >= text.size() || text.substr(pos).starts_with("...") ||
         text.substr(pos).starts_with("\xE2\x80\xA6");
}

void append_utf8(std::string& out, uint32_t code) {
  if (code < 0x80) {
    out.push_back(static_cast<char>(code));
  } else if (code < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (code >> 6)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  } else if (code < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (code >> 12)));
    out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (code >> 18)));
    out.push_back(static_cast<char>(0x80 | ((code >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  }
}

// Four hex digits at text[pos..pos+4), or -1.
int32_t hex4(std::string_view text, size_t pos) {
  if (pos + 4 > text.size()) return -1;
  int32_t value = 0;
  for (size_t i = pos; i < pos + 4; ++i) {
    const int digit = hex_digit(text[i]);
    if (digit < 0) return -1;
    value = value << 4 | digit;
  }
  return value;
}

// Emits `bytes` as decoded from input [from, to).
void emit(View& view, size_t from, std::string_view bytes) {
  for (char c : bytes) {
    view.text.push_back(c);
    view.start.push_back(from);
  }
}

// Undoes JSON string escapes. An escape cut short at the end (or before "...") decodes to
// nothing; an invalid one is kept as it is.
View json_unescaped(std::string_view text) {
  View view;
  view.text.reserve(text.size());
  view.start.reserve(text.size() + 1);
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] != '\\') {
      emit(view, i, text.substr(i, 1));
      ++i;
      continue;
    }
    if (i + 1 >= text.size()) break;  // a lone trailing backslash: cut
    const char kind = text[i + 1];
    std::string_view simple;
    switch (kind) {
      case '"':
        simple = "\"";
        break;
      case '\\':
        simple = "\\";
        break;
      case '/':
        simple = "/";
        break;
      case 'b':
        simple = "\b";
        break;
      case 'f':
        simple = "\f";
        break;
      case 'n':
        simple = "\n";
        break;
      case 'r':
        simple = "\r";
        break;
      case 't':
        simple = "\t";
        break;
      default:
        break;
    }
    if (!simple.empty()) {
      emit(view, i, simple);
      i += 2;
      continue;
    }
    if (kind == 'u') {
      const int32_t code = hex4(text, i + 2);
      if (code < 0) {
        // Cut short ("\u00" then the end): drop it; otherwise keep the text as it is.
        size_t end = i + 2;
        while (end < text.size() && end < i + 6 && hex_digit(text[end]) >= 0) ++end;
        if (at_cut(text, end) && end < i + 6) {
          i = end;
        } else {
          emit(view, i, text.substr(i, 1));
          ++i;
        }
        continue;
      }
      if (code >= 0xD800 && code < 0xDC00 && i + 12 <= text.size() && text[i + 6] == '\\' &&
          text[i + 7] == 'u') {
        const int32_t low = hex4(text, i + 8);
        if (low >= 0xDC00 && low < 0xE000) {
          std::string bytes;
          append_utf8(bytes, 0x10000 + ((static_cast<uint32_t>(code) - 0xD800) << 10) +
                                 (static_cast<uint32_t>(low) - 0xDC00));
          emit(view, i, bytes);
          i += 12;
          continue;
        }
      }
      std::string bytes;
      append_utf8(bytes, static_cast<uint32_t>(code));
      emit(view, i, bytes);
      i += 6;
      continue;
    }
    emit(view, i, text.substr(i, 1));
    ++i;
  }
  view.start.push_back(text.size());
  return view;
}

// Undoes URL encoding: %XX (either case) and "+" for a space. A "%" or "%X" cut short at the end
// (or before "...") decodes to nothing.
View url_decoded(std::string_view text) {
  View view;
  view.text.reserve(text.size());
  view.start.reserve(text.size() + 1);
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '+') {
      emit(view, i, " ");
      ++i;
    } else if (c == '%') {
      const int high = i + 1 < text.size() ? hex_digit(text[i + 1]) : -1;
      const int low = i + 2 < text.size() ? hex_digit(text[i + 2]) : -1;
      if (high >= 0 && low >= 0) {
        const char byte = static_cast<char>(high << 4 | low);
        emit(view, i, std::string_view(&byte, 1));
        i += 3;
      } else if (at_cut(text, i + 1) || (high >= 0 && at_cut(text, i + 2))) {
        i = high >= 0 ? i + 2 : i + 1;
      } else {
        emit(view, i, text.substr(i, 1));
        ++i;
      }
    } else {
      emit(view, i, text.substr(i, 1));
      ++i;
    }
  }
  view.start.push_back(text.size());
  return view;
}

// `inner` decoded from `outer.text`, with its starts mapped back to `outer`'s input.
View composed(const View& outer, View inner) {
  for (size_t& s : inner.start) s = outer.start[s];
  return inner;
}

bool has_json_escape(const std::string& text) { return text.find('\\') != std::string::npos; }
bool has_url_escape(const std::string& text) {
  return text.find_first_of("%+") != std::string::npos;
}

// Every decoded view of `text` worth searching: raw, JSON-unescaped, URL-decoded, and each of
// the latter two decoded once more either way.
std::vector<View> views_of(std::string_view text) {
  std::vector<View> views;
  views.reserve(7);  // no reallocation: `raw` refers into views[0]
  views.push_back(identity(text));
  const std::string& raw = views[0].text;
  const bool json_escaped = has_json_escape(raw);
  const bool url_escaped = has_url_escape(raw);
  if (json_escaped) {
    View once = json_unescaped(raw);
    if (has_json_escape(once.text)) views.push_back(composed(once, json_unescaped(once.text)));
    if (has_url_escape(once.text)) views.push_back(composed(once, url_decoded(once.text)));
    views.push_back(std::move(once));
  }
  if (url_escaped) {
    View once = url_decoded(raw);
    if (has_json_escape(once.text)) views.push_back(composed(once, json_unescaped(once.text)));
    if (once.text.find('%') != std::string::npos) {
      views.push_back(composed(once, url_decoded(once.text)));
    }
    views.push_back(std::move(once));
  }
  return views;
}

uint32_t prefix4(const char* bytes) {
  return static_cast<uint32_t>(static_cast<unsigned char>(bytes[0])) << 24 |
         static_cast<uint32_t>(static_cast<unsigned char>(bytes[1])) << 16 |
         static_cast<uint32_t>(static_cast<unsigned char>(bytes[2])) << 8 |
         static_cast<uint32_t>(static_cast<unsigned char>(bytes[3]));
}

std::string base64(std::string_view bytes) {
  std::string text(4 * ((bytes.size() + 2) / 3), '\0');
  const int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(text.data()),
                                     reinterpret_cast<const unsigned char*>(bytes.data()),
                                     static_cast<int>(bytes.size()));
  text.resize(static_cast<size_t>(std::max(length, 0)));
  return text;
}

std::string url_safe(std::string text) {
  for (char& c : text) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return text;
}

std::string unpadded(std::string text) {
  while (!text.empty() && text.back() == '=') text.pop_back();
  return text;
}

// The whole base64 encodings of `bytes`: standard and URL-safe, padded and not.
void add_whole_base64(std::string_view bytes, std::vector<std::string>& forms) {
  const std::string standard = base64(bytes);
  forms.push_back(standard);
  forms.push_back(unpadded(standard));
  forms.push_back(url_safe(standard));
  forms.push_back(unpadded(url_safe(standard)));
}

// The forms of one secret: raw, whole base64, and for each of the three byte offsets it can
// start at inside a longer base64 text, the characters that depend on its bytes alone.
std::vector<std::string> forms_of(std::string_view secret) {
  std::vector<std::string> forms = {std::string(secret)};
  add_whole_base64(secret, forms);
  for (size_t offset = 0; offset < 3; ++offset) {
    std::string bytes(offset, '\0');
    bytes.append(secret);
    const std::string encoded = unpadded(base64(bytes));
    // Character i holds bits [6i, 6i + 6); the secret's bits are [8 * offset, 8 * size).
    const size_t first = (8 * offset + 5) / 6;
    const size_t last = 8 * bytes.size() / 6;
    if (last <= first || last - first < Redactor::kMinFragmentSize) continue;
    const std::string core = encoded.substr(first, last - first);
    forms.push_back(core);
    forms.push_back(url_safe(core));
  }
  return forms;
}

}  // namespace

Redactor& Redactor::process() {
  static Redactor* instance = new Redactor();  // never destroyed: used until the process ends
  return *instance;
}

void Redactor::add_forms_locked(std::vector<std::string> forms) {
  for (std::string& form : forms) {
    if (form.size() < kMinSecretSize || !known_forms_.insert(form).second) continue;
    by_prefix_[prefix4(form.data())].push_back(static_cast<uint32_t>(forms_.size()));
    first_two_[prefix4(form.data()) >> 16] = true;
    longest_form_ = std::max(longest_form_, form.size());
    forms_.push_back(std::move(form));
  }
}

void Redactor::find_matches_locked(const std::string& text, const std::vector<size_t>& start,
                                   std::vector<Span>& spans) const {
  if (text.size() < kMinSecretSize) return;
  // Every candidate start position, looked up by its first four bytes.
  for (size_t pos = 0; pos + kMinSecretSize <= text.size(); ++pos) {
    const uint32_t key = prefix4(text.data() + pos);
    if (!first_two_[key >> 16]) continue;
    const auto it = by_prefix_.find(key);
    if (it == by_prefix_.end()) continue;
    for (const uint32_t index : it->second) {
      const std::string& form = forms_[index];
      if (text.compare(pos, form.size(), form) == 0) {
        spans.emplace_back(start[pos], start[pos + form.size()]);
      }
    }
  }
  // A form cut short: a fragment at the end or before an ellipsis that begins a form.
  std::vector<size_t> cuts = {text.size()};
  for (std::string_view ellipsis : {std::string_view("..."), std::string_view("\xE2\x80\xA6")}) {
    for (size_t pos = text.find(ellipsis); pos != std::string::npos;
         pos = text.find(ellipsis, pos + 1)) {
      cuts.push_back(pos);
    }
  }
  for (const size_t cut : cuts) {
    // The longest fragment first: the earliest start position whose bytes begin a form.
    const size_t earliest = cut > longest_form_ ? cut - longest_form_ : 0;
    for (size_t from = earliest; from + kMinFragmentSize <= cut; ++from) {
      const uint32_t key = prefix4(text.data() + from);
      if (!first_two_[key >> 16]) continue;
      const auto it = by_prefix_.find(key);
      if (it == by_prefix_.end()) continue;
      const size_t length = cut - from;
      const bool found = std::any_of(it->second.begin(), it->second.end(), [&](uint32_t index) {
        const std::string& form = forms_[index];
        return form.size() > length && text.compare(from, length, form, 0, length) == 0;
      });
      if (found) {
        spans.emplace_back(start[from], start[cut]);
        break;
      }
    }
  }
}

void Redactor::add_secret(std::string_view secret) {
  if (secret.size() < kMinSecretSize) return;
  std::unique_lock lock(mutex_);
  if (!secrets_.emplace(secret).second) return;
  add_forms_locked(forms_of(secret));
}

void Redactor::add_secret_value(const json::value& value) {
  switch (value.kind()) {
    case json::kind::string:
      add_secret(value.get_string());
      break;
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      add_secret(json::serialize(value));
      break;
    case json::kind::array:
      for (const json::value& item : value.get_array()) add_secret_value(item);
      break;
    case json::kind::object:
      for (const auto& member : value.get_object()) add_secret_value(member.value());
      break;
    default:
      break;
  }
}

void Redactor::add_pair(std::string_view context, std::string_view secret) {
  if (secret.size() < kMinSecretSize || context.empty()) return;
  std::string pair(context);
  pair.push_back(':');
  pair.append(secret);
  std::vector<std::string> forms;
  add_whole_base64(pair, forms);
  std::unique_lock lock(mutex_);
  if (!pairs_.insert(std::move(pair)).second) return;
  add_forms_locked(std::move(forms));
}

std::string Redactor::redact(std::string_view text) const {
  std::shared_lock lock(mutex_);
  if (forms_.empty() || text.size() < kMinSecretSize) return std::string(text);
  std::vector<Span> spans;
  for (const View& view : views_of(text)) find_matches_locked(view.text, view.start, spans);
  lock.unlock();
  if (spans.empty()) return std::string(text);
  std::sort(spans.begin(), spans.end());
  std::string out;
  out.reserve(text.size());
  size_t copied = 0;
  for (size_t i = 0; i < spans.size();) {
    size_t begin = spans[i].first;
    size_t end = spans[i].second;
    for (++i; i < spans.size() && spans[i].first <= end; ++i) end = std::max(end, spans[i].second);
    if (begin < copied) begin = copied;
    out.append(text.substr(copied, begin - copied));
    out.append(kRedactedText);
    copied = std::max(copied, end);
  }
  out.append(text.substr(copied));
  return out;
}

void Redactor::redact_json(json::value& value) const {
  switch (value.kind()) {
    case json::kind::string: {
      const json::string& text = value.get_string();
      std::string redacted = redact(text);
      if (redacted != std::string_view(text)) value = redacted;
      break;
    }
    case json::kind::array:
      for (json::value& item : value.get_array()) redact_json(item);
      break;
    case json::kind::object: {
      json::object& object = value.get_object();
      bool key_changed = false;
      for (auto& member : object) {
        redact_json(member.value());
        if (redact(member.key()) != member.key()) key_changed = true;
      }
      if (key_changed) {
        json::object rebuilt;
        for (auto& member : object) rebuilt[redact(member.key())] = std::move(member.value());
        value = std::move(rebuilt);
      }
      break;
    }
    default:
      break;
  }
}

size_t Redactor::size() const {
  std::shared_lock lock(mutex_);
  return secrets_.size();
}

std::string redact_secrets(std::string_view text) { return Redactor::process().redact(text); }

}  // namespace sluice::host
