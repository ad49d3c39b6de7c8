/* Its entry function declines to describe itself. */
#include <sluice/abi/plugin.h>

SLUICE_ABI_EXPORT const sluice_plugin_descriptor* sluice_plugin_entry_v1(
    const sluice_host_api* host) {
  (void)host;
  return 0;
}
