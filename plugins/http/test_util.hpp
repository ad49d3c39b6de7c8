// Shared by the plugin's tests: resource documents for a MockApiServer and small drivers.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "connection.hpp"
#include "export_reader.hpp"
#include "import_writer.hpp"
#include "mock_api_server.hpp"

namespace sluice::plugins::http::test {

namespace json = boost::json;
using namespace std::chrono_literals;

// Retries that do not slow the suite down.
inline const ClientTuning kFast{.initial_backoff = 1ms, .max_backoff = 5ms, .max_attempts = 3};

inline json::object object(std::string_view text) { return json::parse(text).as_object(); }

inline Context no_host() { return Context(nullptr, nullptr); }

// A token-auth connection to `server` (token in the Authorization header unless location "url"),
// one request at a time (http.concurrencyLevel 1), so that the server sees the requests in order.
inline json::object connection_doc(const sluice::testing::MockApiServer& server,
                                   const std::string& token = "demo-token",
                                   const std::string& location = "header") {
  return json::object{
      {"type", "http"},
      {"http",
       json::object{{"baseURI", server.base_url()},
                    {"mediaType", "json"},
                    {"concurrencyLevel", 1},
                    {"auth", json::object{{"type", "token"},
                                          {"token", json::object{{"token", token},
                                                                 {"location", location}}}}}}}};
}

inline std::unique_ptr<HttpConnection> open_connection(const json::object& doc) {
  Context context = no_host();
  auto connection = HttpConnection::open(context, doc, kFast);
  if (!connection) ADD_FAILURE() << connection.error().message;
  return connection ? std::move(*connection) : nullptr;
}

inline std::unique_ptr<HttpExportReader> open_export(const HttpConnection& connection,
                                                     const json::object& doc) {
  Context context = no_host();
  auto reader = HttpExportReader::open(context, connection, doc);
  if (!reader) ADD_FAILURE() << reader.error().message;
  return reader ? std::move(*reader) : nullptr;
}

// What an export produced until it was done, failed, or `max_pages` pages were read.
struct Pages {
  std::vector<size_t> sizes;
  std::vector<std::string> ids;
  bool done = false;
  std::optional<Error> error;
};

inline Pages read_all(ExportReader& reader, int max_pages = 100) {
  Pages out;
  Context context = no_host();
  for (int i = 0; i < max_pages && !out.done; ++i) {
    auto page = reader.next_page(context);
    if (!page) {
      out.error = page.error();
      break;
    }
    auto records = page_records(*page);  // as text or as values, the same records
    if (!records) {
      out.error = records.error();
      break;
    }
    out.sizes.push_back(records->size());
    for (const auto& record : *records) out.ids.emplace_back(record.at("id").as_string());
    out.done = page->done;
  }
  return out;
}

// "ORD-000001" ... "ORD-00000n".
inline std::vector<std::string> order_ids(int first, int last) {
  std::vector<std::string> ids;
  for (int n = first; n <= last; ++n) {
    std::string digits = std::to_string(n);
    ids.push_back("ORD-" + std::string(6 - digits.size(), '0') + digits);
  }
  return ids;
}

}  // namespace sluice::plugins::http::test
