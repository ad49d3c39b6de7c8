// The customers the orders refer to (orders.cpp: order n's customer {"id": "C-NNNNN", "email":
// "customerN@example.com"}, N in 1..kCustomers), as an API to look them up in answers them:
//
//   GET /api/customers/C-00042        200 {"id":"C-00042","email":"customer42@example.com",
//                                      "name":"First42 Last42","tier":"gold"}; an unknown id 404
//   GET /api/customers?email=E        200 {"customers":[...]}: the customer with that email, or
//                                      none ([]); without email 400
//
// Customer N: name "First<N> Last<N>" (the order's first_name and last_name), tier
// ["bronze", "silver", "gold"][N % 3]. Pure and deterministic.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sink.hpp"

namespace sluice::tools::mock_api {

// As orders.cpp: customers C-00001 ... C-50000.
inline constexpr std::int64_t kCustomerCount = 50'000;

// The JSON text of customer `number` (1..kCustomerCount).
std::string customer_json(std::int64_t number);

// The answer to GET `path` (below /api/customers) with the decoded query parameter email (null
// when absent), or nullopt when `path` is not a customers path.
std::optional<Reply> customers(std::string_view path, const std::string* email);

}  // namespace sluice::tools::mock_api
