#include "listing.hpp"

#include <charconv>

namespace sluice::plugins::ftp {

namespace {

// Skips spaces, then returns the next run of non-spaces (empty at the end).
std::string_view next_word(std::string_view line, size_t& at) {
  while (at < line.size() && (line[at] == ' ' || line[at] == '\t')) ++at;
  const size_t start = at;
  while (at < line.size() && line[at] != ' ' && line[at] != '\t') ++at;
  return line.substr(start, at - start);
}

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

std::vector<RemoteEntry> parse_unix_listing(std::string_view text, bool trim) {
  std::vector<RemoteEntry> entries;
  size_t line_start = 0;
  while (line_start < text.size()) {
    size_t line_end = text.find('\n', line_start);
    if (line_end == std::string_view::npos) line_end = text.size();
    std::string_view line = text.substr(line_start, line_end - line_start);
    line_start = line_end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() < 10) continue;
    const char kind = line[0];
    if (kind != '-' && kind != 'd' && kind != 'l') continue;
    size_t at = 0;
    std::string_view words[8];
    bool complete = true;
    for (auto& word : words) {
      word = next_word(line, at);
      if (word.empty()) complete = false;
    }
    if (!complete || at >= line.size()) continue;
    // One separator after the time or year column; the rest is the name.
    std::string_view name = line.substr(at + 1);
    if (trim) name = trimmed(name);
    if (kind == 'l') {
      if (auto arrow = name.find(" -> "); arrow != std::string_view::npos) {
        name = name.substr(0, arrow);
      }
    }
    if (name.empty() || name == "." || name == "..") continue;
    RemoteEntry entry;
    entry.name = std::string(name);
    entry.is_directory = kind == 'd';
    uint64_t size = 0;
    const std::string_view size_word = words[4];
    auto [end, error] =
        std::from_chars(size_word.data(), size_word.data() + size_word.size(), size);
    if (error == std::errc() && end == size_word.data() + size_word.size()) entry.size = size;
    entries.push_back(std::move(entry));
  }
  return entries;
}

std::vector<RemoteEntry> parse_windows_listing(std::string_view text) {
  std::vector<RemoteEntry> entries;
  size_t line_start = 0;
  while (line_start < text.size()) {
    size_t line_end = text.find('\n', line_start);
    if (line_end == std::string_view::npos) line_end = text.size();
    std::string_view line = text.substr(line_start, line_end - line_start);
    line_start = line_end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    size_t at = 0;
    const std::string_view date = next_word(line, at);
    const std::string_view time = next_word(line, at);
    const std::string_view size_or_dir = next_word(line, at);
    // A date has digits and '-' or '/'; a time has a ':'.
    if (date.size() < 6 || date.find_first_not_of("0123456789-/") != std::string_view::npos ||
        time.find(':') == std::string_view::npos || size_or_dir.empty()) {
      continue;
    }
    while (at < line.size() && (line[at] == ' ' || line[at] == '\t')) ++at;
    const std::string_view name = line.substr(at);
    if (name.empty() || name == "." || name == "..") continue;
    RemoteEntry entry;
    entry.name = std::string(name);
    if (size_or_dir == "<DIR>") {
      entry.is_directory = true;
    } else {
      uint64_t size = 0;
      auto [end, error] =
          std::from_chars(size_or_dir.data(), size_or_dir.data() + size_or_dir.size(), size);
      if (error != std::errc() || end != size_or_dir.data() + size_or_dir.size()) continue;
      entry.size = size;
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

}  // namespace sluice::plugins::ftp
