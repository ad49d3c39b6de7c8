// RFC 8288 Link headers and RFC 3986 reference resolution for linkheader paging (paging.hpp).
// Hand-written: Poco has no Link header parser, and Poco::URI decodes and re-encodes paths
// (%2F becomes '/'), which a cursor URL must not suffer.
#include <cctype>

#include "sluice/support/http/paging.hpp"
#include "sluice/support/http/url.hpp"

namespace sluice::support::http {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t'; }

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Reads links from `text` at `i`.
class LinkParser {
 public:
  explicit LinkParser(std::string_view text) : text_(text) {}

  std::vector<Link> parse() {
    std::vector<Link> links;
    while (i_ < text_.size()) {
      skip_separators();
      if (i_ >= text_.size()) break;
      Link link;
      if (parse_link(link)) {
        links.push_back(std::move(link));
      } else {
        skip_to_next_link();
      }
    }
    return links;
  }

 private:
  void skip_spaces() {
    while (i_ < text_.size() && is_space(text_[i_])) ++i_;
  }
  void skip_separators() {
    while (i_ < text_.size() && (is_space(text_[i_]) || text_[i_] == ',')) ++i_;
  }
  // Past the next comma that is outside quotes and angle brackets.
  void skip_to_next_link() {
    bool quoted = false;
    bool bracketed = false;
    for (; i_ < text_.size(); ++i_) {
      const char c = text_[i_];
      if (quoted) {
        if (c == '\\')
          ++i_;
        else if (c == '"')
          quoted = false;
      } else if (bracketed) {
        if (c == '>') bracketed = false;
      } else if (c == '"') {
        quoted = true;
      } else if (c == '<') {
        bracketed = true;
      } else if (c == ',') {
        ++i_;
        return;
      }
    }
  }
  bool parse_link(Link& link) {
    if (text_[i_] != '<') return false;
    const size_t close = text_.find('>', i_ + 1);
    if (close == std::string_view::npos) {
      i_ = text_.size();
      return false;
    }
    link.target.assign(text_.substr(i_ + 1, close - i_ - 1));
    i_ = close + 1;
    for (;;) {
      skip_spaces();
      if (i_ >= text_.size() || text_[i_] == ',') return true;
      if (text_[i_] != ';') return false;
      ++i_;
      skip_spaces();
      const size_t name_start = i_;
      while (i_ < text_.size() && !is_space(text_[i_]) && text_[i_] != '=' && text_[i_] != ';' &&
             text_[i_] != ',') {
        ++i_;
      }
      if (i_ == name_start) continue;  // an empty param (";;") is skipped
      std::string name = lower(text_.substr(name_start, i_ - name_start));
      std::string value;
      skip_spaces();
      if (i_ < text_.size() && text_[i_] == '=') {
        ++i_;
        skip_spaces();
        if (!parse_value(value)) return false;
      }
      if (name == "rel" && link.rels.empty()) {
        size_t start = 0;
        const std::string rels = lower(value);
        while (start < rels.size()) {
          size_t end = start;
          while (end < rels.size() && !is_space(rels[end])) ++end;
          if (end > start) link.rels.push_back(rels.substr(start, end - start));
          start = end + 1;
        }
      }
      link.params.emplace_back(std::move(name), std::move(value));
    }
  }
  bool parse_value(std::string& value) {
    if (i_ < text_.size() && text_[i_] == '"') {
      for (++i_; i_ < text_.size(); ++i_) {
        const char c = text_[i_];
        if (c == '\\' && i_ + 1 < text_.size()) {
          value.push_back(text_[++i_]);
        } else if (c == '"') {
          ++i_;
          return true;
        } else {
          value.push_back(c);
        }
      }
      return false;  // unterminated quote
    }
    while (i_ < text_.size() && !is_space(text_[i_]) && text_[i_] != ';' && text_[i_] != ',') {
      value.push_back(text_[i_++]);
    }
    return true;
  }

  std::string_view text_;
  size_t i_ = 0;
};

}  // namespace

std::vector<Link> parse_link_header(std::string_view value) { return LinkParser(value).parse(); }

std::optional<std::string> find_link(const Headers& headers, std::string_view rel,
                                     std::string_view request_url) {
  const std::string wanted = lower(rel);
  for (const Header& header : headers) {
    if (lower(header.name) != "link") continue;
    for (const Link& link : parse_link_header(header.value)) {
      for (const std::string& r : link.rels) {
        if (r == wanted) return resolve_reference(request_url, link.target);
      }
    }
  }
  return std::nullopt;
}

std::string resolve_reference(std::string_view base, std::string_view reference) {
  if (is_absolute_url(reference)) return std::string(reference);
  const size_t scheme_end = base.find("://");
  if (scheme_end == std::string_view::npos) return std::string(reference);
  if (reference.starts_with("//"))
    return std::string(base.substr(0, scheme_end + 1)) + std::string(reference);
  const size_t path_start = base.find_first_of("/?#", scheme_end + 3);
  const std::string_view origin = base.substr(0, path_start);
  if (reference.empty()) return std::string(base);
  if (reference.front() == '/') return std::string(origin) + std::string(reference);
  const std::string_view rest =
      path_start == std::string_view::npos ? std::string_view() : base.substr(path_start);
  const std::string_view path = rest.substr(0, rest.find_first_of("?#"));
  if (reference.front() == '?')
    return std::string(origin) + std::string(path) + std::string(reference);
  if (reference.front() == '#') {
    return std::string(base.substr(0, base.find('#'))) + std::string(reference);
  }
  const size_t slash = path.rfind('/');
  const std::string_view directory =
      slash == std::string_view::npos ? "/" : path.substr(0, slash + 1);
  return std::string(origin) + std::string(directory) + std::string(reference);
}

}  // namespace sluice::support::http
