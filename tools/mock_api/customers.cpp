#include "customers.hpp"

#include <fmt/format.h>

#include <array>
#include <charconv>

namespace sluice::tools::mock_api {
namespace {

constexpr std::array<std::string_view, 3> kTiers = {"bronze", "silver", "gold"};

// N of "<prefix>N<suffix>" with N in 1..kCustomerCount written with exactly `digits` digits (0:
// no leading zeros), else nullopt.
std::optional<std::int64_t> number_in(std::string_view text, std::string_view prefix,
                                      std::string_view suffix, size_t digits) {
  if (!text.starts_with(prefix) || !text.ends_with(suffix)) return std::nullopt;
  if (text.size() < prefix.size() + suffix.size() + 1) return std::nullopt;
  const std::string_view n =
      text.substr(prefix.size(), text.size() - prefix.size() - suffix.size());
  if (digits != 0 ? n.size() != digits : n.front() == '0') return std::nullopt;
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(n.data(), n.data() + n.size(), value);
  if (error != std::errc() || end != n.data() + n.size()) return std::nullopt;
  if (value < 1 || value > kCustomerCount) return std::nullopt;
  return value;
}

}  // namespace

std::string customer_json(std::int64_t number) {
  return fmt::format(
      R"({{"id":"C-{:05}","email":"customer{}@example.com","name":"First{} Last{}","tier":"{}"}})",
      number, number, number, number, kTiers[static_cast<size_t>(number % 3)]);
}

std::optional<Reply> customers(std::string_view path, const std::string* email) {
  constexpr std::string_view kCollection = "/api/customers";
  if (path == kCollection) {
    if (email == nullptr) {
      return Reply{400, error_json("GET /api/customers needs the query parameter email, e.g. "
                                   "?email=customer42@example.com")};
    }
    const auto n = number_in(*email, "customer", "@example.com", 0);
    return Reply{200, n ? fmt::format(R"({{"customers":[{}]}})", customer_json(*n))
                        : std::string(R"({"customers":[]})")};
  }
  if (!path.starts_with(kCollection) || path.size() <= kCollection.size() + 1 ||
      path[kCollection.size()] != '/') {
    return std::nullopt;
  }
  const std::string_view id = path.substr(kCollection.size() + 1);
  if (const auto n = number_in(id, "C-", "", 5)) return Reply{200, customer_json(*n)};
  return Reply{404, error_json(fmt::format("no customer with id '{}'", id))};
}

}  // namespace sluice::tools::mock_api
