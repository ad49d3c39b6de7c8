// Compiled paths into a record: the extract paths of Transformation 1.0 (`a.b[0].c`, `*.id`,
// `/Root/Child`, `[Internal ID]`) and the JSON paths of Mapper 2.0 (`$.a.b`, `$.items[*].sku`,
// `$['a b']`). A path is parsed once, at compile, and then walked per record without allocating
// (find) or appending pointers to the values it reaches (find_all).
//
// A Path is immutable after parse and may be used from several threads at once.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "sluice/result.hpp"

namespace sluice::mapper {

// Where in an object a key was found last: records of one source usually have their keys in the
// same order, so a lookup tries that position first and compares one key instead of searching.
// Only a guess — a wrong one costs one comparison and is replaced — so threads sharing a Path may
// overwrite each other's (relaxed atomic) with no effect on what is found.
class KeyHint {
 public:
  KeyHint() = default;
  KeyHint(const KeyHint& other) noexcept : at_(other.at_.load(std::memory_order_relaxed)) {}
  KeyHint& operator=(const KeyHint& other) noexcept {
    at_.store(other.at_.load(std::memory_order_relaxed), std::memory_order_relaxed);
    return *this;
  }

  // The value of `key` in `object`, or nullptr: the same as object.if_contains(key).
  const boost::json::value* find(const boost::json::object& object,
                                 std::string_view key) const noexcept;

 private:
  mutable std::atomic<std::uint32_t> at_{0};
};

class Path {
 public:
  struct Step {
    enum class Kind { kKey, kIndex, kWildcard } kind = Kind::kKey;
    std::string key;        // kKey
    std::size_t index = 0;  // kIndex, and a numeric_key's number
    // Transformation 1.0: a key of digits (`lines.0.sku`) is also the index into an array.
    bool numeric_key = false;
    KeyHint hint;  // kKey: where `key` was last found
  };

  // Transformation 1.0 syntax. Steps are separated by `.` (or by `/` when the path starts with
  // `/`, XML style); `[n]` is an index (so is a name of digits, `lines.0.sku`, on an array),
  // `[text]` a name that may hold spaces and dots, `*` (or
  // `[*]`) every element of an array (every value of an object). `where` names the setting in
  // errors: "WHERE: ... in path \"TEXT\" at character N".
  static Result<Path> parse_rule(std::string_view text, std::string_view where);
  // Mapper 2.0 JSON path: `$` then `.name`, `[n]`, `[*]`, `.*`, `['name']` or `["name"]`.
  static Result<Path> parse_json(std::string_view text, std::string_view where);

  // A value of the record seen as another one: Mapper 2.0's composite objects
  // (buildArrayHelper) see an array on the extract's path as its current element.
  struct Binding {
    const boost::json::value* from;
    const boost::json::value* to;
  };

  // The one value the path names in `root`, or nullptr when some step finds nothing. A wildcard
  // step takes the first element (use find_all for every one). Every value reached (the root
  // too) that a binding names is replaced by the binding's `to`.
  const boost::json::value* find(const boost::json::value& root,
                                 std::span<const Binding> bindings = {}) const noexcept;
  // Appends every value the path reaches, in document order; wildcards expand.
  void find_all(const boost::json::value& root, std::vector<const boost::json::value*>& out,
                std::span<const Binding> bindings = {}) const;

  // The path of `steps`, written `text` in messages (for paths cut from parsed ones).
  static Path from_steps(std::vector<Step> steps, std::string text);
  // The steps before the first wildcard and those after it: `items[*].sku` → `items`, `sku`.
  // Without a wildcard: the whole path and an empty one.
  std::pair<Path, Path> split_at_wildcard() const;

  bool has_wildcard() const noexcept { return wildcards_ > 0; }
  bool empty() const noexcept { return steps_.empty(); }
  std::size_t wildcards() const noexcept { return wildcards_; }
  const std::vector<Step>& steps() const noexcept { return steps_; }
  const std::string& text() const noexcept { return text_; }

 private:
  void walk(const boost::json::value& at, std::size_t step,
            std::vector<const boost::json::value*>& out, std::span<const Binding> bindings) const;

  std::vector<Step> steps_;
  std::size_t wildcards_ = 0;
  std::string text_;
};

}  // namespace sluice::mapper
