#include "plugins/manifest.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <vector>

#include <fmt/format.h>
#include <openssl/evp.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "plugins/plugin_id.hpp"

namespace sluice::host {

namespace json = boost::json;

namespace {

Result<void> check_fields(const Manifest& m, const std::filesystem::path& file) {
  auto bad = [&](const char* key, std::string expected, const std::string& found) {
    return make_error(
        Status::kInvalidConfig,
        fmt::format("plugin manifest {}: field \"{}\": expected {}, found {} — fix "
                    "the manifest or rebuild the bundle",
                    file.string(), key, expected, json::serialize(json::value(found))));
  };
  if (auto id =
          check_plugin_id(m.id, fmt::format("plugin manifest {}: field \"id\"", file.string()));
      !id) {
    Error e = id.error();
    e.message += " — fix the manifest or rebuild the bundle";
    return e;
  }
  const std::filesystem::path library(m.library);
  bool inside = !m.library.empty() && !library.is_absolute() && m.library.back() != '/' &&
                std::none_of(m.library.begin(), m.library.end(),
                             [](char c) { return static_cast<unsigned char>(c) < 0x20; });
  for (const auto& part : library) {
    if (part == ".." || part == ".") inside = false;
  }
  if (!inside) {
    return bad("library", "the path of a file inside the bundle folder (like \"lib/x.so\")",
               m.library);
  }
  const bool hex =
      m.sha256.size() == 64 && m.sha256.find_first_not_of("0123456789abcdef") == std::string::npos;
  if (!hex) return bad("sha256", "64 lowercase hexadecimal digits", m.sha256);
  const size_t dot = m.abi_version.find('.');
  const bool digits = dot != std::string::npos && dot > 0 && dot + 1 < m.abi_version.size() &&
                      m.abi_version.find_first_not_of("0123456789.") == std::string::npos &&
                      m.abi_version.find('.', dot + 1) == std::string::npos;
  if (!digits) return bad("abiVersion", "MAJOR.MINOR (like \"1.0\")", m.abi_version);
  return {};
}

}  // namespace

json::object Manifest::to_json() const {
  json::object out{{"id", id},
                   {"version", version},
                   {"abiVersion", abi_version},
                   {"sdkVersion", sdk_version},
                   {"library", library},
                   {"sha256", sha256}};
  if (!description.empty()) out["description"] = description;
  if (!installed_at.empty()) out["installedAt"] = installed_at;
  return out;
}

Result<Manifest> read_manifest(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return make_error(Status::kNotFound,
                      fmt::format("cannot read plugin manifest {}", file.string()));
  }
  std::stringstream text;
  text << in.rdbuf();
  json::error_code ec;
  json::value doc = json::parse(text.str(), ec);
  if (ec || !doc.is_object()) {
    return make_error(Status::kInvalidConfig,
                      fmt::format("plugin manifest {} is not a JSON object{}{}", file.string(),
                                  ec ? ": " : "", ec ? ec.message() : ""));
  }
  const json::object& o = doc.as_object();
  Manifest m;
  auto field = [&](const char* key, std::string& out, bool required) -> Result<void> {
    const json::value* v = o.if_contains(key);
    if (v == nullptr || !v->is_string()) {
      if (!required) return {};
      return make_error(
          Status::kInvalidConfig,
          fmt::format("plugin manifest {}: field \"{}\" must be a string, found {}", file.string(),
                      key, v == nullptr ? "nothing" : json::serialize(*v)));
    }
    out = std::string(v->as_string());
    return {};
  };
  for (auto [key, out, required] : {std::tuple{"id", &m.id, true},
                                    {"version", &m.version, true},
                                    {"abiVersion", &m.abi_version, true},
                                    {"library", &m.library, true},
                                    {"sha256", &m.sha256, true},
                                    {"sdkVersion", &m.sdk_version, false},
                                    {"description", &m.description, false},
                                    {"installedAt", &m.installed_at, false}}) {
    if (auto r = field(key, *out, required); !r) return r.error();
  }
  if (auto r = check_fields(m, file); !r) return r.error();
  return m;
}

Result<void> write_manifest(const Manifest& manifest, const std::filesystem::path& file) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << json::serialize(manifest.to_json()) << '\n';
  if (!out) {
    return make_error(Status::kInternal,
                      fmt::format("cannot write plugin manifest {}", file.string()));
  }
  return {};
}

Result<std::string> sha256_file(const std::filesystem::path& file) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return make_error(Status::kNotFound,
                      fmt::format("cannot read {}: {}", file.string(), std::strerror(errno)));
  }
  auto digest = sha256_fd(fd, file);
  ::close(fd);
  return digest;
}

Result<std::string> sha256_fd(int fd, const std::filesystem::path& file) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  std::vector<char> buffer(size_t{1} << 16);
  off_t offset = 0;
  while (true) {
    const ssize_t n = ::pread(fd, buffer.data(), buffer.size(), offset);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return make_error(Status::kInternal,
                        fmt::format("cannot read {}: {}", file.string(), std::strerror(errno)));
    }
    if (n == 0) break;
    EVP_DigestUpdate(ctx.get(), buffer.data(), static_cast<size_t>(n));
    offset += n;
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(ctx.get(), digest, &length);
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

}  // namespace sluice::host
