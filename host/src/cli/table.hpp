// Plain-text tables for terminal output: columns padded to their widest cell. Cells are user
// text (ids, names, messages): every control character in them is printed as a visible escape
// (\n, \x1b, \u0085; see host::printable), so a cell can neither break a row nor drive the
// terminal.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace sluice::cli {

class Table {
 public:
  explicit Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}
  void add(const std::vector<std::string>& row);
  bool empty() const noexcept { return rows_.empty(); }
  // The last column is never padded, so long help text just runs on.
  void print(std::ostream& out) const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace sluice::cli
