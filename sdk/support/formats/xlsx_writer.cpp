// The XLSX writer (xlsx.hpp): rows spooled as sheet XML, then the package zipped with libarchive
// (deflate) into the ByteSink. The sheet's size is known by then, so the zip needs no data
// descriptors or Zip64.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <archive.h>
#include <archive_entry.h>
#include <boost/json/serialize.hpp>

#include "xlsx.hpp"
#include "xlsx_cells.hpp"
#include "xlsx_parts.hpp"

namespace sluice::support::formats {

namespace json = boost::json;
using namespace xlsx;

namespace {

constexpr std::string_view kXmlHead =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
constexpr std::string_view kMain = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
constexpr std::string_view kRelTypes =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
constexpr uint32_t kMaxColumns = 16384;
constexpr std::size_t kMaxCellChars = 32767;

void append_escaped(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\r':
        out += "&#13;";
        break;
      default:
        out += c;
    }
  }
}

// UTF-16 code units of UTF-8 text (what Excel's cell limit counts).
std::size_t utf16_length(std::string_view text) {
  std::size_t units = 0;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if ((u & 0xC0) != 0x80) ++units;
    if ((u & 0xF8) == 0xF0) ++units;  // a 4-byte sequence is a surrogate pair
  }
  return units;
}

void inline_string(std::string& out, std::string_view ref, std::string_view text) {
  out += "<c r=\"";
  out += ref;
  out += "\" t=\"inlineStr\"><is><t xml:space=\"preserve\">";
  append_escaped(out, encode_escapes(text));
  out += "</t></is></c>";
}

// libarchive's output: the ByteSink, remembering its first error.
struct ZipOut {
  ByteSink* sink;
  std::optional<Error> error;
};

la_ssize_t zip_write(archive*, void* data, const void* buffer, size_t length) {
  auto& out = *static_cast<ZipOut*>(data);
  if (auto r = out.sink->write(std::string_view(static_cast<const char*>(buffer), length)); !r) {
    out.error = r.error();
    return -1;
  }
  return static_cast<la_ssize_t>(length);
}

struct ArchiveFree {
  void operator()(archive* a) const { archive_write_free(a); }
};
struct EntryFree {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};

class XlsxWriter final : public Writer {
 public:
  XlsxWriter(std::string sheet, ByteSink& out, SpoolFile rows)
      : sheet_(std::move(sheet)), out_(out), rows_(std::move(rows)) {}

  Result<void> write(const json::value& value) override {
    ++record_;
    const json::object* record = value.if_object();
    if (!record) return invalid("", "must be an object (one row of the sheet)");
    const uint64_t row = record_ + 1;
    std::vector<std::pair<uint32_t, const json::value*>> cells;
    cells.reserve(record->size());
    std::vector<std::string> added;
    for (const auto& member : *record) {
      const std::string key(member.key());
      auto column = columns_.find(key);
      uint32_t index = 0;
      if (column != columns_.end()) {
        index = column->second;
      } else {
        index = static_cast<uint32_t>(keys_.size() + added.size() + 1);
        if (index > kMaxColumns) {
          return invalid(key, "would be column " + std::to_string(index) + ", past the " +
                                  std::to_string(kMaxColumns) + " columns of a sheet");
        }
        added.push_back(key);
      }
      if (!member.value().is_null()) cells.emplace_back(index, &member.value());
    }
    std::sort(cells.begin(), cells.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    std::string xml = "<row r=\"" + std::to_string(row) + "\">";
    for (const auto& [index, cell] : cells) {
      const std::string ref = column_name(index) + std::to_string(row);
      const std::string& key =
          index <= keys_.size() ? keys_[index - 1] : added[index - keys_.size() - 1];
      switch (cell->kind()) {
        case json::kind::string:
        case json::kind::object:
        case json::kind::array: {
          const std::string text =
              cell->is_string() ? std::string(cell->get_string()) : json::serialize(*cell);
          if (utf16_length(text) > kMaxCellChars) {
            return invalid(key, "is " + std::to_string(utf16_length(text)) +
                                    " characters long; an Excel cell holds at most " +
                                    std::to_string(kMaxCellChars));
          }
          inline_string(xml, ref, text);
          break;
        }
        case json::kind::bool_:
          xml += "<c r=\"" + ref + "\" t=\"b\"><v>" + (cell->get_bool() ? "1" : "0") + "</v></c>";
          break;
        case json::kind::int64:
          xml += "<c r=\"" + ref + "\"><v>" + std::to_string(cell->get_int64()) + "</v></c>";
          break;
        case json::kind::uint64:
          xml += "<c r=\"" + ref + "\"><v>" + std::to_string(cell->get_uint64()) + "</v></c>";
          break;
        case json::kind::double_: {
          const double number = cell->get_double();
          if (!std::isfinite(number)) {
            return invalid(key, "is not a finite number, which a cell cannot hold");
          }
          char buffer[32];
          const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, number);
          xml += "<c r=\"" + ref + "\"><v>" + std::string(buffer, end) + "</v></c>";
          break;
        }
        case json::kind::null:
          break;
      }
    }
    xml += "</row>";
    if (auto r = rows_.append(xml); !r) return r;
    for (auto& key : added) {
      columns_.emplace(key, static_cast<uint32_t>(keys_.size() + 1));
      keys_.push_back(std::move(key));
    }
    return {};
  }

  Result<void> finish() override {
    if (finished_) return {};
    finished_ = true;
    std::string head(kXmlHead);
    head += "<worksheet xmlns=\"";
    head += kMain;
    head += "\"><sheetData>";
    if (!keys_.empty()) {
      head += "<row r=\"1\">";
      for (std::size_t k = 0; k < keys_.size(); ++k) {
        inline_string(head, column_name(static_cast<uint32_t>(k + 1)) + "1", keys_[k]);
      }
      head += "</row>";
    }
    const std::string tail = "</sheetData></worksheet>";

    std::unique_ptr<archive, ArchiveFree> a(archive_write_new());
    if (!a) return make_error(Status::kInternal, "libarchive: out of memory");
    ZipOut out{&out_, std::nullopt};
    archive_write_set_format_zip(a.get());
    archive_write_zip_set_compression_deflate(a.get());
    archive_write_set_bytes_per_block(a.get(), 1 << 16);
    archive_write_set_bytes_in_last_block(a.get(), 1);
    auto failed = [&](std::string_view when) -> Error {
      if (out.error) return *out.error;
      const char* why = archive_error_string(a.get());
      return make_error(Status::kInternal, "XLSX writer: " + std::string(when) + ": " +
                                               (why ? why : "libarchive failed"));
    };
    if (archive_write_open(a.get(), &out, nullptr, zip_write, nullptr) != ARCHIVE_OK) {
      return failed("starting the zip");
    }
    auto entry = [&](std::string_view path, uint64_t size) -> Result<void> {
      std::unique_ptr<archive_entry, EntryFree> e(archive_entry_new());
      archive_entry_set_pathname(e.get(), std::string(path).c_str());
      archive_entry_set_filetype(e.get(), AE_IFREG);
      archive_entry_set_perm(e.get(), 0644);
      archive_entry_set_size(e.get(), static_cast<la_int64_t>(size));
      archive_entry_set_mtime(e.get(), 1577836800, 0);  // 2020-01-01: the same bytes every run
      if (archive_write_header(a.get(), e.get()) != ARCHIVE_OK)
        return failed("writing " + std::string(path));
      return {};
    };
    auto data = [&](std::string_view bytes) -> Result<void> {
      while (!bytes.empty()) {
        const la_ssize_t n = archive_write_data(a.get(), bytes.data(), bytes.size());
        if (n <= 0) return failed("writing the zip");
        bytes.remove_prefix(static_cast<std::size_t>(n));
      }
      return {};
    };
    auto part = [&](std::string_view path, std::string_view text) -> Result<void> {
      if (auto r = entry(path, text.size()); !r) return r;
      return data(text);
    };
    if (auto r = part("[Content_Types].xml", content_types()); !r) return r;
    if (auto r = part("_rels/.rels", root_rels()); !r) return r;
    if (auto r = part("xl/workbook.xml", workbook()); !r) return r;
    if (auto r = part("xl/_rels/workbook.xml.rels", workbook_rels()); !r) return r;
    if (auto r = part("xl/styles.xml", styles()); !r) return r;
    if (auto r = entry("xl/worksheets/sheet1.xml", head.size() + rows_.size() + tail.size()); !r) {
      return r;
    }
    if (auto r = data(head); !r) return r;
    std::vector<char> buffer(std::size_t{64} << 10);
    for (uint64_t offset = 0; offset < rows_.size();) {
      auto got = rows_.read_at(offset, buffer.data(), buffer.size());
      if (!got) return got.error();
      if (*got == 0) return make_error(Status::kInternal, "XLSX writer: the row spool ended early");
      if (auto r = data(std::string_view(buffer.data(), *got)); !r) return r;
      offset += *got;
    }
    if (auto r = data(tail); !r) return r;
    if (archive_write_close(a.get()) != ARCHIVE_OK) return failed("finishing the zip");
    return {};
  }

 private:
  Error invalid(std::string_view field, std::string message) const {
    std::string text = "XLSX record " + std::to_string(record_) + ": ";
    text += field.empty() ? "the record" : "field \"" + std::string(field) + "\"";
    text += ' ';
    text += message;
    return make_error(Status::kInvalidConfig, std::move(text));
  }

  static std::string content_types() {
    return std::string(kXmlHead) +
           "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
           "<Default Extension=\"rels\" "
           "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
           "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
           "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/"
           "vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
           "<Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/"
           "vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
           "<Override PartName=\"/xl/styles.xml\" ContentType=\"application/"
           "vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>"
           "</Types>";
  }

  static std::string root_rels() {
    return std::string(kXmlHead) +
           "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
           "<Relationship Id=\"rId1\" Type=\"" +
           std::string(kRelTypes) +
           "/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>";
  }

  std::string workbook() const {
    std::string out(kXmlHead);
    out += "<workbook xmlns=\"";
    out += kMain;
    out += "\" xmlns:r=\"";
    out += kRelTypes;
    out += "\"><sheets><sheet name=\"";
    append_escaped(out, sheet_);
    out += "\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
    return out;
  }

  static std::string workbook_rels() {
    return std::string(kXmlHead) +
           "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
           "<Relationship Id=\"rId1\" Type=\"" +
           std::string(kRelTypes) +
           "/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
           "<Relationship Id=\"rId2\" Type=\"" +
           std::string(kRelTypes) + "/styles\" Target=\"styles.xml\"/></Relationships>";
  }

  static std::string styles() {
    return std::string(kXmlHead) + "<styleSheet xmlns=\"" + std::string(kMain) +
           "\"><fonts count=\"1\"><font><sz val=\"11\"/><name val=\"Calibri\"/></font></fonts>"
           "<fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill>"
           "<fill><patternFill patternType=\"gray125\"/></fill></fills>"
           "<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border>"
           "</borders><cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" "
           "borderId=\"0\"/></cellStyleXfs><cellXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" "
           "fillId=\"0\" borderId=\"0\" xfId=\"0\"/></cellXfs><cellStyles count=\"1\">"
           "<cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles></styleSheet>";
  }

  std::string sheet_;
  ByteSink& out_;
  SpoolFile rows_;
  uint64_t record_ = 0;
  std::unordered_map<std::string, uint32_t> columns_;
  std::vector<std::string> keys_;
  bool finished_ = false;
};

}  // namespace

Result<std::unique_ptr<Writer>> make_xlsx_writer(const FileOptions& options, ByteSink& out) {
  std::string sheet = options.sheet.value_or("Sheet1");
  if (sheet.empty() || utf16_length(sheet) > 31 ||
      sheet.find_first_of("[]:*?/\\") != std::string::npos) {
    return make_error(Status::kInvalidConfig,
                      "file.xlsx sheet name \"" + sheet +
                          "\" cannot name an Excel sheet: it must be 1 to 31 characters without "
                          "any of [ ] : * ? / \\");
  }
  auto rows = SpoolFile::create("the XLSX writer's rows");
  if (!rows) return rows.error();
  return std::unique_ptr<Writer>(new XlsxWriter(std::move(sheet), out, std::move(*rows)));
}

}  // namespace sluice::support::formats
