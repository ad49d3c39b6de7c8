// What `sluice plugin info ftp` lists: every setting of integrator.io's FTP connector (§4 of the
// reference) with a label and help, the file settings the host interprets included.
#include <algorithm>
#include <set>

#include <gtest/gtest.h>

#include "connector.hpp"
#include "settings.hpp"

namespace sluice::plugins::ftp {
namespace {

std::set<std::string> paths(const Schema& schema) {
  std::set<std::string> out;
  for (const Field& field : schema.fields()) out.insert(field.path());
  return out;
}

TEST(FtpSettings, EverySettingHasALabelAndHelp) {
  for (const Schema* schema :
       {&connection_settings().schema, &export_settings().schema, &import_settings().schema}) {
    for (const Field& field : schema->fields()) {
      const auto json = field.to_json();
      EXPECT_TRUE(json.contains("title")) << field.path() << " has no label";
      EXPECT_TRUE(json.contains("description")) << field.path() << " has no help";
    }
  }
}

TEST(FtpSettings, TheConnectionDeclaresIntegratorIosFtpSettings) {
  const auto declared = paths(connection_settings().schema);
  for (const char* path :
       {"ftp.type", "ftp.hostURI", "ftp.port", "ftp.username", "ftp.password", "ftp.authKey",
        "ftp.usePassiveMode", "ftp.enableHostVerification", "ftp.hostKeyFingerprint",
        "ftp.userDirectoryIsRoot", "ftp.useImplicitFtps", "ftp.requireSocketReUse",
        "ftp.entryParser", "ftp.concurrencyLevel", "ftp.clientCertificates.ca"}) {
    EXPECT_TRUE(declared.contains(path)) << path;
  }
  for (const Field& field : connection_settings().schema.fields()) {
    const bool secret = field.path() == "ftp.password" || field.path() == "ftp.authKey" ||
                        field.path() == "ftp.authKeyPassphrase" ||
                        field.path() == "ftp.clientCertificates.cert" ||
                        field.path() == "ftp.clientCertificates.key" ||
                        field.path() == "ftp.clientCertificates.passphrase";
    EXPECT_EQ(field.is_secret(), secret) << field.path();
  }
}

TEST(FtpSettings, ExportsDeclareTheirOwnAndTheHostsFileSettings) {
  const auto declared = paths(export_settings().schema);
  for (const char* path : {"ftp.directoryPath",
                           "ftp.fileNameStartsWith",
                           "ftp.fileNameEndsWith",
                           "ftp.backupDirectoryPath",
                           "file.batchSize",
                           "file.skipDelete",
                           "file.type",
                           "file.encoding",
                           "file.compressionFormat",
                           "file.output",
                           "file.csv.columnDelimiter",
                           "file.csv.rowDelimiter",
                           "file.csv.hasHeaderRow",
                           "file.csv.trimSpaces",
                           "file.csv.rowsToSkip",
                           "file.csv.disableQuoteAndStripEnclosingQuotes",
                           "file.csv.keyColumns",
                           "file.json.resourcePath",
                           "file.xml.resourcePath",
                           "file.xlsx.hasHeaderRow",
                           "file.xlsx.sheet",
                           "file.json.jsonLines",
                           "file.fileDefinition.format",
                           "file.fileDefinition.fields",
                           "file.sortByFields",
                           "file.groupByFields",
                           "file.groupEmptyValues"}) {
    EXPECT_TRUE(declared.contains(path)) << path;
  }
}

TEST(FtpSettings, ImportsDeclareTheirOwnAndTheHostsFileSettings) {
  const auto declared = paths(import_settings().schema);
  for (const char* path :
       {"ftp.directoryPath", "ftp.fileName", "ftp.inProgressFileName", "ftp.backupDirectoryPath",
        "file.type", "file.encoding", "file.compressionFormat", "file.csv.includeHeader",
        "file.csv.wrapWithQuotes", "file.csv.replaceTabWithSpace",
        "file.csv.replaceNewlineWithSpace", "file.csv.truncateLastRowDelimiter",
        "file.skipAggregation", "file.aggregation.type"}) {
    EXPECT_TRUE(declared.contains(path)) << path;
  }
}

TEST(FtpSettings, TheConnectorMovesFilesAndSerialisesItsConnections) {
  const ConnectorInfo info = FtpConnector().describe();
  EXPECT_EQ(info.name, "ftp");
  EXPECT_EQ(info.connection_type, "ftp");
  EXPECT_TRUE(info.file_transfer);
  EXPECT_FALSE(info.thread_safe_connection);
}

}  // namespace
}  // namespace sluice::plugins::ftp
