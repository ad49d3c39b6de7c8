#include "listing.hpp"

#include <gtest/gtest.h>

namespace sluice::plugins::ftp {
namespace {

TEST(UnixListing, NamesKeepTheirSpacesFoldersAndLinksAreTold) {
  const auto entries = parse_unix_listing(
      "total 12\r\n"
      "-rw-r--r--    1 1001     1001           12 Dec 01 20:46 orders 1.csv\r\n"
      "drwxr-xr-x    2 ftp      ftp          4096 Jan 12  2025 archive\r\n"
      "lrwxrwxrwx    1 ftp      ftp             9 Dec 01 20:46 latest.csv -> orders.csv\r\n"
      "drwxr-xr-x    2 ftp      ftp          4096 Jan 12  2025 .\r\n"
      "\r\n"
      "-rw-r--r--    1 ftp ftp 5 Dec 01 20:46\r\n",
      false);
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].name, "orders 1.csv");
  EXPECT_EQ(entries[0].size, 12u);
  EXPECT_FALSE(entries[0].is_directory);
  EXPECT_EQ(entries[1].name, "archive");
  EXPECT_TRUE(entries[1].is_directory);
  EXPECT_EQ(entries[2].name, "latest.csv");
  EXPECT_FALSE(entries[2].is_directory);
}

TEST(UnixListing, UnixTrimTrimsSpacesAroundTheName) {
  const auto kept = parse_unix_listing("-rw-r--r-- 1 a b 3 Dec 01 20:46  padded.csv \n", false);
  const auto trimmed = parse_unix_listing("-rw-r--r-- 1 a b 3 Dec 01 20:46  padded.csv \n", true);
  ASSERT_EQ(kept.size(), 1u);
  ASSERT_EQ(trimmed.size(), 1u);
  EXPECT_EQ(kept[0].name, " padded.csv ");
  EXPECT_EQ(trimmed[0].name, "padded.csv");
}

TEST(WindowsListing, SizesFoldersAndNamesWithSpacesInBothDateForms) {
  const auto entries = parse_windows_listing(
      "12-01-26  08:46PM                 1234 orders 1.csv\r\n"
      "01-12-25  10:02AM       <DIR>          archive\r\n"
      "2026-12-01  20:46                   7 b.csv\r\n"
      "01-12-25  10:02AM       <DIR>          .\r\n"
      "\r\n"
      "total 3\r\n"
      "12-01-26  08:46PM                 12x broken.csv\r\n");
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].name, "orders 1.csv");
  EXPECT_EQ(entries[0].size, 1234u);
  EXPECT_FALSE(entries[0].is_directory);
  EXPECT_EQ(entries[1].name, "archive");
  EXPECT_TRUE(entries[1].is_directory);
  EXPECT_EQ(entries[1].size, std::nullopt);
  EXPECT_EQ(entries[2].name, "b.csv");
  EXPECT_EQ(entries[2].size, 7u);
}

TEST(WindowsListing, AUnixListingGivesNoEntries) {
  EXPECT_TRUE(
      parse_windows_listing("-rw-r--r--    1 ftp ftp 12 Dec 01 20:46 orders.csv\r\n").empty());
}

}  // namespace
}  // namespace sluice::plugins::ftp
