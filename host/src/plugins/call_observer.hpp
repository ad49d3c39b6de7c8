// A process-wide observer of plugin calls (`sluice serve`'s plugin call metrics): every call
// into a connector plugin through connector_client.hpp, when it ends, with the plugin's id, the
// call's name ("export_next_page", "import_submit", "hook", ...), its outcome ("ok" or the
// Sluice status name of its error, e.g. "transient", "auth_failed") and how long it took.
//
// Thread safety: the observer is called from any thread, calls at once; it must be thread-safe.
// set_call_observer() must be called before any plugin call is made (it is not synchronised
// with them), e.g. once at the start of `sluice serve`.
#pragma once

#include <functional>
#include <string_view>

namespace sluice::host {

using CallObserver = std::function<void(std::string_view plugin_id, std::string_view call,
                                        std::string_view outcome, double seconds)>;
void set_call_observer(CallObserver observer);

}  // namespace sluice::host
