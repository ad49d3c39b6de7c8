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

}  // namespace
}  // namespace sluice::plugins::ftp
