/* Exports the v1 entry symbol but describes itself as ABI 2. */
#include <sluice/abi/plugin.h>

static const sluice_plugin_descriptor kDescriptor = {sizeof(sluice_plugin_descriptor),
                                                     2,
                                                     0,
                                                     "wrong-major",
                                                     "1.0.0",
                                                     "9.9.9",
                                                     "test",
                                                     "wrong ABI major",
                                                     0,
                                                     0};

SLUICE_ABI_EXPORT const sluice_plugin_descriptor* sluice_plugin_entry_v1(
    const sluice_host_api* host) {
  (void)host;
  return &kDescriptor;
}
