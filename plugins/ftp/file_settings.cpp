#include "file_settings.hpp"

namespace sluice::plugins::ftp {

namespace {

void declare_csv(Schema& s, FileSettingsFor which) {
  s.string("file.csv.columnDelimiter")
      .label("Column delimiter")
      .default_value(",")
      .group("File")
      .shown_when("file.type", "csv")
      .help("One character between columns, e.g. , ; | or a tab.");
  s.string("file.csv.rowDelimiter")
      .label("Row delimiter")
      .group("File")
      .shown_when("file.type", "csv")
      .help(which == FileSettingsFor::kExport
                ? "\\n, \\r\\n or \\r between rows; absent: detected from the first row end."
                : "Written after each row: \\n (default), \\r\\n or \\r.");
  if (which == FileSettingsFor::kExport) {
    s.boolean("file.csv.hasHeaderRow")
        .label("File has header")
        .default_value(true)
        .group("File")
        .shown_when("file.type", "csv")
        .help(
            "true: the first row names the columns, which become the record's field names. "
            "false: fields are named Column0, Column1, ...");
    s.boolean("file.csv.trimSpaces")
        .label("Trim spaces")
        .default_value(false)
        .group("File")
        .shown_when("file.type", "csv")
        .help("true: spaces around each value are removed.");
    s.integer("file.csv.rowsToSkip")
        .label("Number of rows to skip")
        .default_value(0)
        .minimum(0)
        .group("File")
        .shown_when("file.type", "csv")
        .help("Rows at the start of the file ignored before the header (or the first record).");
    s.boolean("file.csv.disableQuoteAndStripEnclosingQuotes")
        .label("Ignore quotes")
        .default_value(false)
        .group("File")
        .shown_when("file.type", "csv")
        .help(
            "true: a double quote is an ordinary character (no quoted values spanning "
            "delimiters or lines); quotes enclosing a whole value are stripped.");
    s.array("file.csv.keyColumns")
        .label("Multiple rows per record: key columns")
        .items(FieldType::kString)
        .group("File")
        .shown_when("file.type", "csv")
        .help(
            "Consecutive rows with equal values in these columns form one record, its rows "
            "as an array.");
  } else {
    s.boolean("file.csv.includeHeader")
        .label("Include header")
        .default_value(true)
        .group("File")
        .shown_when("file.type", "csv")
        .help("true: the first row holds the field names.");
    s.boolean("file.csv.wrapWithQuotes")
        .label("Wrap with quotes")
        .default_value(false)
        .group("File")
        .shown_when("file.type", "csv")
        .help(
            "true: every value is quoted; false: only values that need it (a delimiter, a "
            "quote or a line break inside).");
    s.boolean("file.csv.replaceTabWithSpace")
        .label("Replace tab with space")
        .default_value(false)
        .group("File")
        .shown_when("file.type", "csv")
        .help("true: tabs inside values are written as spaces.");
    s.boolean("file.csv.replaceNewlineWithSpace")
        .label("Replace new line with space")
        .default_value(false)
        .group("File")
        .shown_when("file.type", "csv")
        .help("true: line breaks inside values are written as spaces.");
    s.boolean("file.csv.truncateLastRowDelimiter")
        .label("Truncate last row delimiter")
        .default_value(false)
        .group("File")
        .shown_when("file.type", "csv")
        .help("true: no row delimiter after the last row.");
  }
}

}  // namespace

void declare_file_settings(Schema& s, FileSettingsFor which) {
  const bool exporting = which == FileSettingsFor::kExport;
  s.enumeration("file.type", {"csv", "json", "xlsx", "xml", "filedefinition"})
      .label("File type")
      .default_value("csv")
      .group("File")
      .help(exporting ? "How the host parses each file into records: csv (any delimited text), "
                        "json (file.json.resourcePath), xlsx, xml (file.xml.resourcePath), "
                        "filedefinition (fixed width, EDI X12: file.fileDefinition)."
                      : "How the host writes records into the file: csv, json, xlsx, xml or "
                        "filedefinition.");
  s.enumeration("file.encoding",
                {"utf8", "win1252", "utf-16le", "gb18030", "macroman", "iso88591", "shiftjis"})
      .label("File encoding")
      .default_value("utf8")
      .group("File")
      .help(exporting ? "The character encoding of the files; a byte order mark wins for UTF "
                        "encodings."
                      : "The character encoding the file is written in.");
  s.enumeration("file.compressionFormat", {"gzip", "zip"})
      .label(exporting ? "Decompress files" : "Compress files")
      .group("File")
      .help(exporting ? "Absent: files are read as they are. gzip or zip: each file is "
                        "decompressed by the host before parsing."
                      : "Absent: written as is. gzip or zip: the host compresses the file before "
                        "the upload.");
  declare_csv(s, which);
  s.string("file.json.resourcePath")
      .label("Resource path")
      .group("File")
      .shown_when("file.type", "json")
      .help(exporting ? "Dotted path to the array of records in each JSON document; empty: the "
                        "document itself (an array, or an object as one record)."
                      : "Dotted path under which the records are written; empty: a top-level "
                        "array.");
  s.string("file.xml.resourcePath")
      .label("Resource path")
      .group("File")
      .shown_when("file.type", "xml")
      .help("A simple XPath to the repeated element, each a record, e.g. /Orders/Order.");
  s.boolean("file.xlsx.hasHeaderRow")
      .label("File has header")
      .default_value(true)
      .group("File")
      .shown_when("file.type", "xlsx")
      .help("true: the sheet's first row names the columns.");
  s.enumeration("file.fileDefinition.format", {"fixedwidth", "x12"})
      .label("File definition format")
      .group("File")
      .shown_when("file.type", "filedefinition")
      .help("fixedwidth (with file.fileDefinition.fields) or x12 (EDI X12: delimiters from the "
            "ISA segment); docs/files.md.");
  s.array("file.fileDefinition.fields")
      .label("Fixed-width fields")
      .group("File")
      .shown_when("file.type", "filedefinition")
      .help("[{name, start (1-based), length, type: string|number|boolean}], one per field.");
  s.string("file.fileDefinition.rowDelimiter")
      .label("Row delimiter")
      .group("File")
      .shown_when("file.type", "filedefinition")
      .help("Fixed width written: the line end (default LF).");
  for (const char* path : {"file.fileDefinition._fileDefinitionId",
                           "file.fileDefinition.resourcePath"}) {
    s.unsupported(path, "stored file definitions are not implemented; describe the file inline "
                        "with file.fileDefinition.format and fields.");
  }
  s.boolean("file.json.jsonLines")
      .label("JSON lines")
      .group("File")
      .shown_when("file.type", "json")
      .help("One record per line instead of one JSON document; not with resourcePath.");
  s.string("file.xlsx.sheet")
      .label("Sheet")
      .group("File")
      .shown_when("file.type", "xlsx")
      .help(exporting ? "The sheet's name; empty: the first sheet." : "The sheet's name.");
  if (exporting) {
    s.unsupported("file.fileDefinition.allowPartialSuccess",
                  "a record that fails to parse is that record's error and the others are "
                  "exported already.");
    s.enumeration("file.output", {"records", "metadata", "blobKeys"})
        .unsupported_values({"blobKeys"})
        .label("Output mode")
        .default_value("records")
        .group("File")
        .help(
            "records: the file's parsed records. metadata: one record per file with its "
            "name and size, the file unread.");
    Schema sort_item;
    sort_item.string("field").label("Field").required().help("The field to sort on.");
    sort_item.boolean("descending")
        .label("Descending")
        .default_value(false)
        .help("true: largest first.");
    s.array("file.sortByFields")
        .label("Sort records by fields")
        .items(sort_item)
        .group("File")
        .help(
            "The records of each file are sorted by these fields, in order (stable; numbers by "
            "value, empty values first); docs/files.md.");
    s.array("file.groupByFields")
        .label("Group records by fields")
        .items(FieldType::kString)
        .group("File")
        .help(
            "Consecutive records (after file.sortByFields: sort by the same fields to group "
            "across the file) with equal values in these fields are one record, the array of "
            "them; pageSize counts those.");
    s.boolean("file.groupEmptyValues")
        .label("Group empty values")
        .default_value(false)
        .group("File")
        .help(
            "true: records whose group fields are all empty are grouped together; false: each "
            "is a group of its own.");
    s.unsupported("file.decrypt", "PGP decryption is not implemented.");
    s.unsupported("file.filter",
                  "filter on the file name with ftp.fileNameStartsWith/ftp.fileNameEndsWith.");
  } else {
    s.boolean("file.skipAggregation")
        .label("Skip aggregation")
        .default_value(false)
        .group("File")
        .help(
            "true: one file per page of records; false: one file per run, uploaded when the "
            "run ends (file.aggregation.type says the same: page or all).");
    s.enumeration("file.aggregation.type", {"all", "page"})
        .label("Aggregation")
        .group("File")
        .help("all: one file per run; page: one file per page of records.");
    s.unsupported("file.encrypt", "PGP encryption is not implemented.");
    s.unsupported("file.pgp", "PGP encryption is not implemented.");
    s.unsupported("file.skipRename",
                  "leave ftp.inProgressFileName unset to upload under the final name.");
    s.unsupported("file.delete", "not meaningful for an FTP import.");
  }
  s.unsupported("file.backupPath", "set ftp.backupDirectoryPath instead.");
  s.ignored("file.purgeInternalBackup", "Sluice keeps no internal copy of files.");
}

}  // namespace sluice::plugins::ftp
