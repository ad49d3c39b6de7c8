// The answer to FTP's LIST in the UNIX format (`ls -l` lines: what vsftpd, proftpd, pure-ftpd,
// pyftpdlib and most servers send; ftp.entryParser UNIX and UNIX-TRIM), and in the DOS format
// (WINDOWS).
//
//   -rw-r--r--   1 owner group   1234 Dec 01 20:46 orders 1.csv
//   drwxr-xr-x   2 owner group   4096 Jan 12  2025 archive
//   lrwxrwxrwx   1 owner group      9 Dec 01 20:46 latest.csv -> orders.csv
//
// The name is everything after the time or year column (spaces kept, or trimmed with `trim`);
// a link is listed under its own name, as a file. "total N" lines, blank lines and lines that
// do not have the nine columns are skipped; "." and ".." too.
#pragma once

#include <string_view>
#include <vector>

#include "remote.hpp"

namespace sluice::plugins::ftp {

std::vector<RemoteEntry> parse_unix_listing(std::string_view text, bool trim);

// The answer to LIST in the DOS format of Microsoft's IIS FTP service (ftp.entryParser WINDOWS):
//
//   12-01-26  08:46PM                 1234 orders 1.csv
//   01-12-25  10:02AM       <DIR>          archive
//   2026-12-01  20:46                 1234 orders.csv      (four-digit years, 24-hour times)
//
// The name is everything after the size or <DIR> column and the spaces after it. Lines without
// the four columns are skipped; "." and ".." too.
std::vector<RemoteEntry> parse_windows_listing(std::string_view text);

}  // namespace sluice::plugins::ftp
