// Written against the raw C ABI without the SDK's shims: its connection_open lets a C++
// exception escape into the host, which must catch it and carry on.
#include <stdexcept>

#include <sluice/abi/plugin.h>

namespace {

sluice_status open_connection(sluice_call*, sluice_str, sluice_connection**) {
  throw std::runtime_error("escaped");
}
sluice_status ping(sluice_call*, sluice_connection*) { return SLUICE_OK; }
void close_connection(sluice_connection*) {}
sluice_status open_export(sluice_call*, sluice_connection*, sluice_str, sluice_str,
                          sluice_export**) {
  return SLUICE_UNSUPPORTED;
}
sluice_status next_page(sluice_call*, sluice_export*) { return SLUICE_UNSUPPORTED; }
void close_export(sluice_export*) {}
sluice_status open_import(sluice_call*, sluice_connection*, sluice_str, sluice_import**) {
  return SLUICE_UNSUPPORTED;
}
sluice_status submit(sluice_call*, sluice_import*, sluice_str) { return SLUICE_UNSUPPORTED; }
void close_import(sluice_import*) {}

const sluice_connector_api kApi = {sizeof(sluice_connector_api),
                                   open_connection,
                                   ping,
                                   close_connection,
                                   open_export,
                                   next_page,
                                   close_export,
                                   open_import,
                                   submit,
                                   close_import};
const sluice_connector_descriptor kConnector = {sizeof(sluice_connector_descriptor),
                                                "escaping",
                                                0,
                                                "escaping",
                                                "",
                                                "Escaping",
                                                "{}",
                                                "{}",
                                                "{}",
                                                &kApi};
const sluice_plugin_descriptor kDescriptor = {
    sizeof(sluice_plugin_descriptor), 1, 0,          "escaping", "1.0.0", "0.1.0", "test",
    "lets exceptions escape",         1, &kConnector};

}  // namespace

extern "C" SLUICE_ABI_EXPORT const sluice_plugin_descriptor* sluice_plugin_entry_v1(
    const sluice_host_api*) {
  return &kDescriptor;
}
