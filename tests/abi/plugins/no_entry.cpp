// A shared library that is not a Sluice plugin: it exports a function, but no entry symbol.
extern "C" __attribute__((visibility("default"))) int not_a_plugin_entry() { return 42; }
