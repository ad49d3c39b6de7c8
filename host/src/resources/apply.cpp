#include "resources/apply.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>
#include <boost/json/serialize.hpp>

#include "filter/filter.hpp"
#include "mapper/mapper.hpp"
#include "mapper/response_mapping.hpp"
#include "plugins/hook_reference.hpp"
#include "plugins/settings_schema.hpp"
#include "resources/inline_credentials.hpp"
#include "resources/printable.hpp"
#include "resources/resource_schema.hpp"
#include "resources/secret_references.hpp"
#include "runtime/flow_document.hpp"
#include "runtime/one_to_many.hpp"
#include "script/script_engine.hpp"
#include "script/script_reference.hpp"
#include "serve/schedule/flow_schedule.hpp"
#include "secrets/redactor.hpp"
#include "serve/webhook/settings.hpp"
#include "sluice/support/formats/file_options.hpp"
#include "sluice/support/template.hpp"
#include "store/secret_fields.hpp"

namespace sluice::host {

namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

constexpr size_t kMaxIdLength = 128;

struct Document {
  std::string file;  // printable
  fs::path path;
  size_t index = 0;  // position in the file when it holds an array
  bool in_array = false;
  ResourceKind kind = ResourceKind::kConnection;
  std::string id;
  json::object doc;
  std::vector<std::string> secret_paths;
  bool referable = true;  // false when its _id is invalid: it takes no place in the index

  std::string where() const { return in_array ? fmt::format("{} [{}]", file, index) : file; }
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
    case ResourceKind::kScript:
      return "script";
  }
  return "resource";
}

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool is_hidden(const fs::path& p) {
  const std::string name = p.filename().string();
  return name.size() > 1 && name[0] == '.' && name != "..";
}

class Applier {
 public:
  Applier(Store& store, const PluginRegistry& registry, const ApplyOptions& options)
      : store_(store), registry_(registry), options_(options) {}

  void read_path(const fs::path& path) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      read_folder(path);
    } else if (fs::is_regular_file(path, ec)) {
      read_file(path);
    } else {
      issue(printable(path.string()), "no such file or folder");
    }
  }

  void read_stream(std::istream& in, std::string_view name) {
    const size_t limit = options_.limits.max_file_bytes;
    std::string text;
    // In chunks, so a short input costs a short buffer; at most limit + 1 bytes.
    constexpr size_t kChunk = size_t{64} * 1024;
    while (in && text.size() <= limit) {
      const size_t before = text.size();
      text.resize(before + std::min(kChunk, limit + 1 - before));
      in.read(text.data() + before, static_cast<std::streamsize>(text.size() - before));
      text.resize(before + static_cast<size_t>(in.gcount()));
    }
    if (in.bad()) {
      issue(std::string(name), "cannot read it");
      return;
    }
    if (text.size() > limit) {
      issue(std::string(name),
            fmt::format("more than {} to read; that is the limit for one file: split the "
                        "resources into several files and apply a folder",
                        describe_size(limit)));
      return;
    }
    read_text(text, std::string(name), fs::path(name));
  }

  void validate() {
    for (size_t i = 0; i < docs_.size(); ++i) {
      const Document& d = docs_[i];
      if (!d.referable) continue;
      auto [it, inserted] = index_.emplace(std::pair{d.kind, d.id}, i);
      if (!inserted) {
        issue(d.where(),
              fmt::format("{} {} is defined twice (also in {}); ids must be unique per kind",
                          singular(d.kind), d.id, docs_[it->second].where()));
      }
    }
    // Scripts first: their code (contentFile read, syntax checked) is what references to them
    // are checked against.
    for (Document& d : docs_) {
      if (d.kind != ResourceKind::kScript) continue;
      const size_t before = report_.problems.size();
      validate_script(d);
      if (report_.problems.size() != before) refused_scripts_.insert(d.id);
    }
    // A .js file read as a script's code is not "skipped": say what it was used for.
    for (SkippedFile& s : report_.skipped) {
      std::error_code ec;
      auto it = code_files_.find(fs::weakly_canonical(s.file, ec));
      if (!ec && it != code_files_.end())
        s.reason = fmt::format("the code of script {}", it->second);
    }
    for (Document& d : docs_) {
      switch (d.kind) {
        case ResourceKind::kScript:
          break;
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

  ApplyReport commit() {
    if (report_.problems.empty()) {
      std::vector<Resource> resources;
      for (const Document& d : docs_) {
        resources.push_back(Resource{d.kind, d.id, d.doc, d.secret_paths});
        report_.applied.push_back(AppliedResource{d.kind, d.id, d.path});
      }
      if (auto r = store_.put_resources(resources); !r) {
        report_.applied.clear();
        add_problem(r.error().message);
      }
    }
    return std::move(report_);
  }

 private:
  void issue(const std::string& where, const std::string& message) {
    add_problem(fmt::format("{}: {}", where, message));
  }

  // Printable: a message may quote what a plugin or the store said about a user's value. At most
  // kMaxProblems are kept, then one line saying that more were found.
  void add_problem(const std::string& text) {
    constexpr size_t kMaxProblems = 1000;
    if (report_.problems.size() < kMaxProblems) {
      report_.problems.push_back(printable(text));
    } else if (report_.problems.size() == kMaxProblems) {
      report_.problems.push_back(
          fmt::format("more problems not shown (the first {} are)", kMaxProblems));
    }
  }

  void read_folder(const fs::path& folder) {
    std::error_code ec;
    std::vector<fs::path> files;
    fs::recursive_directory_iterator it(folder, ec), end;
    // Bounded by the folder's contents; an error ends the walk with a problem.
    while (!ec && it != end) {
      const fs::directory_entry& e = *it;
      std::error_code type_ec;
      if (is_hidden(e.path())) {
        report_.skipped.push_back(
            {e.path(), e.is_directory(type_ec) ? "hidden folder" : "hidden file"});
        if (e.is_directory(type_ec)) it.disable_recursion_pending();
      } else if (e.is_symlink(type_ec) && e.is_directory(type_ec)) {
        report_.skipped.push_back({e.path(), "link to a folder, not followed"});
      } else if (e.is_regular_file(type_ec)) {
        if (e.path().extension() == ".json") {
          files.push_back(e.path());
        } else {
          report_.skipped.push_back({e.path(), "not a .json file"});
        }
      } else if (!e.is_directory(type_ec)) {
        report_.skipped.push_back({e.path(), "not a regular file"});
      }
      it.increment(ec);
    }
    if (ec) {
      issue(printable(folder.string()), fmt::format("cannot list this folder: {}", ec.message()));
      return;
    }
    std::sort(files.begin(), files.end());
    std::sort(report_.skipped.begin(), report_.skipped.end(),
              [](const SkippedFile& a, const SkippedFile& b) { return a.file < b.file; });
    if (files.empty())
      issue(printable(folder.string()),
            "expected *.json resource files in this folder, found none");
    for (const auto& f : files) read_file(f);
  }

  void read_file(const fs::path& file) {
    const std::string where = printable(file.string());
    std::error_code ec;
    const uintmax_t size = fs::file_size(file, ec);
    if (ec) {
      issue(where, fmt::format("cannot read this file: {}", ec.message()));
      return;
    }
    if (size > options_.limits.max_file_bytes) {
      issue(where, fmt::format("the file is {}; the limit for one file is {}: split it into "
                               "several files",
                               describe_size(size), describe_size(options_.limits.max_file_bytes)));
      return;
    }
    std::ifstream in(file, std::ios::binary);
    std::string text(static_cast<size_t>(size), '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    if (!in || static_cast<size_t>(in.gcount()) != text.size()) {
      issue(where, "cannot read this file");
      return;
    }
    read_text(text, where, file);
  }

  void read_text(std::string_view text, const std::string& where, const fs::path& path) {
    auto value = parse_resource_text(text, where);
    if (!value) {
      add_problem(value.error().message);
      return;
    }
    if (value->is_array()) {
      size_t i = 0;
      for (auto& item : value->as_array()) add_document(where, path, i++, true, std::move(item));
    } else {
      add_document(where, path, 0, false, std::move(*value));
    }
  }

  void add_document(const std::string& file, const fs::path& path, size_t index, bool in_array,
                    json::value value) {
    Document d;
    d.file = file;
    d.path = path;
    d.index = index;
    d.in_array = in_array;
    if (!value.is_object()) {
      issue(d.where(), fmt::format("expected a resource object, found {}", describe_json(&value)));
      return;
    }
    if (const size_t size = json::serialize(value).size();
        size > options_.limits.max_document_bytes) {
      issue(d.where(),
            fmt::format("this resource is {} as JSON; the limit for one resource is {}",
                        describe_size(size), describe_size(options_.limits.max_document_bytes)));
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
    } else if (d.doc.contains("content") || d.doc.contains("contentFile")) {
      d.kind = ResourceKind::kScript;
    } else {
      issue(
          d.where(),
          "cannot tell what this document is: expected a connection (with \"type\"), an export or "
          "import (with \"adaptorType\", e.g. \"HTTPExport\"), a flow (with \"pageGenerators\") "
          "or a script (with \"content\" or \"contentFile\")");
      return;
    }
    if (options_.only_kind && *options_.only_kind != d.kind) {
      issue(d.where(), fmt::format("expected a {}, found a {} (from its fields: see "
                                   "docs/resources.md)",
                                   singular(*options_.only_kind), singular(d.kind)));
      return;
    }
    const json::value* id = d.doc.if_contains("_id");
    if (id == nullptr || !id->is_string() || id->as_string().empty()) {
      issue(d.where(), fmt::format("$._id: expected a non-empty string naming this {}, found {}",
                                   singular(d.kind), describe_json(id)));
      return;
    }
    d.id = std::string(id->as_string());
    if (!is_valid_resource_id(d.id)) {
      issue(d.where(),
            fmt::format("$._id: expected an id of letters, digits and . _ : - (starting with a "
                        "letter or digit, at most {} characters), found {}",
                        kMaxIdLength, describe_json(id)));
      // Still checked, so that one apply lists every problem of the document; named by its
      // position, never referenced, never stored (there is a problem).
      d.id = d.in_array ? fmt::format("[{}]", d.index) : "(with an invalid _id)";
      d.referable = false;
    }
    docs_.push_back(std::move(d));
  }

  // A resource from this apply, else from the store (secrets masked: only its type matters).
  // Each id is read from the store at most once per apply.
  const json::object* find(ResourceKind kind, const std::string& id) {
    if (auto it = index_.find({kind, id}); it != index_.end()) return &docs_[it->second].doc;
    auto [it, inserted] = stored_.try_emplace({kind, id});
    if (inserted) {
      auto stored = store_.get_resource(kind, id, Secrets::kMasked);
      if (!stored) {
        store_problems_.push_back(stored.error().message);
      } else if (*stored) {
        it->second = std::move(**stored);
      }
    }
    return it->second ? &*it->second : nullptr;
  }

  void check_schema(Document& d, const json::object& schema) {
    d.secret_paths = secret_paths(schema);
    for (const std::string& problem : resolve_secret_references(d.doc, d.secret_paths))
      issue(d.where(), fmt::format("{} {}: {}", singular(d.kind), d.id, problem));
    for (const ValidationIssue& problem : validate_against_schema(d.doc, schema)) {
      issue(d.where(), fmt::format("{} {}: {}", singular(d.kind), d.id, problem.to_string()));
    }
    for (const std::string& problem : find_inline_credentials(d.doc, schema))
      issue(d.where(), fmt::format("{} {}: {}", singular(d.kind), d.id, problem));
    learn_secrets(d.doc, d.secret_paths, Redactor::process());  // so no message prints them
  }

  // A reference field: a valid id, else a problem (and nullopt).
  std::optional<std::string> reference(const Document& d, const json::object& o,
                                       std::string_view key, const std::string& path,
                                       std::string_view what) {
    const json::value* v = o.if_contains(key);
    if (v == nullptr || !v->is_string() || !is_valid_resource_id(v->as_string())) {
      issue(d.where(), fmt::format("{} {}: {}.{}: expected the _id of {}, found {}",
                                   singular(d.kind), d.id, path, key, what, describe_json(v)));
      return std::nullopt;
    }
    return std::string(v->as_string());
  }

  void validate_connection(Document& d) {
    auto connector = registry_.connector_for(d.doc);
    if (!connector) {
      issue(d.where(), connector.error().message);
      return;
    }
    check_schema(d, merge_schemas(host_schema(d.kind), (*connector)->connection_schema));
  }

  // The capability a step asks of its connector, and the JSON path that asks it.
  static std::pair<uint32_t, std::string> capability_needed(const Document& d) {
    if (d.kind == ResourceKind::kImport) return {SLUICE_CAP_IMPORT, "$.adaptorType"};
    const json::value* lookup = d.doc.if_contains("isLookup");
    if (lookup != nullptr && lookup->is_bool() && lookup->get_bool()) {
      return {SLUICE_CAP_LOOKUP, "$.isLookup"};
    }
    return {SLUICE_CAP_EXPORT, "$.adaptorType"};
  }

  void validate_step(Document& d) {
    const std::string what(singular(d.kind));
    const std::string adaptor = string_field(d.doc, "adaptorType");
    if (d.kind == ResourceKind::kExport && adaptor == kSimpleExportAdaptor) {
      validate_simple_export(d);
      return;
    }
    if (d.kind == ResourceKind::kExport && adaptor == kWebhookExportAdaptor) {
      validate_webhook_export(d);
      return;
    }
    auto connection_id = reference(d, d.doc, "_connectionId", "$", "a connection");
    if (!connection_id) return;
    const json::object* connection = find(ResourceKind::kConnection, *connection_id);
    if (connection == nullptr) {
      issue(d.where(),
            fmt::format("{} {}: $._connectionId: expected an existing connection, found \"{}\", "
                        "which is neither in this apply nor in the store",
                        what, d.id, *connection_id));
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
                        "{}, found {}",
                        what, d.id, *connection_id, json_quoted((*connector)->connection_type),
                        json_quoted(adaptor)));
      return;
    }
    if (auto needed = capability_needed(d); !(*connector)->can(needed.first)) {
      issue(d.where(),
            fmt::format("{} {}: {}: connection {} is served by connector '{}' of plugin '{}', "
                        "which cannot {} (its capabilities: {}); use a connection whose plugin "
                        "can, or remove the step",
                        what, d.id, needed.second, *connection_id, (*connector)->name,
                        (*connector)->plugin != nullptr ? (*connector)->plugin->id : "?",
                        host::capability_names(needed.first) == "lookup"
                            ? std::string("do lookups")
                            : host::capability_names(needed.first) + " records",
                        host::capability_names((*connector)->capabilities)));
      return;
    }
    check_schema(d, merge_schemas(host_schema(d.kind), d.kind == ResourceKind::kExport
                                                           ? (*connector)->export_schema
                                                           : (*connector)->import_schema));
    if (d.kind == ResourceKind::kExport) validate_export_steps(d);
    if (d.kind == ResourceKind::kExport) validate_lookup(d);
    if (d.kind == ResourceKind::kImport) validate_import_steps(d);
    validate_one_to_many(d);
    if (d.kind == ResourceKind::kExport || d.kind == ResourceKind::kImport) {
      validate_trace_key(d);
    }
  }

  // The data loader's export: no connection, the host's own `file` settings; a source only.
  // A listener: its schema, then what its verification needs (serve/webhook/settings.hpp, the
  // listener's own reading of it).
  void validate_webhook_export(Document& d) {
    const size_t before = report_.problems.size();
    check_schema(d, webhook_export_schema());
    if (report_.problems.size() != before) return;
    const json::value* lookup = d.doc.if_contains("isLookup");
    if (lookup != nullptr && lookup->is_bool() && lookup->get_bool()) {
      issue(d.where(), fmt::format("export {}: $.isLookup: a webhook listener (WebhookExport) is "
                                   "a flow's source, never a lookup; remove isLookup",
                                   d.id));
      return;
    }
    const json::value* webhook = d.doc.if_contains("webhook");
    if (webhook == nullptr || !webhook->is_object()) {
      issue(d.where(), fmt::format("export {}: $.webhook: a WebhookExport needs its webhook "
                                   "object, e.g. {{\"verify\": \"hmac\", ...}}; add it",
                                   d.id));
      return;
    }
    if (auto read = serve::webhook::parse_verify_settings(webhook->get_object()); !read) {
      issue(d.where(), fmt::format("export {}: $.{}", d.id, read.error().message));
      return;
    }
    validate_export_steps(d);
    validate_trace_key(d);
  }

  void validate_simple_export(Document& d) {
    check_schema(d, simple_export_schema());
    // The values inside `file` as the file source will read them (formats library).
    if (const json::value* file = d.doc.if_contains("file"); file != nullptr && file->is_object()) {
      if (auto read = support::formats::read_file_options(file->get_object(),
                                                          fmt::format("export {}", d.id));
          !read) {
        issue(d.where(), read.error().message);
        return;
      }
    }
    if (const json::value* lookup = d.doc.if_contains("isLookup");
        lookup != nullptr && lookup->is_bool() && lookup->get_bool()) {
      issue(d.where(), fmt::format("export {}: $.isLookup: a data loader (SimpleExport) is a "
                                   "flow's source, never a lookup; remove isLookup",
                                   d.id));
      return;
    }
    validate_export_steps(d);
    validate_lookup(d);
    validate_one_to_many(d);
    validate_trace_key(d);
  }

  // oneToMany needs pathToMany, a dotted path, and the reverse; on an export, only a lookup fans
  // out (runtime/fan_out.hpp).
  void validate_one_to_many(const Document& d) {
    const std::string what =
        fmt::format("{} {}", d.kind == ResourceKind::kExport ? "export" : "import", d.id);
    if (auto problem = runtime::one_to_many_problem(d.doc)) {
      issue(d.where(), fmt::format("{}: {}", what, *problem));
      return;
    }
    const json::value* lookup = d.doc.if_contains("isLookup");
    const bool is_lookup = lookup != nullptr && lookup->is_bool() && lookup->get_bool();
    if (d.kind == ResourceKind::kExport && !is_lookup && runtime::path_to_many_of(d.doc)) {
      issue(d.where(), fmt::format("{}: $.oneToMany: only a lookup (isLookup: true) or an import "
                                   "fans records out into child records; remove oneToMany and "
                                   "pathToMany from this source export",
                                   what));
    }
  }

  // traceKeyTemplate parses as a template, as the job will parse it (runtime/trace_key.hpp): a
  // job would otherwise fall back to the record's id for every error, silently.
  void validate_trace_key(const Document& d) {
    const json::value* text = d.doc.if_contains("traceKeyTemplate");
    if (text == nullptr || !text->is_string() || text->get_string().empty()) return;
    if (auto parsed = support::Template::parse(text->get_string(), "$.traceKeyTemplate"); !parsed) {
      issue(d.where(),
            fmt::format("{} {}: {}; fix the template (docs/templates.md) and apply it again",
                        singular(d.kind), d.id, parsed.error().message));
    }
  }

  // A lookup's input filter compiles (and only a lookup has one); a lookup runs none of the
  // export steps (transform, filter, preSavePage), so they are refused on it.
  void validate_lookup(const Document& d) {
    const json::value* lookup = d.doc.if_contains("isLookup");
    const bool is_lookup = lookup != nullptr && lookup->is_bool() && lookup->get_bool();
    const std::string what = fmt::format("export {}", d.id);
    const json::value* filter = d.doc.if_contains("inputFilter");
    if (filter != nullptr && filter->is_object()) {
      if (!is_lookup) {
        issue(d.where(), fmt::format("{}: $.inputFilter: only a lookup (isLookup: true) has an "
                                     "input filter; use $.filter on a source export",
                                     what));
      } else if (auto compiled = filter::Filter::compile(*filter, "$.inputFilter"); !compiled) {
        issue(d.where(), fmt::format("{}: {}", what, compiled.error().message));
      } else if (compiled->kind() == filter::Filter::Kind::kScript) {
        check_script_reference(d, "$.inputFilter.script",
                               filter->get_object().if_contains("script"));
      }
    }
    if (!is_lookup) return;
    for (const char* path : {"transform", "filter", "hooks"}) {
      if (const json::value* v = d.doc.if_contains(path); v != nullptr && !v->is_null()) {
        issue(d.where(), fmt::format("{}: $.{}: not supported yet on a lookup by this version of "
                                     "Sluice; remove it (a flow entry's responseMapping shapes "
                                     "what a lookup adds)",
                                     what, path));
      }
    }
  }

  // The import's steps compile as its job will compile them: the input filter's rules, the
  // Mapper 2.0 mappings with their lookups, and every script the input filter or the hooks
  // (preMap, postMap, postSubmit) name (which must exist and define the function).
  void validate_import_steps(const Document& d) {
    const std::string what = fmt::format("import {}", d.id);
    if (const json::value* filter = d.doc.if_contains("inputFilter");
        filter && filter->is_object()) {
      auto compiled = filter::Filter::compile(*filter, "$.inputFilter");
      if (!compiled) {
        issue(d.where(), fmt::format("{}: {}", what, compiled.error().message));
      } else if (compiled->kind() == filter::Filter::Kind::kScript) {
        check_script_reference(d, "$.inputFilter.script",
                               filter->get_object().if_contains("script"));
      }
    }
    const json::value* mappings = d.doc.if_contains("mappings");
    const json::value* mapping = d.doc.if_contains("mapping");
    const json::value* lookups = d.doc.if_contains("lookups");
    if (mappings != nullptr && !mappings->is_null() && mapping != nullptr && !mapping->is_null()) {
      issue(d.where(), fmt::format("{}: $.mapping and $.mappings are both given; an import has "
                                   "one mapping: Mapper 2.0 (mappings) or Mapper 1.0 (mapping)",
                                   what));
    } else if (mapping != nullptr && mapping->is_object()) {
      auto compiled = mapper::Mapper::compile_mapping_v1(
          *mapping, lookups != nullptr && !lookups->is_null() ? lookups : nullptr, "$.mapping");
      if (!compiled) issue(d.where(), fmt::format("{}: {}", what, compiled.error().message));
    } else if (mappings != nullptr && mappings->is_array()) {
      auto compiled = mapper::Mapper::compile_mappings(
          *mappings, lookups != nullptr && !lookups->is_null() ? lookups : nullptr,
          mapper::Mode::kCreate, "$.mappings", mapper::Target::kImport);
      if (!compiled) issue(d.where(), fmt::format("{}: {}", what, compiled.error().message));
    } else if (lookups != nullptr && !lookups->is_null()) {
      issue(d.where(), fmt::format("{}: $.lookups: lookups are read only by mappings, and this "
                                   "import has none; add $.mappings (or $.mapping) or remove "
                                   "$.lookups",
                                   what));
    }
    if (const json::value* hooks = d.doc.if_contains("hooks"); hooks && hooks->is_object()) {
      for (const char* name :
           {SLUICE_HOOK_PRE_MAP, SLUICE_HOOK_POST_MAP, SLUICE_HOOK_POST_SUBMIT}) {
        if (const json::value* hook = hooks->get_object().if_contains(name);
            hook && !hook->is_null()) {
          check_hook_reference(d, fmt::format("$.hooks.{}", name), hook, name);
        }
      }
    }
  }

  // The export's steps compile as its job will compile them: the output filter's rules, the
  // transformation's rules or mappings, and every script they or hooks.preSavePage name (which
  // must exist and define the function).
  void validate_export_steps(const Document& d) {
    const std::string what = fmt::format("export {}", d.id);
    if (const json::value* filter = d.doc.if_contains("filter"); filter && filter->is_object()) {
      auto compiled = filter::Filter::compile(*filter, "$.filter");
      if (!compiled) {
        issue(d.where(), fmt::format("{}: {}", what, compiled.error().message));
      } else if (compiled->kind() == filter::Filter::Kind::kScript) {
        check_script_reference(d, "$.filter.script", filter->get_object().if_contains("script"));
      }
    }
    if (const json::value* transform = d.doc.if_contains("transform");
        transform && transform->is_object()) {
      auto compiled = mapper::Mapper::compile(*transform, "$.transform");
      if (!compiled) {
        issue(d.where(), fmt::format("{}: {}", what, compiled.error().message));
      } else if (compiled->kind() == mapper::Mapper::Kind::kScript) {
        check_script_reference(d, "$.transform.script",
                               transform->get_object().if_contains("script"));
      }
    }
    if (const json::value* hooks = d.doc.if_contains("hooks"); hooks && hooks->is_object()) {
      if (const json::value* hook = hooks->get_object().if_contains("preSavePage");
          hook && !hook->is_null()) {
        check_hook_reference(d, "$.hooks.preSavePage", hook, SLUICE_HOOK_PRE_SAVE_PAGE);
      }
    }
  }

  void validate_flow(Document& d) {
    const size_t before = report_.problems.size();
    check_schema(d, host_schema(d.kind));
    if (report_.problems.size() != before) return;  // references only of a well-formed flow
    // The same reading of the flow as `sluice get` and `sluice flow run` (runtime/flow_document).
    std::vector<std::string> problems;
    const runtime::FlowDocument flow = runtime::read_flow_document(d.id, d.doc, problems);
    for (const std::string& problem : problems) issue(d.where(), problem);
    for (const auto& source : flow.sources) {
      check_reference(d, source.path + "._exportId", source.export_id, ResourceKind::kExport);
    }
    check_schedule(d);
    for (const auto& router : flow.routers) {
      if (router.by_script && !router.script.is_null())
        check_script_reference(d, router.path + ".script", &router.script);
      for (const auto& branch : router.branches) {
        if (!branch.input_filter.is_null() && router.by_script) {
          report_.warnings.push_back(printable(fmt::format(
              "{}: flow {}: {}.inputFilter is not used: {} routes with its script "
              "(routeRecordsUsing: \"script\"); remove the filter or route with input_filters",
              d.where(), d.id, branch.path, router.path)));
        }
        if (branch.input_filter.is_null() || router.by_script) continue;
        check_branch_filter(d, branch.input_filter, branch.path + ".inputFilter");
      }
    }
    if (flow.processors.empty() && !flow.routers.empty()) {
      report_.warnings.push_back(printable(fmt::format(
          "{}: flow {} has routers with no pageProcessors in any branch: its records will be "
          "exported, counted as ignored and sent nowhere",
          d.where(), d.id)));
      return;
    }
    if (flow.processors.empty()) {
      report_.warnings.push_back(printable(fmt::format(
          "{}: flow {} has no pageProcessors: its records will be exported, counted as ignored "
          "and sent nowhere; add {{\"type\": \"import\", \"_importId\": ...}} to deliver them",
          d.where(), d.id)));
      return;
    }
    for (const auto& processor : flow.processors) {
      if (processor.type == "export") {
        check_reference(d, processor.path + "._exportId", processor.id, ResourceKind::kExport);
      } else {
        check_reference(d, processor.path + "._importId", processor.id, ResourceKind::kImport);
      }
      if (!processor.response_mapping.is_null()) {
        auto compiled = mapper::ResponseMapping::compile(
            processor.response_mapping,
            fmt::format("flow {}: {}.responseMapping", d.id, processor.path));
        if (!compiled) issue(d.where(), compiled.error().message);
      }
      if (!processor.post_response_map.is_null()) {
        check_hook_reference(d, processor.path + ".hooks.postResponseMap",
                             &processor.post_response_map, SLUICE_HOOK_POST_RESPONSE_MAP);
      }
    }
  }

  // schedule, timezone and pageGenerators[].schedule as `sluice serve` reads them, and the
  // flows _runNextFlowIds starts.
  void check_schedule(const Document& d) {
    std::vector<std::string> problems;
    const auto schedule = serve::schedule::read_flow_schedule(d.id, d.doc, problems);
    for (const std::string& problem : problems) {
      issue(d.where(), fmt::format("flow {}: {}", d.id, problem));
    }
    for (size_t i = 0; i < schedule.run_next.size(); ++i) {
      if (find(ResourceKind::kFlow, schedule.run_next[i]) != nullptr) continue;
      issue(d.where(), fmt::format("flow {}: $._runNextFlowIds[{}]: expected an existing flow, "
                                   "found \"{}\", which is neither in this apply nor in the "
                                   "store; apply that flow too or remove its id",
                                   d.id, i, schedule.run_next[i]));
    }
  }

  // A router branch's inputFilter: {version, rules} as integrator.io stores it there, or the
  // import's {type: "expression", expression}; the same reading as runtime/router_step.cpp
  // (which this library does not link). A script filter there is not supported yet.
  void check_branch_filter(const Document& d, const json::value& filter, const std::string& path) {
    const json::object* o = filter.if_object();
    auto compiled = o != nullptr && o->contains("type")
                        ? filter::Filter::compile(filter, path)
                        : filter::Filter::compile_expression(filter, path);
    if (!compiled) {
      issue(d.where(), fmt::format("flow {}: {}", d.id, compiled.error().message));
    } else if (compiled->kind() == filter::Filter::Kind::kScript) {
      issue(d.where(), fmt::format("flow {}: {}: a script inputFilter on a branch is not "
                                   "supported yet; route with the router's script "
                                   "(routeRecordsUsing: \"script\") instead",
                                   d.id, path));
    }
  }

  // A Script: its code inline (content) or in a .js file beside the JSON (contentFile, read
  // here into content), which must compile. The syntax is checked without running the code.
  void validate_script(Document& d) {
    const size_t before = report_.problems.size();
    check_schema(d, host_schema(d.kind));
    if (report_.problems.size() != before) return;
    const std::string what = fmt::format("script {}", d.id);
    const bool inline_code = d.doc.contains("content");
    const json::value* file = d.doc.if_contains("contentFile");
    if (inline_code && file != nullptr) {
      issue(d.where(), fmt::format("{}: $.content and $.contentFile are both given; give the code "
                                   "once: inline in content, or in the file named by contentFile",
                                   what));
      return;
    }
    script::ScriptSource source;
    source.id = d.id;
    source.name = std::string(d.doc.at("name").as_string());
    std::string code_where = "$.content";
    if (file != nullptr) {
      const fs::path relative(std::string(file->as_string()));
      if (relative.empty() || relative.is_absolute() || relative.extension() != ".js") {
        issue(d.where(),
              fmt::format("{}: $.contentFile: expected the path of a .js file relative to the "
                          "folder of {}, found {}",
                          what, d.file, describe_json(file)));
        return;
      }
      const fs::path path = d.path.parent_path() / relative;
      code_where = printable(path.string());
      std::error_code ec;
      const uintmax_t size = fs::file_size(path, ec);
      if (ec || !fs::is_regular_file(path, ec)) {
        issue(d.where(), fmt::format("{}: $.contentFile: cannot read {}: {}", what, code_where,
                                     ec ? ec.message() : "not a regular file"));
        return;
      }
      if (size > options_.limits.max_document_bytes) {
        issue(d.where(), fmt::format("{}: $.contentFile: {} is {}; the limit for one script is {}",
                                     what, code_where, describe_size(size),
                                     describe_size(options_.limits.max_document_bytes)));
        return;
      }
      std::ifstream in(path, std::ios::binary);
      std::string text(static_cast<size_t>(size), '\0');
      in.read(text.data(), static_cast<std::streamsize>(text.size()));
      if (!in || static_cast<size_t>(in.gcount()) != text.size()) {
        issue(d.where(), fmt::format("{}: $.contentFile: cannot read {}", what, code_where));
        return;
      }
      if (const size_t bad = invalid_utf8_offset(text); bad != std::string::npos) {
        const TextPosition at = position_of(text, bad);
        issue(d.where(), fmt::format("{}: {}:{}:{}: not valid UTF-8; save it as UTF-8", what,
                                     code_where, at.line, at.column));
        return;
      }
      source.file_name = relative.filename().string();
      if (auto canonical = fs::weakly_canonical(path, ec); !ec) code_files_[canonical] = d.id;
      d.doc.erase("contentFile");
      d.doc["content"] = text;
    } else if (!d.doc.at("content").is_string()) {
      return;  // the schema has said so
    }
    source.content = std::string(d.doc.at("content").as_string());
    if (auto compiled = script::ScriptEngine::check_syntax(source); !compiled) {
      const json::value& details = compiled.error().details;
      const json::object* info = details.if_object();
      if (info != nullptr && info->contains("line") && info->contains("message")) {
        const std::string at =
            file != nullptr
                ? fmt::format("{}:{}:{}", code_where, json::serialize(info->at("line")),
                              json::serialize(info->at("column")))
                : fmt::format("$.content line {}, column {}", json::serialize(info->at("line")),
                              json::serialize(info->at("column")));
        issue(d.where(), fmt::format("{}: {}: {}; fix the code and apply again", what, at,
                                     info->at("message").as_string().c_str()));
      } else {
        issue(d.where(), fmt::format("{}: {}", what, compiled.error().message));
      }
    }
  }

  // For the steps that reference scripts (hooks, filter and transform scripts): the reference
  // at `path` must name an existing script that defines the function.
  void check_script_reference(const Document& d, const std::string& path,
                              const json::value* reference) {
    // A script of this apply that was refused has its problems listed already; checking its
    // functions would only add misleading ones ("defines no function named ...").
    const json::object* ref = reference != nullptr ? reference->if_object() : nullptr;
    const json::value* id = ref != nullptr ? ref->if_contains("_scriptId") : nullptr;
    if (id != nullptr && id->is_string() &&
        refused_scripts_.count(std::string(id->get_string())) != 0) {
      return;
    }
    if (auto problem = scripts_.check(reference, path)) {
      issue(d.where(), fmt::format("{} {}: {}", singular(d.kind), d.id, *problem));
    }
  }

  // For the hook slots (a slot of kind `kind`, SLUICE_HOOK_*): a script's reference as above, or
  // a plugin's native hook {_pluginId, function}, which must be installed, and of that kind
  // (plugins/hook_reference.hpp). Stacks ({_stackId, function}) are refused.
  void check_hook_reference(const Document& d, const std::string& path,
                            const json::value* reference, std::string_view kind) {
    const json::object* ref = reference != nullptr ? reference->if_object() : nullptr;
    if (ref != nullptr && ref->contains("_stackId")) {
      issue(d.where(),
            fmt::format("{} {}: {}._stackId: stacks (hooks served by an HTTP server) are not "
                        "supported yet; reference a script ({{\"_scriptId\", \"function\"}}) or a "
                        "plugin's native hook ({{\"_pluginId\", \"function\"}})",
                        singular(d.kind), d.id, path));
      return;
    }
    if (!is_native_hook_reference(reference)) {
      check_script_reference(d, path, reference);
      return;
    }
    if (auto hook = find_native_hook(registry_, *reference, path, kind); !hook) {
      issue(d.where(), fmt::format("{} {}: {}", singular(d.kind), d.id, hook.error().message));
    }
  }

  // `id` (read at `path`, empty when the flow reader reported it) names a resource of `kind` in
  // this apply or in the store.
  void check_reference(const Document& d, const std::string& path, const std::string& id,
                       ResourceKind kind) {
    if (id.empty()) return;
    if (!is_valid_resource_id(id)) {
      const json::value value(id);
      issue(d.where(), fmt::format("flow {}: {}: expected the _id of an {}, found {}", d.id, path,
                                   singular(kind), describe_json(&value)));
      return;
    }
    if (find(kind, id) == nullptr) {
      issue(d.where(),
            fmt::format("flow {}: {}: expected an existing {}, found \"{}\", which is neither "
                        "in this apply nor in the store",
                        d.id, path, singular(kind), id));
    }
  }

 public:
  void add_store_problems() {
    for (const std::string& p : store_problems_) add_problem(p);
  }

 private:
  Store& store_;
  const PluginRegistry& registry_;
  const ApplyOptions& options_;
  std::vector<Document> docs_;
  std::map<std::pair<ResourceKind, std::string>, size_t> index_;
  std::map<std::pair<ResourceKind, std::string>, std::optional<json::object>> stored_;
  std::vector<std::string> store_problems_;
  std::map<fs::path, std::string> code_files_;  // contentFile read -> the script's id
  std::set<std::string> refused_scripts_;       // scripts of this apply with problems
  ApplyReport report_;
  script::ScriptReferenceChecker scripts_{
      [this](const std::string& id) { return find(ResourceKind::kScript, id); }};
};

}  // namespace

std::string ApplyReport::message() const {
  return fmt::format("nothing was applied: {} problem{} found\n  {}", problems.size(),
                     problems.size() == 1 ? "" : "s", fmt::join(problems, "\n  "));
}

bool is_valid_resource_id(std::string_view id) noexcept {
  if (id.empty() || id.size() > kMaxIdLength) return false;
  auto alnum = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  };
  if (!alnum(id[0])) return false;
  return std::all_of(id.begin(), id.end(), [&](char c) {
    return alnum(c) || c == '.' || c == '_' || c == ':' || c == '-';
  });
}

ApplyReport apply_resources(const fs::path& path, Store& store, const PluginRegistry& registry,
                            const ApplyOptions& options) {
  Applier applier(store, registry, options);
  applier.read_path(path);
  applier.validate();
  applier.add_store_problems();
  return applier.commit();
}

ApplyReport apply_resource_stream(std::istream& in, std::string_view name, Store& store,
                                  const PluginRegistry& registry, const ApplyOptions& options) {
  Applier applier(store, registry, options);
  applier.read_stream(in, name);
  applier.validate();
  applier.add_store_problems();
  return applier.commit();
}

}  // namespace sluice::host
