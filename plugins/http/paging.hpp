// The export's http.paging.* and http.response.resourcePath settings read into the HTTP
// engine's PagingSettings (sluice/support/http/paging.hpp, which states what each method does
// and when it ends). The universal connector's only paging code of its own is this reading.
#pragma once

#include <string_view>

#include <boost/json/object.hpp>

#include "sluice/result.hpp"
#include "sluice/support/http/paging.hpp"

namespace sluice::plugins::http {

using support::http::Pager;
using support::http::PagingDecision;
using support::http::PagingMethod;
using support::http::PagingTokenLocation;

struct PagingSettings : support::http::PagingSettings {
  // kInvalidConfig naming the setting: a value out of its declaration, http.paging.path missing
  // with url or token, http.paging.relativeURI / http.paging.body missing with relativeuri /
  // body, http.paging.lastPageValues missing with lastPagePath.
  static Result<PagingSettings> read(const boost::json::object& export_doc);
};

// The paths templates use for the current page number, offset and token.
inline constexpr std::string_view kPagePath = "export.http.paging.page";
inline constexpr std::string_view kSkipPath = "export.http.paging.skip";
inline constexpr std::string_view kTokenPath = "export.http.paging.token";

}  // namespace sluice::plugins::http
