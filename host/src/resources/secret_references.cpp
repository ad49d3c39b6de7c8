#include "resources/secret_references.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>

#include "store/secret_fields.hpp"

namespace sluice::host {

namespace json = boost::json;

namespace {

constexpr std::string_view kEnv = "$env";
constexpr std::string_view kFile = "$file";

// {"$env": ...} or {"$file": ...}: an object with one member of either name.
bool is_reference(const json::value& value) {
  const json::object* o = value.if_object();
  return o != nullptr && o->size() == 1 && (o->contains(kEnv) || o->contains(kFile));
}

json::value* find_dotted(json::object& doc, std::string_view path) {
  json::object* object = &doc;
  json::value* value = nullptr;
  while (true) {
    const size_t dot = path.find('.');
    const std::string_view key = path.substr(0, dot);
    if (object == nullptr) return nullptr;
    value = object->if_contains(key);
    if (value == nullptr || dot == std::string_view::npos) return value;
    object = value->if_object();
    path.remove_prefix(dot + 1);
  }
}

// The secret a reference names, or a problem (nullopt and `problem` set).
std::optional<std::string> resolve(const json::object& reference, std::string& problem) {
  const std::string shown = json::serialize(reference);
  if (const json::value* name = reference.if_contains(kEnv)) {
    if (!name->is_string() || name->get_string().empty()) {
      problem = fmt::format("{}: expected the name of an environment variable (a string)", shown);
      return std::nullopt;
    }
    const std::string variable(name->get_string());
    const char* value = std::getenv(variable.c_str());
    if (value == nullptr || *value == '\0') {
      problem = fmt::format(
          "{}: environment variable {} is {}; set it in the environment of `sluice apply` (or of "
          "`sluice serve`, for the REST API), or write the secret itself",
          shown, variable, value == nullptr ? "not set" : "empty");
      return std::nullopt;
    }
    return std::string(value);
  }
  const json::value& file = reference.at(kFile);
  if (!file.is_string() || file.get_string().empty()) {
    problem = fmt::format("{}: expected the absolute path of a file (a string)", shown);
    return std::nullopt;
  }
  const std::filesystem::path path(std::string(file.get_string()));
  if (!path.is_absolute()) {
    problem = fmt::format(
        "{}: expected an absolute path (e.g. /run/secrets/NAME), found a "
        "relative one",
        shown);
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    problem = fmt::format(
        "{}: cannot read {} ({}); make it readable by the user running "
        "Sluice, or write the secret itself",
        shown, path.string(), std::strerror(errno));
    return std::nullopt;
  }
  std::string text(kMaxSecretFileBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  if (in.bad()) {
    problem = fmt::format("{}: cannot read {}", shown, path.string());
    return std::nullopt;
  }
  if (text.size() > kMaxSecretFileBytes) {
    problem = fmt::format("{}: {} is longer than {} bytes, the limit for a secret file", shown,
                          path.string(), kMaxSecretFileBytes);
    return std::nullopt;
  }
  if (text.ends_with("\r\n")) {
    text.resize(text.size() - 2);
  } else if (text.ends_with('\n')) {
    text.pop_back();
  }
  if (text.empty()) {
    problem = fmt::format("{}: {} is empty; put the secret in it", shown, path.string());
    return std::nullopt;
  }
  return text;
}

// Every reference in `value` at a path (from `path`) that is not one of `secret_paths`.
void find_misplaced(const json::value& value, const std::string& path,
                    const std::vector<std::string>& secret_paths,
                    std::vector<std::string>& problems) {
  if (is_reference(value)) {
    const std::string dotted = path.empty() ? path : path.substr(1);
    if (std::find(secret_paths.begin(), secret_paths.end(), dotted) == secret_paths.end()) {
      problems.push_back(fmt::format(
          "${}: {} is a secret reference, but this is not a secret setting; only secret "
          "settings (`sluice plugin info ID` marks them) may be written by reference",
          path, json::serialize(value)));
    }
    return;
  }
  if (const json::object* o = value.if_object()) {
    for (const auto& member : *o) {
      find_misplaced(member.value(), path + "." + std::string(member.key()), secret_paths,
                     problems);
    }
  } else if (const json::array* a = value.if_array()) {
    for (size_t i = 0; i < a->size(); ++i) {
      find_misplaced((*a)[i], fmt::format("{}[{}]", path, i), secret_paths, problems);
    }
  }
}

}  // namespace

std::vector<std::string> resolve_secret_references(json::object& doc,
                                                   const std::vector<std::string>& secret_paths) {
  std::vector<std::string> problems;
  find_misplaced(doc, "", secret_paths, problems);
  for (const std::string& path : secret_paths) {
    json::value* value = find_dotted(doc, path);
    if (value == nullptr || !is_reference(*value)) continue;
    std::string problem;
    if (auto secret = resolve(value->get_object(), problem)) {
      *value = json::string(*secret);
    } else {
      problems.push_back(fmt::format("$.{}: {}", path, problem));
      *value = json::string(kMaskedSecretText);
    }
  }
  return problems;
}

}  // namespace sluice::host
