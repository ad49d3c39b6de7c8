/* Built against a newer minor version of ABI 1 than the host knows. */
#include <sluice/abi/plugin.h>

static const sluice_plugin_descriptor kDescriptor = {sizeof(sluice_plugin_descriptor),
                                                     SLUICE_ABI_VERSION_MAJOR,
                                                     SLUICE_ABI_VERSION_MINOR + 7,
                                                     "newer-minor",
                                                     "1.0.0",
                                                     "9.9.9",
                                                     "test",
                                                     "needs a newer host",
                                                     0,
                                                     0};

SLUICE_ABI_EXPORT const sluice_plugin_descriptor* sluice_plugin_entry_v1(
    const sluice_host_api* host) {
  (void)host;
  return &kDescriptor;
}
