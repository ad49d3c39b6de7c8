#include "serve/http.hpp"

#include <strings.h>
#include <algorithm>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace sluice::serve {

namespace {

std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> out;
  size_t at = 0;
  while (at < path.size()) {
    if (path[at] == '/') {
      ++at;
      continue;
    }
    const size_t end = std::min(path.find('/', at), path.size());
    out.push_back(path.substr(at, end - at));
    at = end;
  }
  return out;
}

bool is_param(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

bool Caseless::operator()(std::string_view a, std::string_view b) const noexcept {
  const size_t n = std::min(a.size(), b.size());
  const int c = ::strncasecmp(a.data(), b.data(), n);
  return c < 0 || (c == 0 && a.size() < b.size());
}

std::optional<std::string> HttpRequest::header(std::string_view name) const {
  auto found = headers.find(std::string(name));
  if (found == headers.end()) return std::nullopt;
  return found->second;
}

std::optional<std::string> HttpRequest::query_value(std::string_view name) const {
  auto found = query.find(std::string(name));
  if (found == query.end()) return std::nullopt;
  return found->second;
}

HttpResponse HttpResponse::error(int status, std::string_view message,
                                 std::string_view status_word) {
  boost::json::object error{{"message", message}, {"status", status_word}};
  return json(status, boost::json::serialize(boost::json::object{{"error", std::move(error)}}));
}

HttpResponse HttpResponse::json(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

HttpResponse HttpResponse::text(int status, std::string body, std::string content_type) {
  HttpResponse response;
  response.status = status;
  response.content_type = std::move(content_type);
  response.body = std::move(body);
  return response;
}

void Router::add(Route route) { routes_.push_back(std::move(route)); }

// Binds `parts` to `pattern`; false if they don't match. Counts the literal segments matched.
static bool bind_segments(const std::vector<std::string_view>& pattern,
                          const std::vector<std::string_view>& parts,
                          std::map<std::string, std::string>& params, int& literals) {
  for (size_t i = 0; i < pattern.size(); ++i) {
    const std::string_view want = pattern[i];
    if (i >= parts.size()) return false;
    if (is_param(want) && want.size() > 5 && want.substr(want.size() - 4) == "...}") {
      if (i + 1 != pattern.size()) return false;  // "{name...}" only last
      std::string joined;
      for (size_t j = i; j < parts.size(); ++j) {
        if (!joined.empty()) joined += '/';
        joined += parts[j];
      }
      params[std::string(want.substr(1, want.size() - 5))] = std::move(joined);
      return true;
    }
    if (is_param(want)) {
      params[std::string(want.substr(1, want.size() - 2))] = std::string(parts[i]);
    } else if (want == parts[i]) {
      ++literals;
    } else {
      return false;
    }
  }
  return pattern.size() == parts.size();
}

Router::Match Router::match(std::string_view method, std::string_view path) const {
  const std::vector<std::string_view> parts = segments(path);
  Match best;
  int best_literals = -1;
  for (const Route& route : routes_) {
    std::map<std::string, std::string> params;
    int literals = 0;
    if (!bind_segments(segments(route.pattern), parts, params, literals)) continue;
    if (route.method != "*" && route.method != method) {
      if (std::find(best.allow.begin(), best.allow.end(), route.method) == best.allow.end()) {
        best.allow.push_back(route.method);
      }
      continue;
    }
    if (literals > best_literals) {
      best_literals = literals;
      best.route = &route;
      best.params = std::move(params);
    }
  }
  if (best.route != nullptr) best.allow.clear();
  return best;
}

}  // namespace sluice::serve
