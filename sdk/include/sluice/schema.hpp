// Declares a connector's settings once; emits JSON Schema (draft 2020-12) with UI hints, which
// the host uses for validation, `sluice plugin info` and forms.
//
//   sluice::Schema s;
//   s.string("http.baseURI").label("Base URI").required().group("General");
//   s.enumeration("http.auth.type", {"none", "basic", "token"}).default_value("none");
//   s.string("http.auth.basic.password").secret().required().shown_when("http.auth.type", "basic");
//
// A plugin reads each setting through its declaration, Setting<T> in <sluice/settings.hpp>, so
// that the default shown here is the one the plugin uses.
//
// Paths are dotted, in integrator.io's shape: "http.auth.basic.password" becomes nested objects.
// A field that is required *and* shown_when is required only while its condition holds.
//
// Objects are closed: the host refuses a property that no field (nor unsupported() nor
// ignored()) declares, naming the nearest declared one. An object field with no declared
// children is free-form. Integers are exact: a JSON number with no fraction or exponent that
// fits in int64, within minimum() and maximum().
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

namespace sluice {

enum class FieldType { kString, kInteger, kNumber, kBoolean, kEnum, kObject, kArray, kTemplate };

class Schema;

class Field {
 public:
  Field(std::string path, FieldType type);
  Field(const Field&);
  Field& operator=(const Field&);
  Field(Field&&) noexcept;
  Field& operator=(Field&&) noexcept;
  ~Field();

  Field& label(std::string text);
  Field& help(std::string text);
  Field& required(bool yes = true);
  Field& default_value(boost::json::value value);
  Field& group(std::string name);
  // Stored encrypted by the host and shown as "******" everywhere.
  Field& secret(bool yes = true);
  // Shown (and, if required, required) only while the setting at `path` equals one of `values`.
  Field& shown_when(std::string path, std::vector<boost::json::value> values);
  Field& shown_when(std::string path, boost::json::value value);
  // For kEnum: values the platform defines but this connector does not implement yet; the host
  // refuses them as "not supported yet" rather than as unknown values.
  Field& unsupported_values(std::vector<std::string> values);
  // For a string, template or enum field: a JSON array of such values is accepted as well, each
  // checked as the single value would be (integrator.io's per-request-type arrays, e.g. an
  // import's http.method: ["PUT", "POST"]). Read such a field as Setting<boost::json::value>.
  Field& one_or_many(bool yes = true);
  Field& minimum(double value);
  Field& maximum(double value);
  // For kArray: the type of each item, or the schema of each item when items are objects.
  Field& items(FieldType type);
  Field& items(const Schema& item_schema);

  const std::string& path() const noexcept { return path_; }
  FieldType type() const noexcept { return type_; }
  bool is_required() const noexcept { return required_; }
  bool is_secret() const noexcept { return secret_; }
  bool is_one_or_many() const noexcept { return one_or_many_; }
  bool is_conditional() const noexcept { return !shown_when_path_.empty(); }
  // The declaration as written, for Setting<T> (settings.hpp) and tools.
  const boost::json::value* declared_default() const noexcept {
    return has_default_ ? &default_ : nullptr;
  }
  const std::vector<std::string>& enum_values() const noexcept { return enum_values_; }
  const std::vector<std::string>& unsupported_enum_values() const noexcept {
    return unsupported_values_;
  }
  // The enum values a connector implements: enum_values() without unsupported_enum_values().
  std::vector<std::string> implemented_enum_values() const;
  std::optional<double> lower_bound() const noexcept {
    return has_minimum_ ? std::optional<double>(minimum_) : std::nullopt;
  }
  std::optional<double> upper_bound() const noexcept {
    return has_maximum_ ? std::optional<double>(maximum_) : std::nullopt;
  }

  // The JSON Schema of this field alone (without its position in the tree).
  boost::json::object to_json() const;

 private:
  friend class Schema;
  std::string path_;
  FieldType type_;
  std::string label_, help_, group_;
  bool required_ = false;
  bool secret_ = false;
  bool one_or_many_ = false;
  bool has_default_ = false;
  boost::json::value default_;
  std::vector<std::string> enum_values_;
  std::vector<std::string> unsupported_values_;
  std::string shown_when_path_;
  std::vector<boost::json::value> shown_when_values_;
  bool has_minimum_ = false, has_maximum_ = false;
  double minimum_ = 0, maximum_ = 0;
  FieldType item_type_ = FieldType::kString;
  std::unique_ptr<Schema> item_schema_;
};

class Schema {
 public:
  // Each adds a field and returns it for chaining; the reference stays valid until the next add.
  Field& string(std::string path);
  Field& integer(std::string path);
  Field& number(std::string path);
  Field& boolean(std::string path);
  Field& enumeration(std::string path, std::vector<std::string> values);
  Field& object(std::string path);
  Field& array(std::string path);
  // A string rendered as a Handlebars template against the record or the request context.
  Field& tmpl(std::string path);

  // A setting integrator.io defines that this connector does not implement yet: a document that
  // sets it is refused as "not supported yet" (never stored and ignored). `help` may say what to
  // use instead. Not a field: fields() does not list it.
  Schema& unsupported(std::string path, std::string help = {});
  // A setting integrator.io defines that only describes the resource (UI state, origin): it is
  // accepted with any value, stored, and never acted on. Not a field either.
  Schema& ignored(std::string path, std::string help = {});

  const std::vector<Field>& fields() const noexcept { return fields_; }

  // The whole schema: nested "properties" following the dotted paths, "required" lists for
  // unconditional required fields, and x-sluice-* hints (label is "title", help "description").
  boost::json::object to_json() const;

 private:
  Field& add(std::string path, FieldType type);
  struct Marker {
    std::string path;
    std::string key;  // "x-sluice-unsupported" or "x-sluice-ignored"
    std::string help;
  };
  std::vector<Field> fields_;
  std::vector<Marker> markers_;
};

std::string_view to_string(FieldType type) noexcept;

}  // namespace sluice
