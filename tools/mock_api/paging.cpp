#include "paging.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <charconv>
#include <cstdint>

#include "orders.hpp"

namespace sluice::tools::mock_api {
namespace {

using Query = std::vector<std::pair<std::string, std::string>>;

constexpr std::int64_t kDefaultTotal = 23;
constexpr std::int64_t kMaxTotal = 10'000'000;
constexpr std::int64_t kDefaultLimit = 10;
constexpr std::int64_t kMaxLimit = 5000;

const std::string* find(const Query& query, std::string_view name) {
  for (const auto& [key, value] : query) {
    if (key == name) return &value;
  }
  return nullptr;
}

std::optional<std::int64_t> parse_integer(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

Reply bad(std::string message) { return Reply{400, error_json(message)}; }

// The integer parameter `name` in [min, max], `fallback` when absent; a 400 Reply otherwise.
std::optional<Reply> integer_param(const Query& query, std::string_view name, std::int64_t min,
                                   std::int64_t max, std::int64_t fallback, std::int64_t& out) {
  const std::string* text = find(query, name);
  if (text == nullptr) {
    out = fallback;
    return std::nullopt;
  }
  const auto value = parse_integer(*text);
  if (!value || *value < min || *value > max) {
    return bad(
        fmt::format("query parameter {}={}: expected a number {}..{}", name, *text, min, max));
  }
  out = *value;
  return std::nullopt;
}

// The data set a request asks for: total and kind.
struct DataSet {
  std::int64_t total = kDefaultTotal;
  bool orders = false;
};

std::optional<Reply> data_set(const Query& query, DataSet& out) {
  if (auto refused = integer_param(query, "total", 0, kMaxTotal, kDefaultTotal, out.total)) {
    return refused;
  }
  if (const std::string* kind = find(query, "kind")) {
    if (*kind != "orders" && *kind != "items") {
      return bad(fmt::format("query parameter kind={}: expected items or orders", *kind));
    }
    out.orders = *kind == "orders";
  }
  return std::nullopt;
}

// The JSON array of records first+1 .. first+count (clipped to the data set).
std::string records_json(const DataSet& data, std::int64_t first, std::int64_t count) {
  fmt::memory_buffer out;
  out.push_back('[');
  const std::int64_t end = std::min(data.total, first + count);
  for (std::int64_t n = first + 1; n <= end; ++n) {
    if (n > first + 1) out.push_back(',');
    if (data.orders) {
      append_order(out, n);
    } else {
      fmt::format_to(std::back_inserter(out), R"({{"id":"item-{:02}","n":{},"name":"Item {}"}})", n,
                     n, n);
    }
  }
  out.push_back(']');
  return fmt::to_string(out);
}

std::string id_of(std::int64_t n) { return fmt::format("item-{:02}", n); }

// Opaque cursors: "<prefix><hex>" of an offset, as APIs hand out (and refuse when forged).
std::string cursor(std::string_view prefix, std::int64_t offset) {
  return fmt::format("{}{:x}", prefix, static_cast<std::uint64_t>(offset) * 7919 + 13);
}
std::optional<std::int64_t> offset_of(std::string_view prefix, std::string_view text) {
  if (!text.starts_with(prefix)) return std::nullopt;
  const std::string_view hex = text.substr(prefix.size());
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(hex.data(), hex.data() + hex.size(), value, 16);
  if (error != std::errc() || end != hex.data() + hex.size() || hex.empty()) return std::nullopt;
  if (value < 13 || (value - 13) % 7919 != 0) return std::nullopt;
  return static_cast<std::int64_t>((value - 13) / 7919);
}

// "&total=T&kind=K" as the request gave them, to keep them in the links.
std::string data_params(const Query& query) {
  std::string out;
  for (const char* name : {"total", "kind"}) {
    if (const std::string* value = find(query, name)) out += fmt::format("&{}={}", name, *value);
  }
  return out;
}

Reply linkheader(const Query& query, std::string_view host) {
  DataSet data;
  std::int64_t per_page = 0;
  std::int64_t page = 0;
  if (auto r = data_set(query, data)) return *r;
  if (auto r = integer_param(query, "per_page", 1, kMaxLimit, kDefaultLimit, per_page)) return *r;
  if (auto r = integer_param(query, "page", 1, kMaxTotal, 1, page)) return *r;
  const std::int64_t last = std::max<std::int64_t>(1, (data.total + per_page - 1) / per_page);
  const std::string extra = data_params(query);
  const auto link = [&](std::int64_t p, std::string_view rel) {
    return fmt::format(R"(<http://{}/api/paging/linkheader?per_page={}&page={}{}>; rel="{}")", host,
                       per_page, p, extra, rel);
  };
  std::string header;
  const auto add = [&](std::string text) {
    if (!header.empty()) header += ", ";
    header += text;
  };
  if (page < last) add(link(page + 1, "next"));
  add(link(last, "last"));
  if (page > 1) {
    add(link(1, "first"));
    add(link(std::min(page - 1, last), "prev"));
  }
  Reply reply{200, records_json(data, (page - 1) * per_page, per_page)};
  reply.headers.emplace_back("Link", header);
  return reply;
}

Reply shopify(const Query& query, std::string_view host) {
  DataSet data;
  std::int64_t limit = 0;
  if (auto r = integer_param(query, "limit", 1, 250, 50, limit)) return *r;
  std::int64_t offset = 0;
  if (const std::string* page_info = find(query, "page_info")) {
    for (const auto& [key, value] : query) {
      if (key != "page_info" && key != "limit") {
        return bad(fmt::format("query parameter {}: only limit may go with page_info", key));
      }
    }
    const auto decoded = offset_of("pi", *page_info);
    if (!decoded) return bad(fmt::format("page_info {}: not a cursor this API issued", *page_info));
    offset = *decoded;
  }
  std::string header;
  const auto link = [&](std::int64_t at, std::string_view rel) {
    if (!header.empty()) header += ", ";
    header += fmt::format(R"(<http://{}/api/paging/shopify?limit={}&page_info={}>; rel="{}")", host,
                          limit, cursor("pi", at), rel);
  };
  if (offset > 0) link(std::max<std::int64_t>(0, offset - limit), "previous");
  if (offset + limit < data.total) link(offset + limit, "next");
  Reply reply{200, R"({"products":)" + records_json(data, offset, limit) + "}"};
  if (!header.empty()) reply.headers.emplace_back("Link", header);
  return reply;
}

Reply stripe(const Query& query) {
  DataSet data;
  std::int64_t limit = 0;
  if (auto r = data_set(query, data)) return *r;
  if (auto r = integer_param(query, "limit", 1, 100, 10, limit)) return *r;
  std::int64_t offset = 0;
  if (const std::string* after = find(query, "starting_after"); after && !after->empty()) {
    std::optional<std::int64_t> n;
    if (after->starts_with("item-")) n = parse_integer(std::string_view(*after).substr(5));
    if (!n || *n < 1 || *n > data.total || id_of(*n) != *after) {
      return bad(fmt::format("starting_after={}: no such object", *after));
    }
    offset = *n;
  }
  const bool has_more = offset + limit < data.total;
  return Reply{
      200, fmt::format(R"({{"object":"list","data":{},"has_more":{},"url":"/api/paging/cursor"}})",
                       records_json(data, offset, limit), has_more)};
}

Reply pages(const Query& query) {
  DataSet data;
  std::int64_t page = 0;
  std::int64_t per_page = 0;
  if (auto r = data_set(query, data)) return *r;
  if (auto r = integer_param(query, "page", 1, kMaxTotal, 1, page)) return *r;
  if (auto r = integer_param(query, "per_page", 1, kMaxLimit, kDefaultLimit, per_page)) return *r;
  const std::int64_t total_pages = (data.total + per_page - 1) / per_page;
  const std::string* strict = find(query, "strict");
  if (strict != nullptr && *strict == "1" && page > total_pages) {
    return Reply{404, error_json(fmt::format("no page {}: there are {}", page, total_pages))};
  }
  return Reply{
      200,
      fmt::format(
          R"({{"items":{},"warnings":[],"page":{},"per_page":{},"total":{},"total_pages":{}}})",
          records_json(data, (page - 1) * per_page, per_page), page, per_page, data.total,
          total_pages)};
}

Reply offsets(const Query& query) {
  DataSet data;
  std::int64_t offset = 0;
  std::int64_t limit = 0;
  if (auto r = data_set(query, data)) return *r;
  if (auto r = integer_param(query, "offset", 0, kMaxTotal, 0, offset)) return *r;
  if (auto r = integer_param(query, "limit", 1, kMaxLimit, kDefaultLimit, limit)) return *r;
  return Reply{200, fmt::format(R"({{"results":{},"offset":{},"limit":{},"count":{}}})",
                                records_json(data, offset, limit), offset, limit, data.total)};
}

Reply next_url(const Query& query, std::string_view host) {
  DataSet data;
  std::int64_t limit = 0;
  if (auto r = data_set(query, data)) return *r;
  if (auto r = integer_param(query, "limit", 1, kMaxLimit, kDefaultLimit, limit)) return *r;
  std::int64_t offset = 0;
  if (const std::string* c = find(query, "cursor")) {
    const auto decoded = offset_of("c", *c);
    if (!decoded) return bad(fmt::format("cursor {}: not a cursor this API issued", *c));
    offset = *decoded;
  }
  const std::string* relative = find(query, "relative");
  const bool is_relative = relative != nullptr && *relative == "1";
  std::string next = "null";
  if (offset + limit < data.total) {
    next = fmt::format(R"("{}/api/paging/nexturl?limit={}&cursor={}{}{}")",
                       is_relative ? std::string() : fmt::format("http://{}", host), limit,
                       cursor("c", offset + limit), is_relative ? "&relative=1" : "",
                       data_params(query));
  }
  return Reply{200, fmt::format(R"({{"data":{},"warnings":[],"links":{{"next":{}}}}})",
                                records_json(data, offset, limit), next)};
}

Reply token(const Query& query) {
  DataSet data;
  std::int64_t limit = 0;
  if (auto r = data_set(query, data)) return *r;
  if (auto r = integer_param(query, "limit", 1, kMaxLimit, kDefaultLimit, limit)) return *r;
  std::int64_t offset = 0;
  const std::string* t = find(query, "token");
  const bool with_token = t != nullptr && !t->empty();
  if (with_token) {
    const auto decoded = offset_of("t", *t);
    if (!decoded) return bad(fmt::format("token {}: not a token this API issued", *t));
    offset = *decoded;
  }
  const std::string* moving = find(query, "moving");
  const bool moved = with_token && moving != nullptr && *moving == "1";
  const bool more = offset + limit < data.total;
  const std::string next = more ? "\"" + cursor("t", offset + limit) + "\"" : "null";
  Reply reply{200, moved ? fmt::format(R"({{"page":{{"items":{},"next":{}}}}})",
                                       records_json(data, offset, limit), next)
                         : fmt::format(R"({{"items":{},"next_token":{}}})",
                                       records_json(data, offset, limit), next)};
  if (more) reply.headers.emplace_back("X-Next-Token", cursor("t", offset + limit));
  return reply;
}

Reply search(std::string_view body) {
  boost::json::error_code ec;
  const boost::json::value request = boost::json::parse(body, ec);
  if (ec || !request.is_object()) {
    return bad("POST /api/paging/search needs a JSON object body such as {\"limit\":10}");
  }
  const boost::json::object& o = request.get_object();
  std::int64_t limit = kDefaultLimit;
  if (const boost::json::value* l = o.if_contains("limit")) {
    if (!l->is_int64() || l->get_int64() < 1 || l->get_int64() > kMaxLimit) {
      return bad("body field limit: expected a number 1..5000");
    }
    limit = l->get_int64();
  }
  std::int64_t offset = 0;
  if (const boost::json::value* c = o.if_contains("cursor"); c && !c->is_null()) {
    const auto decoded = c->is_string() ? offset_of("s", c->get_string()) : std::nullopt;
    if (!decoded) return bad("body field cursor: not a cursor this API issued");
    offset = *decoded;
  }
  const DataSet data;
  const std::string next =
      offset + limit < data.total ? "\"" + cursor("s", offset + limit) + "\"" : std::string("null");
  return Reply{
      200, fmt::format(R"({{"hits":{},"cursor":{}}})", records_json(data, offset, limit), next)};
}

Reply slack(const Query& query) {
  const std::string* ok = find(query, "ok");
  if (ok != nullptr && *ok == "true") {
    return Reply{200, R"({"ok":true,"items":)" + records_json(DataSet{}, 0, 3) + "}"};
  }
  return Reply{200, R"({"ok":false,"error":{"message":"daily quota exceeded"},"items":[]})"};
}

}  // namespace

std::optional<Reply> paging(std::string_view method, std::string_view path, const Query& query,
                            std::string_view host, std::string_view body) {
  constexpr std::string_view kPrefix = "/api/paging/";
  if (!path.starts_with(kPrefix)) return std::nullopt;
  const std::string_view style = path.substr(kPrefix.size());
  if (method == "POST" && style == "search") return search(body);
  if (method != "GET") return std::nullopt;
  if (style == "linkheader") return linkheader(query, host);
  if (style == "shopify") return shopify(query, host);
  if (style == "cursor") return stripe(query);
  if (style == "pages") return pages(query);
  if (style == "offset") return offsets(query);
  if (style == "nexturl") return next_url(query, host);
  if (style == "token") return token(query);
  if (style == "slack") return slack(query);
  return std::nullopt;
}

}  // namespace sluice::tools::mock_api
