#include "limits.hpp"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Timespan.h>
#include <Poco/Timestamp.h>
#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>

namespace sluice::tools::mock_api {
namespace {

namespace json = boost::json;

struct KeyState {
  int64_t requests = 0;
  int in_flight = 0;
  int max_in_flight = 0;
  int64_t generation = 0;  // ?hold: advanced each time `hold` requests are in flight together
};

std::mutex g_mutex;
std::condition_variable g_changed;
std::map<std::string, KeyState> g_keys;

std::string parameter(const Poco::URI::QueryParameters& query, std::string_view name,
                      std::string fallback) {
  for (const auto& [key, value] : query) {
    if (key == name) return value;
  }
  return fallback;
}

int64_t number(const Poco::URI::QueryParameters& query, std::string_view name, int64_t fallback,
               int64_t max) {
  const std::string text = parameter(query, name, "");
  int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || value < 0) {
    return fallback;
  }
  return std::min(value, max);
}

Reply slow(const std::string& method, const std::string& path, const std::string& key,
           const Poco::URI::QueryParameters& query, const std::string& body) {
  const int hold = static_cast<int>(number(query, "hold", 0, 1000));
  const auto wait = std::chrono::milliseconds(number(query, "ms", 2000, 10'000));
  int seen = 0;
  {
    std::unique_lock lock(g_mutex);
    KeyState& state = g_keys[key];
    ++state.requests;
    ++state.in_flight;
    state.max_in_flight = std::max(state.max_in_flight, state.in_flight);
    seen = state.in_flight;
    if (hold > 0 && state.in_flight >= hold) {
      ++state.generation;  // the group is complete: every held request goes on
      g_changed.notify_all();
    } else if (hold > 0) {
      // Bounded: never longer than `wait`, whatever the client does.
      const int64_t mine = state.generation;
      g_changed.wait_for(lock, wait, [&] { return state.generation != mine; });
    }
    --state.in_flight;
  }
  constexpr std::string_view kPrefix = "/api/limits/slow/";
  json::value id = nullptr;
  if (path.starts_with(kPrefix)) id = path.substr(kPrefix.size());
  if (method == "POST" && !body.empty()) {
    json::error_code ec;
    json::value records = json::parse(body, ec);
    if (!ec && records.is_array()) {
      json::array items;
      for (const json::value& record : records.as_array()) {
        const json::value* rid =
            record.is_object() ? record.as_object().if_contains("id") : nullptr;
        items.push_back(json::object{{"id", rid != nullptr ? *rid : json::value(nullptr)}});
      }
      return {200, json::serialize(items)};
    }
  }
  return {200, json::serialize(json::object{{"id", id}, {"inFlight", seen}})};
}

// The count of this request for `key`, from 1.
int64_t count_request(const std::string& key) {
  std::lock_guard lock(g_mutex);
  return ++g_keys[key].requests;
}

Reply rate_limited(const std::string& key, const Poco::URI::QueryParameters& query) {
  const int64_t n = count_request(key);
  if (n > number(query, "fail", 1, 1000)) return {200, R"({"ok":true})"};
  const std::string form = parameter(query, "form", "seconds");
  const int64_t after = number(query, "after", 0, 86'400);
  const std::string header = parameter(query, "header", "Retry-After");
  if (form == "body") return {200, R"({"error":{"code":"rate_limited"}})"};
  Reply reply{429, R"({"error":"too many requests"})"};
  if (form == "date") {
    reply.headers.emplace_back(
        header, Poco::DateTimeFormatter::format(Poco::Timestamp() + Poco::Timespan(after, 0),
                                                Poco::DateTimeFormat::HTTP_FORMAT));
  } else {
    reply.headers.emplace_back(header, std::to_string(after));
  }
  return reply;
}

Reply flaky(const std::string& key, const Poco::URI::QueryParameters& query) {
  const int64_t n = count_request(key);
  if (n > number(query, "fail", 2, 1000)) return {200, R"({"ok":true})"};
  const int status = static_cast<int>(number(query, "status", 503, 599));
  return {status, fmt::format(R"({{"error":"injected failure {} of this key"}})", n)};
}

std::string summary() {
  std::lock_guard lock(g_mutex);
  json::object out;
  for (const auto& [key, state] : g_keys) {
    out[key] = json::object{{"requests", state.requests}, {"maxInFlight", state.max_in_flight}};
  }
  return json::serialize(out);
}

}  // namespace

std::optional<Reply> limits_api(const std::string& method, const std::string& path,
                                const Poco::URI::QueryParameters& query, const std::string& body) {
  if (path == "/_mock/limits" && method == "GET") return Reply{200, summary()};
  if (path == "/_mock/limits/reset" && method == "POST") {
    std::lock_guard lock(g_mutex);
    // Entries stay (a held request refers to its own): only their counts start again.
    for (auto& [name, state] : g_keys) {
      state.requests = 0;
      state.max_in_flight = state.in_flight;
    }
    return Reply{200, R"({"status":"reset"})"};
  }
  const std::string key = parameter(query, "counter", "default");
  if (path == "/api/limits/slow" || path.starts_with("/api/limits/slow/")) {
    return slow(method, path, key, query, body);
  }
  if (path == "/api/limits/ratelimited") return rate_limited(key, query);
  if (path == "/api/limits/flaky") return flaky(key, query);
  return std::nullopt;
}

}  // namespace sluice::tools::mock_api
