#include "plugins/loader.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstring>

#include <fmt/format.h>
#include <boost/dll/library_info.hpp>
#include <boost/json/parse.hpp>

#include "plugins/host_api.hpp"
#include "plugins/plugin_id.hpp"

namespace sluice::host {

namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

constexpr size_t kMinDescriptorSize = SLUICE_PLUGIN_DESCRIPTOR_SIZE_1_0;
constexpr size_t kMinConnectorSize = SLUICE_CONNECTOR_DESCRIPTOR_SIZE_1_0;
constexpr size_t kMinApiSize = SLUICE_CONNECTOR_API_SIZE_1_0;

Error refuse(const fs::path& file, std::string what) {
  return make_error(Status::kInvalidConfig,
                    fmt::format("refusing plugin {}: {}", file.string(), what));
}

// A short description of what a non-library file starts with, for the refusal message.
std::string describe_start(int fd) {
  char head[4] = {};
  const ssize_t got = ::pread(fd, head, sizeof head, 0);
  if (got <= 0) return "an empty file";
  if (got == 4 && head[0] == 0x7f && head[1] == 'E' && head[2] == 'L' && head[3] == 'F') {
    return "an ELF file that is not a loadable shared library for this machine";
  }
  std::string printable;
  for (ssize_t i = 0; i < got; ++i) {
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

std::string capability_names(uint32_t capabilities) {
  std::string out;
  for (const auto& [bit, name] :
       {std::pair{SLUICE_CAP_EXPORT, "export"}, std::pair{SLUICE_CAP_IMPORT, "import"},
        std::pair{SLUICE_CAP_LOOKUP, "lookup"}, std::pair{SLUICE_CAP_LISTENER, "listener"},
        std::pair{SLUICE_CAP_FILE_TRANSFER, "file transfer"}}) {
    if ((capabilities & bit) == 0) continue;
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out.empty() ? "none" : out;
}

LibraryFile::LibraryFile(LibraryFile&& other) noexcept
    : path_(std::move(other.path_)),
      fd_(std::exchange(other.fd_, -1)),
      sha256_(std::move(other.sha256_)) {}

LibraryFile::~LibraryFile() {
  if (fd_ >= 0) ::close(fd_);
}

std::string LibraryFile::fd_path() const { return fmt::format("/proc/self/fd/{}", fd_); }

Result<LibraryFile> open_library(const fs::path& library, const std::optional<Manifest>& manifest) {
  const int fd = ::open(library.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    const int error = errno;
    if (error == ELOOP) {
      return refuse(library, "expected a shared library file, found a symbolic link");
    }
    if (error == ENOENT)
      return refuse(library, "expected a shared library file, found no such file");
    return refuse(library, fmt::format("expected a readable shared library file, found it cannot "
                                       "be opened: {}",
                                       std::strerror(error)));
  }
  LibraryFile file(library, fd);
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    return refuse(library,
                  "expected a shared library file, found something that is not a "
                  "regular file");
  }
  auto digest = sha256_fd(fd, library);
  if (!digest) return refuse(library, digest.error().message);
  file.sha256_ = std::move(*digest);
  if (manifest) {
    if (file.sha256_ != manifest->sha256) {
      return refuse(
          library,
          fmt::format("expected sha256 {} (from its manifest), found {}; the file is not the one "
                      "its manifest was written for — rebuild the bundle, or reinstall the "
                      "plugin with `sluice plugin install`",
                      manifest->sha256, file.sha256_));
    }
    const std::string major = manifest->abi_version.substr(0, manifest->abi_version.find('.'));
    if (major != std::to_string(SLUICE_ABI_VERSION_MAJOR)) {
      return refuse(library, fmt::format("expected ABI major {} (abiVersion {}.x in its "
                                         "manifest), found abiVersion {}; use a build of the "
                                         "plugin for this host",
                                         SLUICE_ABI_VERSION_MAJOR, SLUICE_ABI_VERSION_MAJOR,
                                         manifest->abi_version));
    }
  }

  std::vector<std::string> symbols;
  try {
    boost::dll::library_info info_reader(file.fd_path());
    symbols = info_reader.symbols();
  } catch (const std::exception&) {
    return refuse(library,
                  fmt::format("expected a native shared library, found {}", describe_start(fd)));
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
  return file;
}

Result<std::unique_ptr<LoadedPlugin>> load_plugin(const fs::path& library,
                                                  const std::optional<Manifest>& manifest) {
  auto file = open_library(library, manifest);
  if (!file) return file.error();
  return load_library(std::move(*file), manifest);
}

Result<std::unique_ptr<LoadedPlugin>> load_library(LibraryFile file,
                                                   const std::optional<Manifest>& manifest) {
  const fs::path library = file.path();
  auto plugin = std::make_unique<LoadedPlugin>();
  plugin->file = library;
  try {
    plugin->library.load(file.fd_path(),
                         boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  } catch (const std::exception& e) {
    return refuse(library, fmt::format("the dynamic loader refused it: {}", e.what()));
  }
  // glibc finds an already loaded object by the name given to dlopen. Were this descriptor
  // closed and its number reused for another plugin's file, a later dlopen of the same
  // /proc/self/fd/N would return this plugin if it stayed mapped (plugins are never unloaded,
  // and one with unique symbols cannot be). So the descriptor stays open for the process's life.
  file.fd_ = -1;
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
    return refuse(library,
                  fmt::format("expected a plugin that requires ABI {}.{} or older (this host's), "
                              "found one that requires ABI {}.{}; upgrade the host, or use a "
                              "build of the plugin that requires {}.{} or older",
                              SLUICE_ABI_VERSION_MAJOR, SLUICE_ABI_VERSION_MINOR, d->abi_major,
                              d->abi_minor, SLUICE_ABI_VERSION_MAJOR, SLUICE_ABI_VERSION_MINOR));
  }
  if (d->id == nullptr || *d->id == '\0')
    return refuse(library, "expected a plugin id, found an empty one");
  if (auto id = check_plugin_id(d->id, fmt::format("refusing plugin {}", library.string())); !id) {
    Error e = id.error();
    e.message += " — give the plugin a valid id (SLUICE_PLUGIN's first argument) and rebuild it";
    return e;
  }
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
  plugin->built_minor =
      SLUICE_HAS_FIELD(d, sluice_plugin_descriptor, built_minor) ? d->built_minor : d->abi_minor;
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
    if (SLUICE_HAS_FIELD(&c, sluice_connector_descriptor, capabilities)) {
      h.capabilities = c.capabilities;
    }
    if (SLUICE_HAS_FIELD(&c, sluice_connector_descriptor, threading)) {
      h.thread_safe_connection = (c.threading & SLUICE_THREAD_SAFE_CONNECTION) != 0;
    }
    if (SLUICE_HAS_FIELD(&c, sluice_connector_descriptor, listener_schema) &&
        c.listener_schema != nullptr && *c.listener_schema != '\0') {
      auto listener = parse_schema(library, c.name, "listener", c.listener_schema);
      if (!listener) return listener.error();
      h.listener_schema = std::move(*listener);
    } else {
      h.listener_schema = json::object{{"type", "object"}, {"properties", json::object()}};
    }
    plugin->connectors.push_back(std::move(h));
  }
  if (SLUICE_HAS_FIELD(d, sluice_plugin_descriptor, hooks) && d->hook_count > 0) {
    if (d->hooks == nullptr) {
      return refuse(library, fmt::format("declares {} hooks but no hook table", d->hook_count));
    }
    for (uint32_t i = 0; i < d->hook_count; ++i) {
      const sluice_hook_descriptor& k = d->hooks[i];
      if (k.struct_size < sizeof(sluice_hook_descriptor) || k.name == nullptr ||
          k.kind == nullptr || k.invoke == nullptr) {
        return refuse(library, fmt::format("expected hook {} to have a name, a kind and a "
                                           "function",
                                           i));
      }
      plugin->hooks.push_back(HookHandle{k.name, k.kind, k.invoke, nullptr});
    }
  }
  for (auto& h : plugin->connectors) h.plugin = plugin.get();
  for (auto& h : plugin->hooks) h.plugin = plugin.get();
  return plugin;
}

}  // namespace sluice::host
