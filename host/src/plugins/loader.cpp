#include "plugins/loader.hpp"

#include <algorithm>
#include <cstddef>
#include <fstream>

#include <fmt/format.h>
#include <boost/dll/library_info.hpp>
#include <boost/json/parse.hpp>

#include "plugins/host_api.hpp"

namespace sluice::host {

namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

constexpr size_t kMinDescriptorSize =
    offsetof(sluice_plugin_descriptor, connectors) + sizeof(const sluice_connector_descriptor*);
constexpr size_t kMinConnectorSize =
    offsetof(sluice_connector_descriptor, api) + sizeof(const sluice_connector_api*);
constexpr size_t kMinApiSize =
    offsetof(sluice_connector_api, import_close) + sizeof(void (*)(sluice_import*));

Error refuse(const fs::path& file, std::string what) {
  return make_error(Status::kInvalidConfig,
                    fmt::format("refusing plugin {}: {}", file.string(), what));
}

// A short description of what a non-library file starts with, for the refusal message.
std::string describe_start(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  char head[4] = {};
  in.read(head, sizeof head);
  if (in.gcount() == 0) return "an empty file";
  if (in.gcount() == 4 && head[0] == 0x7f && head[1] == 'E' && head[2] == 'L' && head[3] == 'F') {
    return "an ELF file that is not a loadable shared library for this machine";
  }
  std::string printable;
  for (std::streamsize i = 0; i < in.gcount(); ++i) {
    const char c = head[i];
    printable += (c >= 32 && c < 127) ? std::string(1, c)
                                      : fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
  }
  return fmt::format("a file starting with \"{}\"", printable);
}

Result<json::object> parse_schema(const fs::path& file, const char* connector, const char* which,
                                  const char* text) {
  if (text == nullptr) return json::object{{"type", "object"}, {"properties", json::object()}};
  json::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) {
    return refuse(file, fmt::format("connector '{}' declares a {} schema that is not a JSON object",
                                    connector, which));
  }
  return std::move(v.as_object());
}

const char* or_empty(const char* s) { return s == nullptr ? "" : s; }

}  // namespace

Result<std::unique_ptr<LoadedPlugin>> load_plugin(const fs::path& library,
                                                  const std::optional<Manifest>& manifest) {
  std::error_code fs_error;
  if (!fs::is_regular_file(library, fs_error)) {
    return refuse(library, "expected a shared library file, found no such file");
  }
  if (manifest) {
    auto digest = sha256_file(library);
    if (!digest) return refuse(library, digest.error().message);
    if (*digest != manifest->sha256) {
      return refuse(
          library,
          fmt::format("expected sha256 {} (from its manifest), found {}; the file "
                      "changed after installation — reinstall it with `sluice plugin install`",
                      manifest->sha256, *digest));
    }
  }

  std::vector<std::string> symbols;
  try {
    boost::dll::library_info info(library);
    symbols = info.symbols();
  } catch (const std::exception&) {
    return refuse(library, fmt::format("expected a native shared library, found {}",
                                       describe_start(library)));
  }
  if (std::find(symbols.begin(), symbols.end(), SLUICE_ENTRY_SYMBOL) == symbols.end()) {
    std::vector<std::string> others;
    for (const auto& s : symbols) {
      if (s.rfind("sluice_plugin_entry", 0) == 0) others.push_back(s);
    }
    return refuse(
        library,
        fmt::format(
            "expected the exported symbol {} (ABI major {}), found {}", SLUICE_ENTRY_SYMBOL,
            SLUICE_ABI_VERSION_MAJOR,
            others.empty()
                ? std::string(
                      "no sluice_plugin_entry_* symbol; was it built with SLUICE_PLUGIN(...)?")
                : fmt::format("{} — built for another ABI major; rebuild it against this SDK",
                              fmt::join(others, ", "))));
  }

  auto plugin = std::make_unique<LoadedPlugin>();
  plugin->file = library;
  try {
    plugin->library.load(library.string(),
                         boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  } catch (const std::exception& e) {
    return refuse(library, fmt::format("the dynamic loader refused it: {}", e.what()));
  }
  sluice_plugin_entry_fn entry = nullptr;
  try {
    entry = plugin->library.get<const sluice_plugin_descriptor*(const sluice_host_api*)>(
        SLUICE_ENTRY_SYMBOL);
  } catch (const std::exception& e) {
    return refuse(library, fmt::format("cannot resolve {}: {}", SLUICE_ENTRY_SYMBOL, e.what()));
  }
  const sluice_plugin_descriptor* d = nullptr;
  try {
    d = entry(host_api());
  } catch (...) {
    return refuse(library,
                  "its entry function threw an exception (expected it to return a descriptor)");
  }
  if (d == nullptr) {
    return refuse(library,
                  "expected its entry function to return a descriptor, found NULL (the plugin "
                  "failed to describe itself or needs a newer host)");
  }
  if (d->struct_size < kMinDescriptorSize) {
    return refuse(
        library,
        fmt::format("expected a descriptor of at least {} bytes (ABI {}.0), found struct_size {}",
                    kMinDescriptorSize, SLUICE_ABI_VERSION_MAJOR, d->struct_size));
  }
  if (d->abi_major != SLUICE_ABI_VERSION_MAJOR) {
    return refuse(library, fmt::format("expected ABI major {}, found {}", SLUICE_ABI_VERSION_MAJOR,
                                       d->abi_major));
  }
  if (d->abi_minor > SLUICE_ABI_VERSION_MINOR) {
    return refuse(library, fmt::format("expected ABI {}.{} or older, found {}.{}; upgrade the host",
                                       SLUICE_ABI_VERSION_MAJOR, SLUICE_ABI_VERSION_MINOR,
                                       d->abi_major, d->abi_minor));
  }
  if (d->id == nullptr || *d->id == '\0')
    return refuse(library, "expected a plugin id, found an empty one");
  if (manifest && manifest->id != d->id) {
    return refuse(library, fmt::format("expected plugin id '{}' (from its manifest), found '{}'",
                                       manifest->id, d->id));
  }
  plugin->id = d->id;
  plugin->version = or_empty(d->version);
  plugin->sdk_version = or_empty(d->sdk_version);
  plugin->build_info = or_empty(d->build_info);
  plugin->description = or_empty(d->description);
  plugin->abi_major = d->abi_major;
  plugin->abi_minor = d->abi_minor;
  if (d->connector_count > 0 && d->connectors == nullptr) {
    return refuse(library,
                  fmt::format("declares {} connectors but no connector table", d->connector_count));
  }
  for (uint32_t i = 0; i < d->connector_count; ++i) {
    const sluice_connector_descriptor& c = d->connectors[i];
    if (c.struct_size < kMinConnectorSize) {
      return refuse(
          library,
          fmt::format("expected connector {} to be at least {} bytes, found struct_size {}", i,
                      kMinConnectorSize, c.struct_size));
    }
    if (c.name == nullptr || *c.name == '\0' || c.connection_type == nullptr ||
        *c.connection_type == '\0') {
      return refuse(library,
                    fmt::format("expected connector {} to have a name and a connection type", i));
    }
    if (c.api == nullptr || c.api->struct_size < kMinApiSize) {
      return refuse(
          library,
          fmt::format(
              "expected connector '{}' to have a function table of at least {} bytes, found {}",
              c.name, kMinApiSize, c.api == nullptr ? 0u : c.api->struct_size));
    }
    ConnectorHandle h;
    h.name = c.name;
    h.branded = c.kind == SLUICE_CONNECTOR_BRANDED;
    h.connection_type = c.connection_type;
    h.assistant = or_empty(c.assistant);
    h.label = or_empty(c.label);
    auto conn = parse_schema(library, c.name, "connection", c.connection_schema);
    if (!conn) return conn.error();
    auto exp = parse_schema(library, c.name, "export", c.export_schema);
    if (!exp) return exp.error();
    auto imp = parse_schema(library, c.name, "import", c.import_schema);
    if (!imp) return imp.error();
    h.connection_schema = std::move(*conn);
    h.export_schema = std::move(*exp);
    h.import_schema = std::move(*imp);
    h.api = c.api;
    plugin->connectors.push_back(std::move(h));
  }
  for (auto& h : plugin->connectors) h.plugin = plugin.get();
  return plugin;
}

}  // namespace sluice::host
