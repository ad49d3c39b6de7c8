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

struct Node;

// Mapper 2.0 buildArrayHelper: one entry, adding elements to an array mapping's output.
struct ArrayHelper {
  std::string json_path;
  bool has_path = false;
  Path path;                                   // JSON path ($...); values, or the composites
  std::optional<DataType> source_type;         // sourceDataType: each value read as this first
  std::optional<boost::json::value> fallback;  // `default`, for a value that is empty
  bool extract_not_empty = false;              // conditional.when extract_not_empty
  std::vector<Node> children;                  // mappings: one element per composite
  bool has_children = false;
};

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
  std::optional<DataType> source_type;  // sourceDataType: the extracted value is read as this
  std::vector<Node> children;
  bool has_children = false;
  std::vector<ArrayHelper> helpers;  // buildArrayHelper (array data types)
  bool has_helpers = false;
};

// Mapper 1.0: one entry of mapping.fields[] or of a list's fields; response mapping fields too.
struct FieldV1 {
  enum class Source { kPath, kTemplate, kHardCoded } source = Source::kPath;
  enum class When {
    kAlways,
    kRecordCreated,
    kRecordUpdated,
    kExtractNotEmpty,
    kLookupNotEmpty,
    kLookupEmpty
  } when = When::kAlways;
  Path extract;           // kPath: from the record, or from the list element when `relative`
  bool relative = false;  // in a list: extract is relative to each element of the list's array
  std::optional<support::Template> tmpl;  // kTemplate
  std::optional<PlainTemplate> plain;     // tmpl in its plain form, when it has one
  boost::json::value hard_coded;          // kHardCoded
  Path generate;
  std::string json_path;
  std::optional<DataType> type;  // nullopt: the value as it is
  const Lookup* lookup = nullptr;
  const Lookup* condition_lookup = nullptr;  // lookup_empty / lookup_not_empty
  std::optional<DateConversion> date;
  bool discard_if_empty = false;
  bool immutable = false;
  bool omit_missing = false;  // an extract that finds nothing sets nothing (else null)
  // Response mapping `x.length` where x has no field "length": the size of the array (or
  // string) at x.
  std::optional<Path> length_of;
};

// Mapper 1.0 mapping.lists[] (and response mapping lists[]): an array built element by element
// from the elements of the record's array at `source` (the part of the fields' extracts before
// [*], or jsonPath).
struct ListV1 {
  Path generate;
  std::string json_path;
  std::optional<Path> source;  // nullopt: no field iterates an array; one element
  // jsonPath (or a response list): extracts without [*] read each element, not the record.
  bool elements_are_context = false;
  std::vector<FieldV1> fields;
};

struct Program {
  Mapper::Kind kind = Mapper::Kind::kRules;
  std::vector<std::vector<Rule>> groups;       // kRules
  Mode mode = Mode::kCreate;                   // kMappings
  InputContext input = InputContext::kRecord;  // kMappings
  std::vector<Node> nodes;                     // kMappings
  std::vector<Lookup> lookups;  // kMappings; nodes point into it (never resized after)
  std::vector<FieldV1> fields;  // kMappingV1
  std::vector<ListV1> lists;    // kMappingV1
  bool pass_through = false;    // kMappingV1 with no fields and no lists
  ScriptRef script;             // kScript
  bool uses_templates = false;
};

}  // namespace sluice::mapper::detail
