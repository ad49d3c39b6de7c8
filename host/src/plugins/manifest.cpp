#include "plugins/manifest.hpp"

#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <openssl/evp.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace sluice::host {

namespace json = boost::json;

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
  std::ifstream in(file, std::ios::binary);
  if (!in) return make_error(Status::kNotFound, fmt::format("cannot read {}", file.string()));
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  char buffer[1 << 16];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    EVP_DigestUpdate(ctx, buffer, static_cast<size_t>(in.gcount()));
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(ctx, digest, &length);
  EVP_MD_CTX_free(ctx);
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

}  // namespace sluice::host
