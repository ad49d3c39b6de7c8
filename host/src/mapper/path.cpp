#include "mapper/path.hpp"

#include <charconv>

#include <boost/json.hpp>

namespace sluice::mapper {
namespace {

namespace json = boost::json;

Error path_error(std::string_view where, std::string_view text, std::size_t at,
                 std::string_view what) {
  std::string message;
  message.append(where).append(": ").append(what).append(" in path \"").append(text);
  message.append("\" at character ").append(std::to_string(at + 1));
  return make_error(Status::kInvalidConfig, std::move(message));
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

Path::Step bracket_step(std::string_view inner) {
  Path::Step step;
  if (inner == "*") {
    step.kind = Path::Step::Kind::kWildcard;
  } else if (all_digits(inner)) {
    step.kind = Path::Step::Kind::kIndex;
    std::from_chars(inner.data(), inner.data() + inner.size(), step.index);
  } else {
    step.key = std::string(inner);
  }
  return step;
}

}  // namespace

Result<Path> Path::parse_rule(std::string_view text, std::string_view where) {
  Path path;
  path.text_ = std::string(text);
  if (text.empty()) return path_error(where, text, 0, "an empty path names nothing");
  std::size_t i = 0;
  char separator = '.';
  if (text[0] == '/') {
    separator = '/';
    i = 1;
  }
  bool need_step = true;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '[') {
      const std::size_t close = text.find(']', i + 1);
      if (close == std::string_view::npos)
        return path_error(where, text, i, "found '[' without its ']', expected [n], [*] or [name]");
      const std::string_view inner = text.substr(i + 1, close - i - 1);
      if (inner.empty()) return path_error(where, text, i, "found [], expected [n], [*] or [name]");
      path.steps_.push_back(bracket_step(inner));
      i = close + 1;
      need_step = false;
    } else if (c == separator) {
      if (need_step)
        return path_error(where, text, i, std::string("found '") + c + "', expected a name");
      need_step = true;
      ++i;
    } else {
      if (!need_step)
        return path_error(
            where, text, i,
            std::string("found '") + c + "' after ']', expected '" + separator + "' or '['");
      std::size_t end = i;
      while (end < text.size() && text[end] != separator && text[end] != '[') ++end;
      const std::string_view name = text.substr(i, end - i);
      Step step;
      if (name == "*") {
        step.kind = Step::Kind::kWildcard;
      } else {
        step.key = std::string(name);
        if (all_digits(name) && name.size() < 19) {  // `lines.0.sku`: element 0 of an array
          step.numeric_key = true;
          std::from_chars(name.data(), name.data() + name.size(), step.index);
        }
      }
      path.steps_.push_back(std::move(step));
      i = end;
      need_step = false;
    }
  }
  if (need_step) return path_error(where, text, text.size() - 1, "the path ends, expected a name");
  for (const Step& s : path.steps_)
    if (s.kind == Step::Kind::kWildcard) ++path.wildcards_;
  return path;
}

Result<Path> Path::parse_json(std::string_view text, std::string_view where) {
  Path path;
  path.text_ = std::string(text);
  if (text.empty() || text[0] != '$')
    return path_error(where, text, 0, "a JSON path starts with '$'");
  std::size_t i = 1;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '.') {
      std::size_t end = i + 1;
      while (end < text.size() && text[end] != '.' && text[end] != '[') ++end;
      const std::string_view name = text.substr(i + 1, end - i - 1);
      if (name.empty()) return path_error(where, text, i + 1, "expected a name after '.'");
      Step step;
      if (name == "*") {
        step.kind = Step::Kind::kWildcard;
      } else {
        step.key = std::string(name);
        if (all_digits(name) && name.size() < 19) {  // `lines.0.sku`: element 0 of an array
          step.numeric_key = true;
          std::from_chars(name.data(), name.data() + name.size(), step.index);
        }
      }
      path.steps_.push_back(std::move(step));
      i = end;
    } else if (c == '[') {
      if (i + 1 < text.size() && (text[i + 1] == '\'' || text[i + 1] == '"')) {
        const char quote = text[i + 1];
        const std::size_t close = text.find(quote, i + 2);
        if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ']')
          return path_error(where, text, i, "found an unterminated quoted name, expected ['name']");
        Step step;
        step.key = std::string(text.substr(i + 2, close - i - 2));
        path.steps_.push_back(std::move(step));
        i = close + 2;
      } else {
        const std::size_t close = text.find(']', i + 1);
        if (close == std::string_view::npos)
          return path_error(where, text, i, "found '[' without its ']', expected [n] or [*]");
        const std::string_view inner = text.substr(i + 1, close - i - 1);
        if (inner != "*" && !all_digits(inner))
          return path_error(where, text, i + 1,
                            "found [" + std::string(inner) + "], expected [n], [*] or ['name']");
        path.steps_.push_back(bracket_step(inner));
        i = close + 1;
      }
    } else {
      return path_error(where, text, i, std::string("found '") + c + "', expected '.' or '['");
    }
  }
  for (const Step& s : path.steps_)
    if (s.kind == Step::Kind::kWildcard) ++path.wildcards_;
  return path;
}

namespace {

// `value`, or what a binding replaces it with.
const json::value* bound(const json::value* value, std::span<const Path::Binding> bindings) {
  for (const Path::Binding& binding : bindings)
    if (binding.from == value) return binding.to;
  return value;
}

}  // namespace

const json::value* KeyHint::find(const json::object& object, std::string_view key) const noexcept {
  const std::uint32_t at = at_.load(std::memory_order_relaxed);
  if (at < object.size()) {
    const json::key_value_pair& guess = object.begin()[at];
    if (guess.key() == key) return &guess.value();
  }
  const auto found = object.find(key);
  if (found == object.end()) return nullptr;
  at_.store(static_cast<std::uint32_t>(found - object.begin()), std::memory_order_relaxed);
  return &found->value();
}

const json::value* Path::find(const json::value& root,
                              std::span<const Binding> bindings) const noexcept {
  const json::value* at = bound(&root, bindings);
  for (const Step& step : steps_) {
    switch (step.kind) {
      case Step::Kind::kKey: {
        if (const json::array* array = at->if_array(); array != nullptr && step.numeric_key) {
          if (step.index >= array->size()) return nullptr;
          at = &(*array)[step.index];
          break;
        }
        const json::object* object = at->if_object();
        if (object == nullptr) return nullptr;
        at = step.hint.find(*object, step.key);
        break;
      }
      case Step::Kind::kIndex: {
        const json::array* array = at->if_array();
        if (array == nullptr || step.index >= array->size()) return nullptr;
        at = &(*array)[step.index];
        break;
      }
      case Step::Kind::kWildcard: {
        if (const json::array* array = at->if_array()) {
          if (array->empty()) return nullptr;
          at = &array->front();
        } else if (const json::object* object = at->if_object()) {
          if (object->empty()) return nullptr;
          at = &object->begin()->value();
        } else {
          return nullptr;
        }
        break;
      }
    }
    if (at == nullptr) return nullptr;
    at = bound(at, bindings);
  }
  return at;
}

Path Path::from_steps(std::vector<Step> steps, std::string text) {
  Path path;
  for (const Step& step : steps)
    if (step.kind == Step::Kind::kWildcard) ++path.wildcards_;
  path.steps_ = std::move(steps);
  path.text_ = std::move(text);
  return path;
}

std::pair<Path, Path> Path::split_at_wildcard() const {
  std::size_t at = 0;
  while (at < steps_.size() && steps_[at].kind != Step::Kind::kWildcard) ++at;
  std::vector<Step> before(steps_.begin(), steps_.begin() + static_cast<std::ptrdiff_t>(at));
  std::vector<Step> after;
  if (at < steps_.size())
    after.assign(steps_.begin() + static_cast<std::ptrdiff_t>(at) + 1, steps_.end());
  return {from_steps(std::move(before), text_), from_steps(std::move(after), text_)};
}

void Path::find_all(const json::value& root, std::vector<const json::value*>& out,
                    std::span<const Binding> bindings) const {
  walk(*bound(&root, bindings), 0, out, bindings);
}

void Path::walk(const json::value& at, std::size_t step_index, std::vector<const json::value*>& out,
                std::span<const Binding> bindings) const {
  const json::value* here = &at;
  for (std::size_t i = step_index; i < steps_.size(); ++i) {
    const Step& step = steps_[i];
    if (step.kind == Step::Kind::kWildcard) {
      if (const json::array* array = here->if_array()) {
        for (const json::value& element : *array)
          walk(*bound(&element, bindings), i + 1, out, bindings);
      } else if (const json::object* object = here->if_object()) {
        for (const auto& member : *object)
          walk(*bound(&member.value(), bindings), i + 1, out, bindings);
      }
      return;
    }
    if (step.kind == Step::Kind::kKey) {
      if (const json::array* array = here->if_array(); array != nullptr && step.numeric_key) {
        if (step.index >= array->size()) return;
        here = &(*array)[step.index];
      } else {
        const json::object* object = here->if_object();
        if (object == nullptr) return;
        here = step.hint.find(*object, step.key);
      }
    } else {
      const json::array* array = here->if_array();
      if (array == nullptr || step.index >= array->size()) return;
      here = &(*array)[step.index];
    }
    if (here == nullptr) return;
    here = bound(here, bindings);
  }
  out.push_back(here);
}

}  // namespace sluice::mapper
