// A plugin's manifest: what the host knows about an installed plugin before loading it.
// Stored as manifest.json beside the library in $SLUICE_HOME/plugins/<id>/.
#pragma once

#include <filesystem>
#include <string>

#include <boost/json/object.hpp>

#include "sluice/result.hpp"

namespace sluice::host {

struct Manifest {
  std::string id;
  std::string version;
  std::string abi_version;  // "MAJOR.MINOR"
  std::string sdk_version;
  std::string library;  // path of the shared library relative to the manifest's folder
  std::string sha256;   // lowercase hex digest of the library file
  std::string description;
  std::string installed_at;

  boost::json::object to_json() const;
};

// Reads and checks a manifest.json: every required field present and of the right type; "id"
// a valid plugin id (plugin_id.hpp); "library" a relative path with no "." or ".." component
// (it names a file inside the bundle folder: callers still check where it leads, see
// installer.cpp); "sha256" 64 lowercase hex digits; "abiVersion" MAJOR.MINOR.
Result<Manifest> read_manifest(const std::filesystem::path& file);
Result<void> write_manifest(const Manifest& manifest, const std::filesystem::path& file);

// Lowercase hex SHA-256 of a file's bytes (OpenSSL EVP).
Result<std::string> sha256_file(const std::filesystem::path& file);

// The same of the bytes of an open file, read from offset 0 with pread (the file offset is not
// moved); `file` names it in an error.
Result<std::string> sha256_fd(int fd, const std::filesystem::path& file);

}  // namespace sluice::host
