// The `file` settings of a file export or import that the HOST interprets (type, encoding,
// compression, the format options; sdk/include/sluice/support/formats/file_options.hpp reads
// them), declared once so that every file-transfer plugin (FTP now, AS2 later) lists them with
// the same labels and help in `sluice plugin info`, and the host's apply-time validation accepts
// them. A plugin declares them and never reads them: decompression, decoding and parsing are the
// host's (protocol: docs/ftp.md, "How files cross").
#pragma once

#include "sluice/schema.hpp"

namespace sluice::plugins::ftp {

enum class FileSettingsFor { kExport, kImport };

// Adds file.type, file.encoding, file.compressionFormat, file.csv.*, file.json.resourcePath,
// file.xml.resourcePath, file.xlsx.*, file.fileDefinition.* and, for exports, file.output,
// file.sortByFields, file.groupByFields; for imports, file.skipAggregation and
// file.aggregation.type. integrator.io's file settings Sluice does not implement (PGP, the
// filter, internal backups) are declared unsupported, so a document that sets one is refused.
void declare_file_settings(Schema& schema, FileSettingsFor which);

}  // namespace sluice::plugins::ftp
