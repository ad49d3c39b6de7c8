#include "paging.hpp"

#include <boost/json/serialize.hpp>

#include "settings.hpp"
#include "sluice/json_path.hpp"

namespace sluice::plugins::http {

namespace json = boost::json;

Result<PagingSettings> PagingSettings::read(const json::object& doc) {
  const ExportSettings& e = export_settings();
  PagingSettings s;
  auto method = e.paging_method.read(doc);
  if (!method) return method.error();
  if (!method->empty()) s.method = *method == "page" ? PagingMethod::kPage : PagingMethod::kUrl;
  auto first_page = e.paging_page.read(doc);
  if (!first_page) return first_page.error();
  s.first_page = *first_page;
  auto path = e.paging_path.read(doc);
  if (!path) return path.error();
  s.next_url_path = std::move(*path);
  if (s.method == PagingMethod::kUrl && s.next_url_path.empty()) {
    return make_error(Status::kInvalidConfig,
                      "http.paging.path is required when http.paging.method is url: the dotted "
                      "path of the next page's URL in the response body, e.g. links.next");
  }
  if (e.last_page_status.is_set(doc)) {
    auto status = e.last_page_status.read(doc);
    if (!status) return status.error();
    s.last_page_status = static_cast<int>(*status);
  }
  auto last_path = e.last_page_path.read(doc);
  if (!last_path) return last_path.error();
  s.last_page_path = std::move(*last_path);
  auto last_values = read_values(e.last_page_values, doc);
  if (!last_values) return last_values.error();
  s.last_page_values = std::move(*last_values);
  if (!s.last_page_path.empty() && s.last_page_values.empty()) {
    return make_error(Status::kInvalidConfig,
                      "http.paging.lastPageValues is required when http.paging.lastPagePath is "
                      "set: the values that mark the last page");
  }
  auto max_page = e.max_page_path.read(doc);
  if (!max_page) return max_page.error();
  s.max_page_path = std::move(*max_page);
  auto max_count = e.max_count_path.read(doc);
  if (!max_count) return max_count.error();
  s.max_count_path = std::move(*max_count);
  return s;
}

Pager::Pager(PagingSettings settings, std::function<std::string(std::string_view)> redact_url)
    : settings_(std::move(settings)), redact_url_(std::move(redact_url)) {}

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

}  // namespace

json::object Pager::position() const {
  json::object position{{"pages", pages_}, {"records", records_}};
  if (settings_.method == PagingMethod::kUrl && pages_ > 0)
    position["nextUrl"] = redact_url_(next_url_);
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
  if (settings_.method == PagingMethod::kUrl && pages_ > 0) {
    const json::value* next = o->if_contains("nextUrl");
    if (next == nullptr || !next->is_string() || next->get_string().empty()) {
      return make_error(Status::kInvalidConfig,
                        "the resume position " + json::serialize(position) +
                            " has no \"nextUrl\", which url paging needs; run the flow without "
                            "--resume");
    }
    next_url_.assign(next->get_string());
  }
  return {};
}

Result<bool> Pager::advance(std::string_view raw, const json::value& body, size_t records) {
  ++pages_;
  records_ += static_cast<int64_t>(records);

  const size_t hash = std::hash<std::string_view>()(raw);
  if (pages_ > 1 && hash == last_body_hash_ && raw.size() == last_body_size_) {
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
  last_body_size_ = raw.size();

  if (settings_.method == PagingMethod::kNone) return true;
  if (!settings_.last_page_path.empty() &&
      matches_any(find_path(body, settings_.last_page_path), settings_.last_page_values)) {
    return true;
  }

  if (settings_.method == PagingMethod::kPage) {
    if (records == 0) return true;
    if (!settings_.max_page_path.empty()) {
      if (auto max_page = integer_at(body, settings_.max_page_path);
          max_page && page() > *max_page) {
        return true;
      }
    }
    if (!settings_.max_count_path.empty()) {
      if (auto total = integer_at(body, settings_.max_count_path); total && records_ >= *total) {
        return true;
      }
    }
    return false;
  }

  const json::value* next = find_path(body, settings_.next_url_path);
  if (next == nullptr || next->is_null() || (next->is_string() && next->get_string().empty())) {
    return true;
  }
  if (!next->is_string()) {
    return make_error(Status::kInvalidConfig, "http.paging.path '" + settings_.next_url_path +
                                                  "' holds " + describe_value(*next) +
                                                  ", not the next page's URL");
  }
  const std::string_view url = next->get_string();
  if (url == next_url_) {
    if (++url_repeats_ > kMaxRepeats) {
      return make_error(Status::kRemoteError,
                        "the API returned the same next page URL '" + redact_url_(url) + "' " +
                            std::to_string(url_repeats_ + 1) +
                            " times in a row, so paging is not advancing; check http.paging.path");
    }
  } else {
    url_repeats_ = 0;
    next_url_.assign(url);
  }
  return false;
}

}  // namespace sluice::plugins::http
