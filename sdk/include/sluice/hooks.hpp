// since ABI 1.1: native hooks — named functions of a plugin that resources may reference instead
// of JavaScript (preSavePage, preMap, postMap, postSubmit, postResponseMap). Declare each once,
// at namespace scope in any .cpp of the plugin:
//
//   sluice::Result<boost::json::value> drop_tests(sluice::Context&, const boost::json::object& in);
//   SLUICE_HOOK(SLUICE_HOOK_PRE_SAVE_PAGE, "dropTests", drop_tests)
//
// `in` is integrator.io's hook argument for its kind ({"data":[...], "errors":[...], ...}); return
// what the JavaScript hook would. The host may call a hook from several threads at once: keep no
// unsynchronised state. A resource uses one as {"_pluginId": "<plugin id>", "function": NAME} in
// a hook slot of the same KIND (docs/scripts.md, "Native hooks"; sdk/README.md).
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "sluice/abi/plugin.h"
#include "sluice/context.hpp"
#include "sluice/result.hpp"

namespace sluice {

using HookFunction = Result<boost::json::value> (*)(Context&, const boost::json::object&);

namespace detail {

// Runs `function` on the call's input and hands its result to the host (shims.cpp).
sluice_status run_hook(HookFunction function, sluice_call* call, sluice_str input_json) noexcept;

template <HookFunction F>
sluice_status hook_trampoline(sluice_call* call, sluice_str input_json) noexcept {
  return run_hook(F, call, input_json);
}

// Adds a hook to the plugin's descriptor; used by SLUICE_HOOK before the entry is called.
struct HookRegistration {
  HookRegistration(const char* kind, const char* name,
                   sluice_status (*invoke)(sluice_call*, sluice_str)) noexcept;
};

}  // namespace detail
}  // namespace sluice

#define SLUICE_DETAIL_CONCAT2(a, b) a##b
#define SLUICE_DETAIL_CONCAT(a, b) SLUICE_DETAIL_CONCAT2(a, b)
#define SLUICE_HOOK(KIND, NAME, FUNCTION)                                                       \
  static const ::sluice::detail::HookRegistration SLUICE_DETAIL_CONCAT(sluice_hook_, __LINE__)( \
      KIND, NAME, &::sluice::detail::hook_trampoline<&FUNCTION>);
