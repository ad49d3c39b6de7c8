#include "paging.hpp"

#include "config.hpp"
#include "settings.hpp"

namespace sluice::plugins::http {

namespace json = boost::json;

namespace {

PagingMethod method_named(const std::string& name) {
  for (PagingMethod m :
       {PagingMethod::kPage, PagingMethod::kSkip, PagingMethod::kToken, PagingMethod::kUrl,
        PagingMethod::kLinkHeader, PagingMethod::kRelativeUri, PagingMethod::kBody}) {
    if (support::http::paging_method_name(m) == name) return m;
  }
  return PagingMethod::kNone;
}

template <typename T>
Result<void> read_into(const Setting<T>& setting, const json::object& doc, T& out) {
  auto value = setting.read(doc);
  if (!value) return value.error();
  out = std::move(*value);
  return {};
}

Error required(const Setting<std::string>& setting, std::string_view method,
               std::string_view what) {
  return make_error(Status::kInvalidConfig, setting.path() + " is required when " +
                                                "http.paging.method is " + std::string(method) +
                                                ": " + std::string(what));
}

}  // namespace

Result<PagingSettings> PagingSettings::read(const json::object& doc) {
  const ExportSettings& e = export_settings();
  PagingSettings s;
  std::string method;
  if (auto r = read_into(e.paging_method, doc, method); !r) return r.error();
  s.method = method_named(method);
  if (auto r = read_into(e.paging_page, doc, s.first_page); !r) return r.error();
  if (auto r = read_into(e.paging_skip, doc, s.first_skip); !r) return r.error();
  if (auto r = read_into(e.paging_token, doc, s.first_token); !r) return r.error();
  if (auto r = read_into(e.paging_path, doc, s.path); !r) return r.error();
  std::string location;
  if (auto r = read_into(e.paging_path_location, doc, location); !r) return r.error();
  s.path_location =
      location == "header" ? PagingTokenLocation::kHeader : PagingTokenLocation::kBody;
  if (auto r = read_into(e.paging_path_after_first_request, doc, s.path_after_first_request); !r)
    return r.error();
  if (auto r = read_into(e.link_header_relation, doc, s.link_relation); !r) return r.error();
  if (auto r = read_into(e.resource_path, doc, s.resource_path); !r) return r.error();
  if (e.paging_resource_path.is_set(doc)) {
    std::string later;
    if (auto r = read_into(e.paging_resource_path, doc, later); !r) return r.error();
    if (!later.empty()) s.later_resource_path = std::move(later);
  }
  if (s.method == PagingMethod::kUrl && s.path.empty()) {
    return required(e.paging_path, "url",
                    "the dotted path of the next page's URL in the response body, e.g. "
                    "links.next");
  }
  if (s.method == PagingMethod::kToken && s.path.empty()) {
    return required(e.paging_path, "token",
                    "where the next token is: a dotted path in the response body, e.g. "
                    "meta.next_token, or with http.paging.pathLocation header a header name");
  }
  for (const auto& [m, setting, example] :
       {std::tuple{PagingMethod::kRelativeUri, &e.paging_relative_uri,
                   "the relative URI of the later pages, e.g. "
                   "/items?after={{previous_page.last_record.id}}"},
        std::tuple{PagingMethod::kBody, &e.paging_body,
                   "the request body of the later pages, e.g. "
                   "{\"cursor\": \"{{previous_page.full_response.cursor}}\"}"}}) {
    if (s.method != m) continue;
    std::string text;
    if (auto r = read_into(*setting, doc, text); !r) return r.error();
    if (text.empty()) return required(*setting, support::http::paging_method_name(m), example);
  }
  if (e.last_page_status.is_set(doc)) {
    int64_t status = 0;
    if (auto r = read_into(e.last_page_status, doc, status); !r) return r.error();
    s.last_page_status = static_cast<int>(status);
  }
  if (auto r = read_into(e.last_page_path, doc, s.last_page_path); !r) return r.error();
  auto last_values = read_values(e.last_page_values, doc);
  if (!last_values) return last_values.error();
  s.last_page_values = std::move(*last_values);
  if (!s.last_page_path.empty() && s.last_page_values.empty()) {
    return make_error(Status::kInvalidConfig,
                      "http.paging.lastPageValues is required when http.paging.lastPagePath is "
                      "set: the values that mark the last page");
  }
  if (auto r = read_into(e.max_page_path, doc, s.max_page_path); !r) return r.error();
  if (auto r = read_into(e.max_count_path, doc, s.max_count_path); !r) return r.error();
  return s;
}

}  // namespace sluice::plugins::http
