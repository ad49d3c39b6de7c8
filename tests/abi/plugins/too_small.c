/* Claims a descriptor smaller than ABI 1.0's. */
#include <sluice/abi/plugin.h>

static const sluice_plugin_descriptor kDescriptor = {
    8, SLUICE_ABI_VERSION_MAJOR, 0, "too-small", "1.0.0", "0.1.0", "test", "struct too small", 0,
    0};

SLUICE_ABI_EXPORT const sluice_plugin_descriptor* sluice_plugin_entry_v1(
    const sluice_host_api* host) {
  (void)host;
  return &kDescriptor;
}
