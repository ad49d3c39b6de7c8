// The compiled form of a mapping document, shared by compile.cpp (which builds it) and
// apply.cpp (which evaluates it). Internal to sluice_mapper.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "mapper/convert.hpp"
#include "mapper/date_conversion.hpp"
#include "mapper/mapper.hpp"
#include "mapper/path.hpp"
#include "mapper/plain_template.hpp"
#include "sluice/support/template.hpp"

namespace sluice::mapper::detail {

// Transformation 1.0: one {extract, generate} pair.
struct Rule {
  Path extract;
  Path generate;  // keys, [n] and at most one [*]
  std::string json_path;
};

struct Lookup {
  std::string name;
  boost::json::object map;
  std::optional<boost::json::value> fallback;  // `default`
  bool allow_failures = false;
};

enum class Condition { kAlways, kExtractNotEmpty, kRecordCreated, kRecordUpdated };

// Mapper 2.0: one mapping, with its children for objects.
struct Node {
  enum class Source { kNone, kPath, kTemplate, kLiteral } source = Source::kNone;
  std::string generate;
  std::string field;  // generate path from the top, for errors ("customer.name")
  std::string json_path;
  DataType type = DataType::kString;
  Path path;
  std::optional<support::Template> tmpl;
  std::optional<PlainTemplate> plain;  // tmpl in its plain form, when it has one
  boost::json::value literal;
  std::optional<boost::json::value> fallback;  // `default`, as a string
  const Lookup* lookup = nullptr;
  std::optional<DateConversion> date;
  Condition condition = Condition::kAlways;
  std::vector<Node> children;
  bool has_children = false;
};

struct Program {
  Mapper::Kind kind = Mapper::Kind::kRules;
  std::vector<std::vector<Rule>> groups;  // kRules
  Mode mode = Mode::kCreate;              // kMappings
  std::vector<Node> nodes;                // kMappings
  std::vector<Lookup> lookups;            // kMappings; nodes point into it (never resized after)
  ScriptRef script;                       // kScript
  bool uses_templates = false;
};

}  // namespace sluice::mapper::detail
