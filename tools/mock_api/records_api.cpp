#include "records_api.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <map>
#include <mutex>
#include <vector>

namespace sluice::tools::mock_api {
namespace {

namespace json = boost::json;

struct Problem {
  std::string field;
  std::string message;
};

std::vector<Problem> problems_of(const json::object& item) {
  std::vector<Problem> out;
  const json::value* name = item.if_contains("name");
  if (name == nullptr || !name->is_string() || name->get_string().empty()) {
    out.push_back({"name", "name is required: a non-empty string"});
  }
  if (const json::value* price = item.if_contains("price"); price != nullptr) {
    if (!price->is_number() || price->to_number<double>() < 0) {
      out.push_back(
          {"price", fmt::format("price must be a number >= 0, got {}", json::serialize(*price))});
    }
  }
  return out;
}

bool unavailable(const json::object& item) {
  const json::value* name = item.if_contains("name");
  return name != nullptr && name->is_string() && name->get_string() == "unavailable";
}

Reply unavailable_reply() { return {503, error_json("the items service is unavailable")}; }

std::string not_found_json(std::string_view id) {
  return json::serialize(json::object{
      {"error", {{"code", "not_found"}, {"message", fmt::format("no item with id '{}'", id)}}}});
}

std::string invalid_json(const std::vector<Problem>& problems) {
  json::array errors;
  for (const Problem& p : problems) {
    errors.push_back({{"code", "invalid"}, {"field", p.field}, {"message", p.message}});
  }
  return json::serialize(json::object{{"errors", std::move(errors)}});
}

class Store {
 public:
  Store() {
    for (int n = 1; n <= kSeededItems; ++n) {
      items_[next_id()] = json::object{{"name", fmt::format("Seed {}", n)}, {"price", n}};
    }
  }

  // Creates `item` and returns its id.
  std::string create(json::object item) {
    std::string id = next_id();
    item.erase("id");
    items_[id] = std::move(item);
    return id;
  }
  // Replaces item `id`; false when there is none.
  bool update(const std::string& id, json::object item) {
    auto it = items_.find(id);
    if (it == items_.end()) return false;
    item.erase("id");
    it->second = std::move(item);
    return true;
  }
  const json::object* find(const std::string& id) const {
    auto it = items_.find(id);
    return it == items_.end() ? nullptr : &it->second;
  }
  std::string item_json(const std::string& id, const json::object& item) const {
    json::object out{{"id", id}};
    for (const auto& [k, v] : item) out[k] = v;
    return json::serialize(out);
  }
  std::string all_json() const {
    std::string out = R"({"items":[)";
    bool first = true;
    for (const auto& [id, item] : items_) {
      if (!first) out.push_back(',');
      first = false;
      out += item_json(id, item);
    }
    return out + "]}";
  }

 private:
  std::string next_id() { return fmt::format("IT-{:04}", ++last_); }
  int last_ = 0;
  std::map<std::string, json::object> items_;  // ids sort in creation order
};

std::mutex g_mutex;
Store& store() {
  static Store s;
  return s;
}

std::optional<json::value> parse(const std::string& body) {
  json::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec) return std::nullopt;
  return v;
}

json::object written(std::string_view id, std::string_view status) {
  return json::object{{"id", id}, {"status", status}};
}

Reply batch(const std::string& body) {
  const auto parsed = parse(body);
  if (!parsed || !parsed->is_array()) {
    return {400, error_json("POST /api/items/batch expects a JSON array of item objects")};
  }
  for (const json::value& element : parsed->get_array()) {
    if (!element.is_object()) {
      return {400, error_json(fmt::format("POST /api/items/batch: every element must be an "
                                          "object, got {}",
                                          json::serialize(element)))};
    }
    if (unavailable(element.get_object())) return unavailable_reply();
  }
  json::array results;
  std::lock_guard lock(g_mutex);
  std::int64_t index = 0;
  for (const json::value& element : parsed->get_array()) {
    const json::object& item = element.get_object();
    json::object r{{"index", index++}};
    const auto problems = problems_of(item);
    const json::value* id = item.if_contains("id");
    if (!problems.empty()) {
      r["status"] = "failed";
      r["error"] = {{"code", "invalid"}, {"message", problems.front().message}};
    } else if (id != nullptr && id->is_string()) {
      const std::string key(id->get_string());
      if (store().update(key, item)) {
        r["id"] = key;
        r["status"] = "updated";
      } else {
        r["status"] = "failed";
        r["error"] = {{"code", "not_found"}, {"message", fmt::format("no item with id '{}'", key)}};
      }
    } else {
      r["id"] = store().create(item);
      r["status"] = "created";
    }
    results.push_back(std::move(r));
  }
  return {200, json::serialize(json::object{{"results", std::move(results)}})};
}

}  // namespace

std::optional<Reply> records_api(std::string_view method, std::string_view path,
                                 const std::string& body) {
  constexpr std::string_view kItems = "/api/items";
  if (!path.starts_with(kItems)) return std::nullopt;
  if (path.size() > kItems.size() && path[kItems.size()] != '/') return std::nullopt;
  const std::string id(path.size() > kItems.size() + 1 ? path.substr(kItems.size() + 1) : "");

  if (id.empty()) {
    if (method == "GET") {
      std::lock_guard lock(g_mutex);
      return Reply{200, store().all_json()};
    }
    if (method != "POST") {
      return Reply{405, error_json(fmt::format("{} /api/items: use POST to create", method))};
    }
    const auto parsed = parse(body);
    if (!parsed || !parsed->is_object()) {
      return Reply{400, error_json("POST /api/items expects a JSON object")};
    }
    const json::object& item = parsed->get_object();
    if (unavailable(item)) return unavailable_reply();
    if (auto problems = problems_of(item); !problems.empty()) {
      return Reply{422, invalid_json(problems)};
    }
    std::lock_guard lock(g_mutex);
    return Reply{201, json::serialize(written(store().create(item), "created"))};
  }
  if (id == "batch" && method == "POST") return batch(body);
  if (method == "GET") {
    std::lock_guard lock(g_mutex);
    const json::object* item = store().find(id);
    if (item == nullptr) return Reply{404, not_found_json(id)};
    return Reply{200, store().item_json(id, *item)};
  }
  if (method != "PUT") {
    return Reply{405, error_json(fmt::format("{} /api/items/{}: use GET or PUT", method, id))};
  }
  const auto parsed = parse(body);
  if (!parsed || !parsed->is_object()) {
    return Reply{400, error_json(fmt::format("PUT /api/items/{} expects a JSON object", id))};
  }
  const json::object& item = parsed->get_object();
  if (unavailable(item)) return unavailable_reply();
  std::lock_guard lock(g_mutex);
  if (store().find(id) == nullptr) return Reply{404, not_found_json(id)};
  if (auto problems = problems_of(item); !problems.empty()) {
    return Reply{422, invalid_json(problems)};
  }
  store().update(id, item);
  return Reply{200, json::serialize(written(id, "updated"))};
}

}  // namespace sluice::tools::mock_api
