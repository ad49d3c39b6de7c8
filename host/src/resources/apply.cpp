#include "resources/apply.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>
#include <boost/json/parse.hpp>

#include "plugins/settings_schema.hpp"
#include "resources/inline_credentials.hpp"
#include "secrets/redactor.hpp"
#include "store/secret_fields.hpp"

namespace sluice::host {

namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

struct Document {
  fs::path file;
  size_t index = 0;  // position in the file when it holds an array
  bool in_array = false;
  ResourceKind kind = ResourceKind::kConnection;
  std::string id;
  json::object doc;
  std::vector<std::string> secret_paths;

  std::string where() const {
    return in_array ? fmt::format("{} [{}]", file.string(), index) : file.string();
  }
};

std::string string_field(const json::object& doc, std::string_view key) {
  if (auto* v = doc.if_contains(key); v && v->is_string()) return std::string(v->as_string());
  return {};
}

std::string_view singular(ResourceKind kind) {
  switch (kind) {
    case ResourceKind::kConnection:
      return "connection";
    case ResourceKind::kExport:
      return "export";
    case ResourceKind::kImport:
      return "import";
    case ResourceKind::kFlow:
      return "flow";
  }
  return "resource";
}

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

class Applier {
 public:
  Applier(Store& store, const PluginRegistry& registry) : store_(store), registry_(registry) {}

  void read_path(const fs::path& path) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      std::vector<fs::path> files;
      for (const auto& e : fs::recursive_directory_iterator(path, ec)) {
        if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path());
      }
      std::sort(files.begin(), files.end());
      if (files.empty())
        issue(path.string(), "expected *.json resource files in this folder, found none");
      for (const auto& f : files) read_file(f);
    } else if (fs::is_regular_file(path, ec)) {
      read_file(path);
    } else {
      issue(path.string(), "no such file or folder");
    }
  }

  void validate() {
    std::map<std::pair<ResourceKind, std::string>, const Document*> seen;
    for (const Document& d : docs_) {
      auto [it, inserted] = seen.emplace(std::pair{d.kind, d.id}, &d);
      if (!inserted) {
        issue(d.where(),
              fmt::format("{} {} is defined twice (also in {}); ids must be unique per kind",
                          singular(d.kind), d.id, it->second->where()));
      }
    }
    for (Document& d : docs_) {
      switch (d.kind) {
        case ResourceKind::kConnection:
          validate_connection(d);
          break;
        case ResourceKind::kExport:
        case ResourceKind::kImport:
          validate_step(d);
          break;
        case ResourceKind::kFlow:
          validate_flow(d);
          break;
      }
    }
  }

  Result<std::vector<AppliedResource>> commit() {
    if (!issues_.empty()) {
      return make_error(Status::kInvalidConfig,
                        fmt::format("nothing was applied: {} problem{} found\n  {}", issues_.size(),
                                    issues_.size() == 1 ? "" : "s", fmt::join(issues_, "\n  ")));
    }
    std::vector<Resource> resources;
    std::vector<AppliedResource> applied;
    for (const Document& d : docs_) {
      resources.push_back(Resource{d.kind, d.id, d.doc, d.secret_paths});
      applied.push_back(AppliedResource{d.kind, d.id, d.file});
    }
    if (auto r = store_.put_resources(resources); !r) return r.error();
    return applied;
  }

 private:
  void issue(const std::string& where, const std::string& message) {
    issues_.push_back(fmt::format("{}: {}", where, message));
  }

  void read_file(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) {
      issue(file.string(), "cannot read this file");
      return;
    }
    json::error_code ec;
    json::parse_options options;
    options.allow_comments = true;
    options.allow_trailing_commas = true;
    json::value value = json::parse(text.str(), ec, {}, options);
    if (ec) {
      issue(file.string(), fmt::format("not valid JSON: {}", ec.message()));
      return;
    }
    if (value.is_array()) {
      size_t i = 0;
      for (auto& item : value.as_array()) add_document(file, i++, true, std::move(item));
    } else {
      add_document(file, 0, false, std::move(value));
    }
  }

  void add_document(const fs::path& file, size_t index, bool in_array, json::value value) {
    Document d;
    d.file = file;
    d.index = index;
    d.in_array = in_array;
    if (!value.is_object()) {
      issue(d.where(), fmt::format("expected a resource object, found {}", describe_json(&value)));
      return;
    }
    d.doc = std::move(value.as_object());
    const std::string adaptor = string_field(d.doc, "adaptorType");
    if (d.doc.contains("pageGenerators") || d.doc.contains("pageProcessors") ||
        d.doc.contains("routers")) {
      d.kind = ResourceKind::kFlow;
    } else if (ends_with(adaptor, "Export")) {
      d.kind = ResourceKind::kExport;
    } else if (ends_with(adaptor, "Import")) {
      d.kind = ResourceKind::kImport;
    } else if (d.doc.contains("type") || d.doc.contains("assistant")) {
      d.kind = ResourceKind::kConnection;
    } else {
      issue(
          d.where(),
          "cannot tell what this document is: expected a connection (with \"type\"), an export or "
          "import (with \"adaptorType\", e.g. \"HTTPExport\") or a flow (with \"pageGenerators\")");
      return;
    }
    d.id = string_field(d.doc, "_id");
    if (d.id.empty()) {
      issue(d.where(), fmt::format("$._id: expected a non-empty string naming this {}, found {}",
                                   singular(d.kind), describe_json(d.doc.if_contains("_id"))));
      return;
    }
    docs_.push_back(std::move(d));
  }

  // A connection from this apply, else from the store (secrets masked: only its type matters).
  std::optional<json::object> find(ResourceKind kind, const std::string& id) {
    for (const Document& d : docs_) {
      if (d.kind == kind && d.id == id) return d.doc;
    }
    auto stored = store_.get_resource(kind, id, Secrets::kMasked);
    if (stored && *stored) return **stored;
    return std::nullopt;
  }

  void check_schema(Document& d, const json::object& schema, std::string_view what) {
    for (const ValidationIssue& problem : validate_against_schema(d.doc, schema)) {
      issue(d.where(), fmt::format("{} {}: {}", what, d.id, problem.to_string()));
    }
    for (const std::string& problem : find_inline_credentials(d.doc, schema))
      issue(d.where(), fmt::format("{} {}: {}", what, d.id, problem));
    d.secret_paths = secret_paths(schema);
    learn_secrets(d.doc, d.secret_paths, Redactor::process());  // so no message prints them
  }

  void validate_connection(Document& d) {
    auto connector = registry_.connector_for(d.doc);
    if (!connector) {
      issue(d.where(), connector.error().message);
      return;
    }
    check_schema(d, (*connector)->connection_schema, "connection");
  }

  void validate_step(Document& d) {
    const std::string what(singular(d.kind));
    const std::string adaptor = string_field(d.doc, "adaptorType");
    const std::string connection_id = string_field(d.doc, "_connectionId");
    if (connection_id.empty()) {
      issue(d.where(),
            fmt::format("{} {}: $._connectionId: expected the _id of a connection, found {}", what,
                        d.id, describe_json(d.doc.if_contains("_connectionId"))));
      return;
    }
    auto connection = find(ResourceKind::kConnection, connection_id);
    if (!connection) {
      issue(d.where(),
            fmt::format(
                "{} {}: $._connectionId: expected an existing connection, found \"{}\", which is "
                "neither in this apply nor in the store",
                what, d.id, connection_id));
      return;
    }
    auto connector = registry_.connector_for(*connection);
    if (!connector) {
      issue(d.where(), fmt::format("{} {}: {}", what, d.id, connector.error().message));
      return;
    }
    std::string prefix = adaptor.substr(0, adaptor.size() - what.size());
    std::transform(prefix.begin(), prefix.end(), prefix.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    if (prefix != (*connector)->connection_type) {
      issue(d.where(),
            fmt::format("{} {}: $.adaptorType: expected an adaptor for connection {} of type "
                        "\"{}\", found \"{}\"",
                        what, d.id, connection_id, (*connector)->connection_type, adaptor));
      return;
    }
    check_schema(
        d,
        d.kind == ResourceKind::kExport ? (*connector)->export_schema : (*connector)->import_schema,
        what);
  }

  void validate_flow(Document& d) {
    const json::value* generators = d.doc.if_contains("pageGenerators");
    if (generators == nullptr || !generators->is_array() || generators->as_array().empty()) {
      issue(d.where(),
            fmt::format(
                "flow {}: $.pageGenerators: expected an array with at least one source, found {}",
                d.id, describe_json(generators)));
    } else {
      size_t i = 0;
      for (const auto& g : generators->as_array()) {
        check_reference(d, fmt::format("$.pageGenerators[{}]", i++), g, "_exportId",
                        ResourceKind::kExport);
      }
    }
    if (const json::value* processors = d.doc.if_contains("pageProcessors")) {
      if (!processors->is_array()) {
        issue(d.where(), fmt::format("flow {}: $.pageProcessors: expected an array, found {}", d.id,
                                     describe_json(processors)));
        return;
      }
      size_t i = 0;
      for (const auto& p : processors->as_array()) {
        const std::string path = fmt::format("$.pageProcessors[{}]", i++);
        const std::string type = p.is_object() ? string_field(p.as_object(), "type") : "";
        if (type == "import") {
          check_reference(d, path, p, "_importId", ResourceKind::kImport);
        } else if (type == "export") {
          check_reference(d, path, p, "_exportId", ResourceKind::kExport);
        } else {
          issue(d.where(),
                fmt::format("flow {}: {}.type: expected \"import\" or \"export\", found {}", d.id,
                            path,
                            describe_json(p.is_object() ? p.as_object().if_contains("type") : &p)));
        }
      }
    }
  }

  void check_reference(const Document& d, const std::string& path, const json::value& entry,
                       std::string_view key, ResourceKind kind) {
    const json::object* o = entry.if_object();
    const std::string id = o ? string_field(*o, key) : "";
    if (id.empty()) {
      issue(d.where(),
            fmt::format("flow {}: {}.{}: expected the _id of an {}, found {}", d.id, path, key,
                        singular(kind), describe_json(o ? o->if_contains(key) : &entry)));
    } else if (!find(kind, id)) {
      issue(d.where(),
            fmt::format(
                "flow {}: {}.{}: expected an existing {}, found \"{}\", which is neither in this "
                "apply nor in the store",
                d.id, path, key, singular(kind), id));
    }
  }

  Store& store_;
  const PluginRegistry& registry_;
  std::vector<Document> docs_;
  std::vector<std::string> issues_;
};

}  // namespace

Result<std::vector<AppliedResource>> apply_resources(const fs::path& path, Store& store,
                                                     const PluginRegistry& registry) {
  Applier applier(store, registry);
  applier.read_path(path);
  applier.validate();
  return applier.commit();
}

}  // namespace sluice::host
