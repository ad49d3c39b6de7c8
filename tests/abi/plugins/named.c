/* A plugin with no connectors whose descriptor id is chosen by NAMED_CASE, to test that ids
 * which would be dangerous as a path component are refused. */
#include <sluice/abi/plugin.h>

#if NAMED_CASE == 1
#define NAMED_ID ".."
#elif NAMED_CASE == 2
#define NAMED_ID "."
#elif NAMED_CASE == 3
#define NAMED_ID "../../x"
#elif NAMED_CASE == 4
#define NAMED_ID "A"
#elif NAMED_CASE == 5
#define NAMED_ID "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" /* 65 */
#elif NAMED_CASE == 6
#define NAMED_ID "a/b"
#elif NAMED_CASE == 7
#define NAMED_ID "a\nb"
#elif NAMED_CASE == 8
#define NAMED_ID "a..b-1_0" /* valid */
#else
#error "NAMED_CASE must be 1 to 8"
#endif

static const sluice_plugin_descriptor kDescriptor = {sizeof(sluice_plugin_descriptor),
                                                     SLUICE_ABI_VERSION_MAJOR,
                                                     0,
                                                     NAMED_ID,
                                                     "1.0.0",
                                                     "0.1.0",
                                                     "test",
                                                     "a plugin with a chosen id",
                                                     0,
                                                     0};

SLUICE_ABI_EXPORT const sluice_plugin_descriptor* sluice_plugin_entry_v1(
    const sluice_host_api* host) {
  (void)host;
  return &kDescriptor;
}
