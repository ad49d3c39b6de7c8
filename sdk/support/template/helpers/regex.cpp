#include <cmath>
#include <string>

#include <boost/regex.hpp>

#include "helper_table.hpp"
#include "js_value.hpp"

namespace sluice::support::tmpl {

namespace {

struct Pattern {
  boost::regex regex;
  bool global = false;
};

// A JavaScript RegExp(source, flags) as Boost.Regex's Perl syntax (which also has look-behind and
// named groups). Flags: g (all matches), i (ignore case), m (^ and $ at line breaks), s (. matches
// line breaks); u and y are refused.
Result<Pattern> compile(const Value& source, const Value& flags_value) {
  const std::string text = to_js_string(source);
  const std::string flags = flags_value.undefined ? "" : to_js_string(flags_value);
  Pattern p;
  boost::regex::flag_type options = boost::regex::perl;
  bool multiline = false, dot_all = false;
  for (char f : flags) {
    if (f == 'g')
      p.global = true;
    else if (f == 'i')
      options |= boost::regex::icase;
    else if (f == 'm')
      multiline = true;
    else if (f == 's')
      dot_all = true;
    else
      return helper_error("the regular expression flag \"" + std::string(1, f) +
                          "\" is not supported (use g, i, m or s)");
  }
  if (!multiline) options |= boost::regex::no_mod_m;
  if (!dot_all) options |= boost::regex::no_mod_s;
  try {
    p.regex = boost::regex(text, options);
  } catch (const boost::regex_error& e) {
    return helper_error("the regular expression /" + text + "/ is not valid: " + e.what());
  }
  return p;
}

bool looks_like_flags(const Value& v) {
  if (v.undefined || !v.json.is_string()) return false;
  const std::string_view s = v.json.get_string();
  return !s.empty() && s.find_first_not_of("gimsuy") == std::string_view::npos;
}

// String.prototype.replace's replacement patterns: $$, $&, $`, $', $1…$99, $<name>.
std::string substitute(const boost::smatch& m, const std::string& subject,
                       const std::string& with) {
  std::string out;
  for (size_t i = 0; i < with.size(); ++i) {
    if (with[i] != '$' || i + 1 >= with.size()) {
      out.push_back(with[i]);
      continue;
    }
    const char n = with[i + 1];
    if (n == '$') {
      out.push_back('$');
      ++i;
    } else if (n == '&') {
      out += m.str(0);
      ++i;
    } else if (n == '`') {
      out += subject.substr(0, static_cast<size_t>(m.position()));
      ++i;
    } else if (n == '\'') {
      out += subject.substr(static_cast<size_t>(m.position() + m.length()));
      ++i;
    } else if (n >= '0' && n <= '9') {
      size_t group = static_cast<size_t>(n - '0');
      size_t used = 1;
      if (i + 2 < with.size() && with[i + 2] >= '0' && with[i + 2] <= '9') {
        const size_t two = group * 10 + static_cast<size_t>(with[i + 2] - '0');
        if (two >= 1 && two < m.size()) group = two, used = 2;
      }
      if (group >= 1 && group < m.size()) {
        out += m.str(static_cast<int>(group));
        i += used;
      } else {
        out.push_back('$');
      }
    } else if (n == '<') {
      const size_t close = with.find('>', i + 2);
      if (close == std::string::npos) {
        out.push_back('$');
        continue;
      }
      const std::string name = with.substr(i + 2, close - i - 2);
      try {
        out += m[name].str();
      } catch (const std::exception&) {
      }
      i = close;
    } else {
      out.push_back('$');
    }
  }
  return out;
}

}  // namespace

void add_regex_helpers(HelperTable& t) {
  // {{regexMatch text pattern [index] [flags]}}: the index-th match (default 0), or "".
  // A flags string in the index position is taken as the flags ({{regexMatch x "a" "g"}}).
  t["regexMatch"] = [](const HelperCall& c) -> Result<Value> {
    Value index = arg(c, 2), flags = arg(c, 3);
    if (looks_like_flags(index) && flags.undefined) std::swap(index, flags);
    auto pattern = compile(arg(c, 1), flags);
    if (!pattern) return pattern.error();
    const std::string subject = to_js_string(arg(c, 0));
    const double wanted = index.undefined ? 0 : std::trunc(to_js_number(index));
    if (std::isnan(wanted) || wanted < 0) return make_string("");
    try {
      size_t n = 0;
      for (boost::sregex_iterator it(subject.begin(), subject.end(), pattern->regex), end;
           it != end; ++it, ++n)
        if (static_cast<double>(n) == wanted) return make_string(it->str(0));
    } catch (const std::runtime_error& e) {
      return helper_error(std::string("the regular expression could not be run: ") + e.what());
    }
    return make_string("");
  };
  // {{regexReplace text replacement pattern [flags]}}: the first match (every match with g)
  // replaced; $1, $&, $<name> … in the replacement as in JavaScript.
  t["regexReplace"] = [](const HelperCall& c) -> Result<Value> {
    auto pattern = compile(arg(c, 2), arg(c, 3));
    if (!pattern) return pattern.error();
    const std::string subject = to_js_string(arg(c, 0));
    const std::string with = to_js_string(arg(c, 1));
    std::string out;
    size_t last = 0;
    try {
      for (boost::sregex_iterator it(subject.begin(), subject.end(), pattern->regex), end;
           it != end; ++it) {
        const auto& m = *it;
        out += subject.substr(last, static_cast<size_t>(m.position()) - last);
        out += substitute(m, subject, with);
        last = static_cast<size_t>(m.position() + m.length());
        if (!pattern->global) break;
      }
    } catch (const std::runtime_error& e) {
      return helper_error(std::string("the regular expression could not be run: ") + e.what());
    }
    out += subject.substr(last);
    return make_string(std::move(out));
  };
  // {{regexSearch text pattern [flags]}}: where the first match starts (in UTF-16 units, as
  // JavaScript counts), or -1.
  t["regexSearch"] = [](const HelperCall& c) -> Result<Value> {
    auto pattern = compile(arg(c, 1), arg(c, 2));
    if (!pattern) return pattern.error();
    const std::string subject = to_js_string(arg(c, 0));
    boost::smatch m;
    try {
      if (!boost::regex_search(subject, m, pattern->regex)) return make_number(-1);
    } catch (const std::runtime_error& e) {
      return helper_error(std::string("the regular expression could not be run: ") + e.what());
    }
    return make_number(static_cast<double>(
        js_length(std::string_view(subject).substr(0, static_cast<size_t>(m.position())))));
  };
}

}  // namespace sluice::support::tmpl
