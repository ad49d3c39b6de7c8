#include "xlsx_cells.hpp"

#include <gtest/gtest.h>

namespace sluice::support::formats::xlsx {
namespace {

TEST(XlsxCells, EscapesDecodeToTheCharacterAndUnderscoreEscapesItself) {
  EXPECT_EQ(decode_escapes("a_x000D_b_x0009_c"), "a\rb\tc");
  EXPECT_EQ(decode_escapes("_x005F_x0041_"), "_x0041_");
  EXPECT_EQ(decode_escapes("_xD83D__xDE00_"), "\xF0\x9F\x98\x80");
  EXPECT_EQ(decode_escapes("_x12_ and _xZZZZ_ stay"), "_x12_ and _xZZZZ_ stay");
}

TEST(XlsxCells, EncodingEscapesControlCharactersAndLiteralEscapes) {
  EXPECT_EQ(encode_escapes(std::string("a\x01"
                                       "b\tc\n",
                                       6)),
            "a_x0001_b\tc\n");
  EXPECT_EQ(encode_escapes("_x0041_"), "_x005F_x0041_");
  EXPECT_EQ(decode_escapes(encode_escapes("x_x0041_\x02")), "x_x0041_\x02");
}

TEST(XlsxCells, ColumnsOfReferences) {
  EXPECT_EQ(column_of("A1"), 1u);
  EXPECT_EQ(column_of("Z9"), 26u);
  EXPECT_EQ(column_of("AA10"), 27u);
  EXPECT_EQ(column_of("XFD1048576"), 16384u);
  EXPECT_EQ(column_of("XFE1"), 0u);
  EXPECT_EQ(column_of("12"), 0u);
  EXPECT_EQ(column_name(1), "A");
  EXPECT_EQ(column_name(28), "AB");
  EXPECT_EQ(column_name(16384), "XFD");
}

TEST(XlsxCells, BuiltInAndCustomDateFormats) {
  EXPECT_EQ(date_kind(14, ""), DateKind::kDate);
  EXPECT_EQ(date_kind(22, ""), DateKind::kDateTime);
  EXPECT_EQ(date_kind(20, ""), DateKind::kTime);
  EXPECT_EQ(date_kind(0, ""), DateKind::kNone);
  EXPECT_EQ(date_kind(2, "0.00"), DateKind::kNone);
  EXPECT_EQ(date_kind(164, "yyyy-mm-dd"), DateKind::kDate);
  EXPECT_EQ(date_kind(165, "yyyy-mm-dd hh:mm:ss"), DateKind::kDateTime);
  EXPECT_EQ(date_kind(166, "[h]:mm"), DateKind::kTime);
  EXPECT_EQ(date_kind(167, "0.00\" days\""), DateKind::kNone);
  EXPECT_EQ(date_kind(168, "#,##0 [$EUR]"), DateKind::kNone);
  EXPECT_EQ(date_kind(169, "0.00E+00"), DateKind::kNone);
  EXPECT_EQ(date_kind(170, "[$-409]mmm d, yyyy;@"), DateKind::kDate);
}

TEST(XlsxCells, SerialNumbersAreIsoDatesInBothDateSystems) {
  EXPECT_EQ(iso_date(45352, DateKind::kDate, false), "2024-03-01");
  EXPECT_EQ(iso_date(45352.5625, DateKind::kDateTime, false), "2024-03-01T13:30:00");
  EXPECT_EQ(iso_date(0.5625, DateKind::kTime, false), "13:30:00");
  EXPECT_EQ(iso_date(0.25 + 0.25 / 86400, DateKind::kTime, false), "06:00:00.250");
  EXPECT_EQ(iso_date(1.5, DateKind::kTime, false), "1900-01-01T12:00:00");
  EXPECT_EQ(iso_date(1, DateKind::kDate, false), "1900-01-01");
  EXPECT_EQ(iso_date(59, DateKind::kDate, false), "1900-02-28");
  EXPECT_EQ(iso_date(60, DateKind::kDate, false), "1900-02-29");
  EXPECT_EQ(iso_date(61, DateKind::kDate, false), "1900-03-01");
  EXPECT_EQ(iso_date(25569, DateKind::kDate, false), "1970-01-01");
  EXPECT_EQ(iso_date(0, DateKind::kDate, true), "1904-01-01");
  EXPECT_EQ(iso_date(43890, DateKind::kDate, true), "2024-03-01");
  EXPECT_EQ(iso_date(2958465, DateKind::kDate, false), "9999-12-31");
  EXPECT_EQ(iso_date(-1, DateKind::kDate, false), std::nullopt);
  EXPECT_EQ(iso_date(3e6, DateKind::kDate, false), std::nullopt);
}

}  // namespace
}  // namespace sluice::support::formats::xlsx
