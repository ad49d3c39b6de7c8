/* Built for a future ABI: its entry symbol carries major version 2. */
#include <sluice/abi/plugin.h>

SLUICE_ABI_EXPORT const void* sluice_plugin_entry_v2(const void* host) {
  (void)host;
  return 0;
}
