#include "xlsx_cells.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>

namespace sluice::support::formats::xlsx {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The code unit of an escape _xHHHH_ at text[i], or -1.
int escape_at(std::string_view text, std::size_t i) {
  if (i + 7 > text.size() || text[i] != '_' || text[i + 1] != 'x' || text[i + 6] != '_') return -1;
  int unit = 0;
  for (std::size_t k = 2; k < 6; ++k) {
    const int h = hex_value(text[i + k]);
    if (h < 0) return -1;
    unit = unit * 16 + h;
  }
  return unit;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Howard Hinnant's civil_from_days: days since 1970-01-01 to year, month, day.
void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

}  // namespace

std::string decode_escapes(std::string_view text) {
  if (text.find("_x") == std::string_view::npos) return std::string(text);
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const int unit = escape_at(text, i);
    if (unit < 0) {
      out += text[i++];
      continue;
    }
    uint32_t cp = static_cast<uint32_t>(unit);
    i += 7;
    if (cp >= 0xD800 && cp < 0xDC00) {
      const int low = escape_at(text, i);
      if (low >= 0xDC00 && low < 0xE000) {
        cp = 0x10000 + ((cp - 0xD800) << 10) + (static_cast<uint32_t>(low) - 0xDC00);
        i += 7;
      } else {
        cp = 0xFFFD;
      }
    } else if (cp >= 0xDC00 && cp < 0xE000) {
      cp = 0xFFFD;
    }
    append_utf8(out, cp);
  }
  return out;
}

std::string encode_escapes(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    char buffer[8];
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) {
      std::snprintf(buffer, sizeof buffer, "_x%04X_", c);
      out += buffer;
    } else if (c == '_' && escape_at(text, i) >= 0) {
      out += "_x005F_";
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

uint32_t column_of(std::string_view reference) {
  uint32_t column = 0;
  std::size_t i = 0;
  for (; i < reference.size() && std::isalpha(static_cast<unsigned char>(reference[i])); ++i) {
    column = column * 26 + static_cast<uint32_t>(std::toupper(reference[i]) - 'A' + 1);
    if (column > 16384) return 0;
  }
  if (i == 0 || i > 3) return 0;
  return column;
}

std::string column_name(uint32_t column) {
  std::string name;
  while (column > 0) {
    const uint32_t rest = (column - 1) % 26;
    name.insert(name.begin(), static_cast<char>('A' + rest));
    column = (column - 1) / 26;
  }
  return name;
}

DateKind date_kind(uint32_t format_id, std::string_view code) {
  if ((format_id >= 14 && format_id <= 17) || (format_id >= 27 && format_id <= 31) ||
      (format_id >= 34 && format_id <= 36) || (format_id >= 50 && format_id <= 58)) {
    return DateKind::kDate;
  }
  if (format_id == 22) return DateKind::kDateTime;
  if ((format_id >= 18 && format_id <= 21) || format_id == 32 || format_id == 33 ||
      (format_id >= 45 && format_id <= 47)) {
    return DateKind::kTime;
  }
  if (code.empty()) return DateKind::kNone;
  bool date = false;
  bool time = false;
  bool month_or_minute = false;
  // Only the first section (positive numbers) decides.
  for (std::size_t i = 0; i < code.size(); ++i) {
    const char c = code[i];
    if (c == ';') break;
    if (c == '"') {
      const std::size_t close = code.find('"', i + 1);
      if (close == std::string_view::npos) break;
      i = close;
      continue;
    }
    if (c == '\\' || c == '_' || c == '*') {
      ++i;
      continue;
    }
    if (c == '[') {
      const std::size_t close = code.find(']', i + 1);
      if (close == std::string_view::npos) break;
      const std::string_view inside = code.substr(i + 1, close - i - 1);
      if (!inside.empty() && inside.find_first_not_of("hHmMsS") == std::string_view::npos) {
        time = true;
      }
      i = close;
      continue;
    }
    switch (std::tolower(static_cast<unsigned char>(c))) {
      case 'y':
      case 'd':
        date = true;
        break;
      case 'h':
      case 's':
        time = true;
        break;
      case 'm':
        month_or_minute = true;
        break;
      default:
        break;
    }
  }
  if (month_or_minute && !time) date = true;
  if (date && time) return DateKind::kDateTime;
  if (date) return DateKind::kDate;
  if (time) return DateKind::kTime;
  return DateKind::kNone;
}

std::optional<std::string> iso_date(double serial, DateKind kind, bool date1904) {
  if (!(serial >= 0) || serial > 2958465.99999999) return std::nullopt;
  auto total_ms = static_cast<int64_t>(std::llround(serial * 86400000.0));
  int64_t days = total_ms / 86400000;
  int64_t ms = total_ms % 86400000;
  if (kind == DateKind::kTime && days >= 1) kind = DateKind::kDateTime;
  char buffer[64];
  std::string out;
  if (kind != DateKind::kTime) {
    // Days since 1970-01-01: 1900 system serial 25569 and 1904 system serial 24107.
    int64_t y = 0;
    unsigned m = 0;
    unsigned d = 0;
    if (!date1904 && days == 60) {
      y = 1900, m = 2, d = 29;  // Excel's phantom leap day
    } else if (!date1904 && days < 60) {
      civil_from_days(days - 25568, y, m, d);  // serial 1 is 1900-01-01
      if (days == 0) y = 1899, m = 12, d = 31;
    } else {
      civil_from_days(days - (date1904 ? 24107 : 25569), y, m, d);
    }
    std::snprintf(buffer, sizeof buffer, "%04lld-%02u-%02u", static_cast<long long>(y), m, d);
    out = buffer;
    if (kind == DateKind::kDate) return out;
    out += 'T';
  }
  const int64_t seconds = ms / 1000;
  std::snprintf(buffer, sizeof buffer, "%02lld:%02lld:%02lld",
                static_cast<long long>(seconds / 3600), static_cast<long long>(seconds / 60 % 60),
                static_cast<long long>(seconds % 60));
  out += buffer;
  if (ms % 1000 != 0) {
    std::snprintf(buffer, sizeof buffer, ".%03lld", static_cast<long long>(ms % 1000));
    out += buffer;
  }
  return out;
}

}  // namespace sluice::support::formats::xlsx
