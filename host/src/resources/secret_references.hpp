// Secrets by reference in resource files (docs/resources.md, "Secrets by reference"): a secret
// setting may be written {"$env": "NAME"} (the value of environment variable NAME) or
// {"$file": "/absolute/path"} (the file's contents, one trailing newline dropped), so a folder
// of resources can live in version control without its secrets. `sluice apply` and the REST API
// resolve them when the resource is applied; the resolved value is then sealed like any secret.
#pragma once

#include <string>
#include <vector>

#include <boost/json/object.hpp>

namespace sluice::host {

// The most a {"$file": ...} reference reads.
inline constexpr size_t kMaxSecretFileBytes = size_t{64} * 1024;

// Replaces each reference at one of `secret_paths` (dotted, from the schema) of `doc` by the
// string it names. Returns one problem per reference that cannot be resolved (the variable is
// not set or empty, the file cannot be read, is empty or too big, the path is not absolute, the
// reference is malformed) and per reference at a path that is not a secret setting, each
// "$.<path>: <what is wrong and what to do>"; a reference that failed is replaced by "******" so
// that the schema check does not report it a second time.
std::vector<std::string> resolve_secret_references(boost::json::object& doc,
                                                   const std::vector<std::string>& secret_paths);

}  // namespace sluice::host
