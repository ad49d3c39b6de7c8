#include "cli/table.hpp"

#include <algorithm>

#include "resources/printable.hpp"

namespace sluice::cli {

namespace {

// Display width of UTF-8 text: counts code points, not bytes.
size_t width(const std::string& text) {
  return static_cast<size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

std::vector<std::string> printable_row(const std::vector<std::string>& row) {
  std::vector<std::string> out;
  out.reserve(row.size());
  for (const auto& cell : row) out.push_back(host::printable(cell));
  return out;
}

}  // namespace

void Table::add(const std::vector<std::string>& row) { rows_.push_back(printable_row(row)); }

void Table::print(std::ostream& out) const {
  std::vector<size_t> widths(headers_.size(), 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i)
      widths[i] = std::max(widths[i], width(row[i]));
  };
  measure(headers_);
  for (const auto& row : rows_) measure(row);
  auto line = [&](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size(); ++i) {
      out << row[i];
      if (i + 1 < row.size() && i < widths.size())
        out << std::string(widths[i] - width(row[i]) + 2, ' ');
    }
    out << '\n';
  };
  line(headers_);
  for (const auto& row : rows_) line(row);
}

}  // namespace sluice::cli
