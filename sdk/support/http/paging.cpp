#include "sluice/support/http/paging.hpp"

#include <algorithm>

#include <boost/json/serialize.hpp>

#include "sluice/json_path.hpp"
#include "sluice/settings.hpp"

namespace sluice::support::http {

namespace json = boost::json;

std::string_view paging_method_name(PagingMethod method) noexcept {
  switch (method) {
    case PagingMethod::kNone:
      return "";
    case PagingMethod::kPage:
      return "page";
    case PagingMethod::kSkip:
      return "skip";
    case PagingMethod::kToken:
      return "token";
    case PagingMethod::kUrl:
      return "url";
    case PagingMethod::kLinkHeader:
      return "linkheader";
    case PagingMethod::kRelativeUri:
      return "relativeuri";
    case PagingMethod::kBody:
      return "body";
  }
  return "";
}

std::string paging_text_of(const json::value* value) {
  if (value == nullptr || value->is_null()) return "null";
  if (value->is_string()) return std::string(value->get_string());
  return json::serialize(*value);
}

namespace {

// The integer at `path` of `body`, also when written as a string; nullopt otherwise.
std::optional<int64_t> integer_at(const json::value& body, const std::string& path) {
  const json::value* v = find_path(body, path);
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return static_cast<int64_t>(v->get_uint64());
  if (v->is_double()) return static_cast<int64_t>(v->get_double());
  if (v->is_string()) {
    try {
      return std::stoll(std::string(v->get_string()));
    } catch (...) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

std::string records_text(size_t n) { return std::to_string(n) + (n == 1 ? " record" : " records"); }

bool blank(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

}  // namespace

Pager::Pager(PagingSettings settings, std::function<std::string(std::string_view)> redact_url)
    : settings_(std::move(settings)), redact_url_(std::move(redact_url)) {
  token_ = settings_.first_token;
}

bool Pager::follows_url() const noexcept {
  return pages_ > 0 &&
         (settings_.method == PagingMethod::kUrl || settings_.method == PagingMethod::kLinkHeader);
}

bool Pager::uses_next_template() const noexcept {
  return pages_ > 0 && (settings_.method == PagingMethod::kRelativeUri ||
                        settings_.method == PagingMethod::kBody);
}

const std::string& Pager::resource_path() const noexcept {
  if (pages_ > 0 && settings_.later_resource_path) return *settings_.later_resource_path;
  return settings_.resource_path;
}

PagingDecision Pager::last(std::string reason) {
  done_ = true;
  return PagingDecision{.last = true, .reason = "last page — " + std::move(reason)};
}

std::optional<PagingDecision> Pager::end_on_status(int status) {
  if (settings_.last_page_status) {
    if (*settings_.last_page_status != status) return std::nullopt;
    return last("HTTP " + std::to_string(status) + " is http.paging.lastPageStatusCode");
  }
  if (status == 404 && pages_ > 0 && settings_.method != PagingMethod::kNone) {
    return last("HTTP 404 after " + std::to_string(pages_) + (pages_ == 1 ? " page" : " pages") +
                " (without http.paging.lastPageStatusCode, 404 ends paging)");
  }
  return std::nullopt;
}

Result<PagingDecision> Pager::advance(const PageResponse& response) {
  const bool was_first = pages_ == 0;
  ++pages_;
  records_ += static_cast<int64_t>(response.records);

  const size_t hash = std::hash<std::string_view>()(response.raw);
  if (!was_first && hash == last_body_hash_ && response.raw.size() == last_body_size_) {
    if (++body_repeats_ > kMaxRepeats) {
      return make_error(Status::kRemoteError,
                        "the API sent the same response " + std::to_string(body_repeats_ + 1) +
                            " times in a row, so paging is not advancing; check http.paging "
                            "(does the API read the page parameter or URL you send?)");
    }
  } else {
    body_repeats_ = 0;
  }
  last_body_hash_ = hash;
  last_body_size_ = response.raw.size();
  return decide(response);
}

Result<PagingDecision> Pager::decide(const PageResponse& response) {
  static const json::value kNull;
  const json::value& body = response.body != nullptr ? *response.body : kNull;
  const PagingMethod method = settings_.method;
  if (method == PagingMethod::kNone) return last("no http.paging.method: one request");
  if (!settings_.last_page_path.empty()) {
    const json::value* at = find_path(body, settings_.last_page_path);
    const std::string text = paging_text_of(at);
    if (std::find(settings_.last_page_values.begin(), settings_.last_page_values.end(), text) !=
        settings_.last_page_values.end()) {
      return last("lastPagePath " + quoted(settings_.last_page_path) + " is " + text);
    }
  }
  const std::string name(paging_method_name(method));
  switch (method) {
    case PagingMethod::kPage:
    case PagingMethod::kSkip: {
      const bool page = method == PagingMethod::kPage;
      const std::string where =
          page ? "page " + std::to_string(this->page() - 1)
               : "offset " + std::to_string(skip() - static_cast<int64_t>(response.records));
      if (response.records == 0) return last(where + " had no records");
      if (!settings_.max_page_path.empty()) {
        if (auto max = integer_at(body, settings_.max_page_path); max && pages_ >= *max) {
          return last(std::to_string(pages_) + (pages_ == 1 ? " page" : " pages") +
                      " read, the count at maxPagePath " + quoted(settings_.max_page_path));
        }
      }
      if (!settings_.max_count_path.empty()) {
        const int64_t have = page ? records_ : skip();
        if (auto total = integer_at(body, settings_.max_count_path); total && have >= *total) {
          return last(records_text(static_cast<size_t>(have)) + ", the total at maxCountPath " +
                      quoted(settings_.max_count_path));
        }
      }
      const std::string next = page ? "next page " + std::to_string(this->page())
                                    : "next offset " + std::to_string(skip());
      return PagingDecision{.reason = next + " (" + name + " method; " +
                                      records_text(response.records) + " on " + where + ")"};
    }
    case PagingMethod::kToken: {
      const std::string& path = pages_ > 1 && !settings_.path_after_first_request.empty()
                                    ? settings_.path_after_first_request
                                    : settings_.path;
      std::string where;
      std::optional<std::string> token;
      if (settings_.path_location == PagingTokenLocation::kHeader) {
        where = "header " + quoted(path);
        if (response.headers != nullptr) {
          if (const std::string* value = find_header(*response.headers, path)) token = *value;
        }
      } else {
        where = "body path " + quoted(path);
        const json::value* at = find_path(body, path);
        if (at != nullptr && !at->is_null()) {
          if (at->is_object() || at->is_array()) {
            return make_error(Status::kInvalidConfig, "http.paging.path " + quoted(path) +
                                                          " holds " + describe_value(*at) +
                                                          ", not the next page's token");
          }
          token = paging_text_of(at);
        }
      }
      if (!token || token->empty()) return last("no token at " + where);
      auto taken = take_next(*token, "token");
      if (!taken) return taken.error();
      token_ = next_;
      return PagingDecision{.reason = "next token " + quoted(token_) + " (token method; from " +
                                      where + ")"};
    }
    case PagingMethod::kUrl: {
      const json::value* at = find_path(body, settings_.path);
      if (at == nullptr || at->is_null() || (at->is_string() && at->get_string().empty())) {
        return last("no next URL at body path " + quoted(settings_.path));
      }
      if (!at->is_string()) {
        return make_error(Status::kInvalidConfig, "http.paging.path " + quoted(settings_.path) +
                                                      " holds " + describe_value(*at) +
                                                      ", not the next page's URL");
      }
      auto taken = take_next(std::string(at->get_string()), "next page URL");
      if (!taken) return taken.error();
      return PagingDecision{.reason = "next URL " + redact_url_(next_) +
                                      " (url method; from body path " + quoted(settings_.path) +
                                      ")"};
    }
    case PagingMethod::kLinkHeader: {
      static const Headers kNone;
      const std::string rel = "rel=\"" + settings_.link_relation + "\"";
      auto target = find_link(response.headers != nullptr ? *response.headers : kNone,
                              settings_.link_relation, response.url);
      if (!target || target->empty()) return last("no Link " + rel);
      auto taken = take_next(std::move(*target), "next page URL");
      if (!taken) return taken.error();
      return PagingDecision{.reason = "next URL " + redact_url_(next_) + " (Link " + rel + ")"};
    }
    case PagingMethod::kRelativeUri:
    case PagingMethod::kBody:
      if (response.records == 0) {
        return last("page " + std::to_string(pages_) + " had no records");
      }
      return PagingDecision{.reason = "next page " + std::to_string(pages_ + 1) + " (" + name +
                                      " method; " + records_text(response.records) + " on page " +
                                      std::to_string(pages_) + ")"};
    case PagingMethod::kNone:
      break;
  }
  return last("no http.paging.method: one request");
}

Result<PagingDecision> Pager::take_next(std::string next, std::string_view what) {
  if (next == next_ && pages_ > 1) {
    if (++next_repeats_ > kMaxRepeats) {
      const bool url = settings_.method == PagingMethod::kUrl ||
                       settings_.method == PagingMethod::kLinkHeader ||
                       settings_.method == PagingMethod::kRelativeUri;
      const std::string times = std::to_string(next_repeats_ + 1) + " times in a row";
      const std::string shown = "'" + (url ? redact_url_(next) : next) + "'";
      if (settings_.method == PagingMethod::kRelativeUri ||
          settings_.method == PagingMethod::kBody) {
        return make_error(Status::kRemoteError,
                          std::string(what) + " rendered the same " + shown + " " + times +
                              ", so paging is not advancing; make it use the previous response "
                              "(previous_page.full_response, previous_page.last_record)");
      }
      return make_error(Status::kRemoteError,
                        "the API returned the same " + std::string(what) + " " + shown + " " +
                            times + ", so paging is not advancing; check http.paging");
    }
  } else {
    next_repeats_ = 0;
    next_ = std::move(next);
  }
  return PagingDecision{};
}

Result<PagingDecision> Pager::set_next(std::string rendered) {
  const bool uri = settings_.method == PagingMethod::kRelativeUri;
  const char* setting = uri ? "http.paging.relativeURI" : "http.paging.body";
  if (blank(rendered)) return last(std::string(setting) + " rendered empty");
  auto taken = take_next(std::move(rendered), setting);
  if (!taken) return taken.error();
  return PagingDecision{.reason = std::string("next request ") +
                                  (uri ? "to " + redact_url_(next_) : "with body " + next_) + " (" +
                                  setting + ")"};
}

json::object Pager::position() const {
  json::object position{{"pages", pages_}, {"records", records_}};
  if (pages_ == 0) return position;
  switch (settings_.method) {
    case PagingMethod::kUrl:
    case PagingMethod::kLinkHeader:
      position["nextUrl"] = redact_url_(next_);
      break;
    case PagingMethod::kToken:
      position["token"] = token_;
      break;
    case PagingMethod::kRelativeUri:
    case PagingMethod::kBody:
      position["next"] = next_;
      break;
    default:
      break;
  }
  return position;
}

Result<void> Pager::restore(const json::value& position) {
  const json::object* o = position.if_object();
  const json::value* pages = o ? o->if_contains("pages") : nullptr;
  const json::value* records = o ? o->if_contains("records") : nullptr;
  if (pages == nullptr || !pages->is_int64() || pages->get_int64() < 0 || records == nullptr ||
      !records->is_int64() || records->get_int64() < 0) {
    return make_error(Status::kInvalidConfig,
                      "the resume position " + json::serialize(position) +
                          " is not one this plugin wrote: expected {\"pages\":N,\"records\":N}; "
                          "run the flow without --resume");
  }
  pages_ = pages->get_int64();
  records_ = records->get_int64();
  if (pages_ == 0) return {};
  const char* key = nullptr;
  switch (settings_.method) {
    case PagingMethod::kUrl:
    case PagingMethod::kLinkHeader:
      key = "nextUrl";
      break;
    case PagingMethod::kToken:
      key = "token";
      break;
    case PagingMethod::kRelativeUri:
    case PagingMethod::kBody:
      key = "next";
      break;
    default:
      return {};
  }
  const json::value* next = o->if_contains(key);
  if (next == nullptr || !next->is_string()) {
    return make_error(Status::kInvalidConfig,
                      "the resume position " + json::serialize(position) + " has no \"" + key +
                          "\", which " + std::string(paging_method_name(settings_.method)) +
                          " paging needs; run the flow without --resume");
  }
  next_.assign(next->get_string());
  if (settings_.method == PagingMethod::kToken) token_ = next_;
  return {};
}

}  // namespace sluice::support::http
