#include "sink.hpp"

#include <fmt/format.h>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/stream_parser.hpp>
#include <boost/json/value.hpp>
#include <iterator>
#include <optional>

namespace sluice::tools::mock_api {
namespace {

namespace json = boost::json;

// The text a record's "id" is compared with the reject list as, if it has one.
std::optional<std::string> id_text(const json::value* id) {
  if (id == nullptr) return std::nullopt;
  if (id->is_string()) return std::string(id->get_string());
  if (id->is_int64()) return std::to_string(id->get_int64());
  if (id->is_uint64()) return std::to_string(id->get_uint64());
  return std::nullopt;
}

void append_result(fmt::memory_buffer& out, const json::value* id, bool rejected,
                   const Credentials* echo) {
  const std::string id_json = id == nullptr ? "null" : json::serialize(*id);
  auto it = std::back_inserter(out);
  if (!rejected) {
    fmt::format_to(it, R"({{"id":{},"status":"created"}})", id_json);
    return;
  }
  const std::string message = echo != nullptr
                                  ? echo_message(*echo, id_text(id).value_or(id_json))
                                  : fmt::format("order {} was rejected by the mock sink (--reject)",
                                                id_text(id).value_or(id_json));
  fmt::format_to(it, R"({{"id":{},"status":422,"errors":[{{"code":"rejected","message":{}}}]}})",
                 id_json, json::serialize(json::string_view(message)));
}

}  // namespace

std::string error_json(std::string_view message) {
  return fmt::format(R"({{"error":{}}})", json::serialize(json::string_view(message)));
}

Sink::Sink(bool count_only, const std::vector<std::string>& reject)
    : count_only_(count_only), reject_(reject.begin(), reject.end()) {}

Reply Sink::ingest(std::string body, const Credentials* echo) {
  // The parsed body lives in a per-request arena (one free at the end, no per-node malloc).
  json::monotonic_resource arena;
  json::stream_parser parser;
  parser.reset(&arena);
  json::error_code ec;
  const std::size_t consumed = parser.write(body.data(), body.size(), ec);
  if (!ec) parser.finish(ec);

  std::string error;
  json::value parsed(&arena);  // same resource as the parser's result: release() moves, not copies
  if (ec) {
    error = fmt::format("request body is not valid JSON: {} (at byte {} of {})", ec.message(),
                        consumed, body.size());
  } else {
    parsed = parser.release();
    if (parsed.is_array()) {
      const auto& records = parsed.get_array();
      for (std::size_t i = 0; i < records.size(); ++i) {
        if (!records[i].is_object()) {
          error = fmt::format("record {} of the array is not a JSON object", i + 1);
          break;
        }
      }
    } else if (!parsed.is_object()) {
      error = "request body must be a JSON array of records or one JSON object";
    }
  }

  // Decide and record under the lock; build the reply text after it.
  std::vector<const json::object*> records;
  std::vector<bool> rejected;
  {
    std::lock_guard lock(mutex_);
    ++requests_;
    bytes_ += static_cast<std::int64_t>(body.size());
    if (!count_only_) bodies_.push_back(std::move(body));
    if (!error.empty()) return {400, error_json(error)};

    if (parsed.is_array()) {
      for (const auto& record : parsed.get_array()) records.push_back(&record.get_object());
    } else {
      records.push_back(&parsed.get_object());
    }
    rejected.reserve(records.size());
    for (const json::object* record : records) {
      const auto id = id_text(record->if_contains("id"));
      const bool is_rejected = id && is_rejected_locked(*id);
      rejected.push_back(is_rejected);
      ++records_;
      ++(is_rejected ? rejected_ : accepted_);
      if (!is_rejected && !count_only_) received_.emplace_back(*record);
      if (!is_rejected) received_ids_.push_back(id.value_or(std::string()));
    }
  }

  fmt::memory_buffer out;
  if (parsed.is_object()) {
    append_result(out, records[0]->if_contains("id"), rejected[0], echo);
    return {rejected[0] ? 422 : 201, fmt::to_string(out)};
  }
  out.reserve(records.size() * 48 + 2);
  out.push_back('[');
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (i != 0) out.push_back(',');
    append_result(out, records[i]->if_contains("id"), rejected[i], echo);
  }
  out.push_back(']');
  return {200, fmt::to_string(out)};
}

std::string Sink::summary_json() const {
  std::lock_guard lock(mutex_);
  std::string text =
      fmt::format(R"({{"requests":{},"records":{},"accepted":{},"rejected":{},"bytes":{})",
                  requests_, records_, accepted_, rejected_, bytes_);
  if (!count_only_) {
    text += R"(,"received":)";
    text += json::serialize(received_);
  }
  text += '}';
  return text;
}

Reply Sink::bodies_json() const {
  if (count_only_) {
    return {409, error_json("request bodies are not kept with --sink-count-only")};
  }
  std::lock_guard lock(mutex_);
  std::string text = R"({"bodies":[)";
  for (std::size_t i = 0; i < bodies_.size(); ++i) {
    if (i != 0) text += ',';
    text += json::serialize(json::string_view(bodies_[i]));
  }
  text += "]}";
  return {200, std::move(text)};
}

std::string Sink::ids_json() const {
  std::lock_guard lock(mutex_);
  json::array ids;
  ids.reserve(received_ids_.size());
  for (const std::string& id : received_ids_) ids.emplace_back(id);
  return json::serialize(json::object{{"ids", std::move(ids)}});
}

void Sink::reset() {
  std::lock_guard lock(mutex_);
  requests_ = records_ = accepted_ = rejected_ = bytes_ = 0;
  bodies_.clear();
  received_.clear();
  received_ids_.clear();
}

void Sink::set_reject(const std::vector<std::string>& ids) {
  std::lock_guard lock(mutex_);
  reject_ = std::unordered_set<std::string>(ids.begin(), ids.end());
}

bool Sink::is_rejected_locked(const std::string& id) const { return reject_.count(id) != 0; }

}  // namespace sluice::tools::mock_api
