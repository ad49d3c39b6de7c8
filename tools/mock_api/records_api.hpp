// A small CRUD API of items, answering as REST APIs do, for HTTP imports that create, update and
// send batches (composite create/update, per-record errors, failures inside a 200):
//
//   POST /api/items         create from a JSON object: 201 {"id":"IT-0004","status":"created"}
//   PUT  /api/items/{id}    replace the item: 200 {"id":"IT-0002","status":"updated"}; an unknown
//                           id 404 {"error":{"code":"not_found","message":"no item with id 'X'"}}
//   GET  /api/items/{id}    200 the item {"id":..,"name":..,...}; an unknown id 404 as above
//   GET  /api/items         200 {"items":[...]}: every item in id order
//   POST /api/items/batch   a JSON array of objects, each created (no "id") or updated (with
//                           one): 200 {"results":[R, ...]}, one R per element in order: either
//                           {"index":I,"id":"IT-0005","status":"created"|"updated"} or
//                           {"index":I,"status":"failed","error":{"code":C,"message":M}} (C
//                           "invalid" or "not_found"); a failure never fails the other elements.
//
// An item is valid when "name" is a non-empty string and "price", if present, is a number >= 0;
// else 422 {"errors":[{"code":"invalid","field":F,"message":M}]} (one entry per problem, name
// first). A body that is not JSON, or not an object (an array for /batch), is 400 {"error":..}.
// An item named "unavailable" makes its request (a whole /batch too) answer 503
// {"error":"the items service is unavailable"} every time: a 5xx that outlives retries.
//
// The store starts with kSeededItems items, IT-0001 .. IT-0003, named "Seed N" with price N;
// new ones are numbered on from there in creation order. Thread-safe (one mutex); the state
// lives as long as the process (each test starts its own server).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "sink.hpp"

namespace sluice::tools::mock_api {

inline constexpr int kSeededItems = 3;

// The answer to `method` `path` (any path below /api/items), or nullopt for another path.
std::optional<Reply> records_api(std::string_view method, std::string_view path,
                                 const std::string& body);

}  // namespace sluice::tools::mock_api
