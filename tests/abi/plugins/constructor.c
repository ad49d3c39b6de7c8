/* A plugin whose code runs as soon as it is loaded: its constructor writes the file named by
 * $SLUICE_TEST_MARKER. Built with and without (NO_ENTRY) the entry symbol, to prove the host
 * runs no code of a plugin whose manifest or symbol table it refuses. */
#include <stdio.h>
#include <stdlib.h>

#include <sluice/abi/plugin.h>

__attribute__((constructor)) static void mark_loaded(void) {
  const char* marker = getenv("SLUICE_TEST_MARKER");
  if (marker == NULL || *marker == '\0') return;
  FILE* f = fopen(marker, "w");
  if (f != NULL) {
    fputs("constructor ran\n", f);
    fclose(f);
  }
}

#ifndef NO_ENTRY
static const sluice_plugin_descriptor kDescriptor = {sizeof(sluice_plugin_descriptor),
                                                     SLUICE_ABI_VERSION_MAJOR,
                                                     0,
                                                     "ctor",
                                                     "1.0.0",
                                                     "0.1.0",
                                                     "test",
                                                     "a plugin with a constructor",
                                                     0,
                                                     0};

SLUICE_ABI_EXPORT const sluice_plugin_descriptor* sluice_plugin_entry_v1(
    const sluice_host_api* host) {
  (void)host;
  return &kDescriptor;
}
#else
SLUICE_ABI_EXPORT int not_an_entry(void) { return 0; }
#endif
