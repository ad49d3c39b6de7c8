#include "sluice/support/http/message.hpp"

#include <algorithm>

namespace sluice::support::http {

namespace {

bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
           return lower(x) == lower(y);
         });
}

}  // namespace

const std::string* find_header(const Headers& headers, std::string_view name) noexcept {
  for (const Header& h : headers) {
    if (iequals(h.name, name)) return &h.value;
  }
  return nullptr;
}

void set_header(Headers& headers, std::string_view name, std::string value) {
  auto same = [&](const Header& h) { return iequals(h.name, name); };
  auto first = std::find_if(headers.begin(), headers.end(), same);
  if (first == headers.end()) {
    headers.push_back({std::string(name), std::move(value)});
    return;
  }
  first->value = std::move(value);
  headers.erase(std::remove_if(std::next(first), headers.end(), same), headers.end());
}

}  // namespace sluice::support::http
