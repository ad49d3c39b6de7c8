#include "plugins/folder_swap.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace sluice::host {

namespace fs = std::filesystem;

namespace {

Error unchanged(const fs::path& target, int error) {
  return make_error(
      Status::kInternal,
      fmt::format("cannot move the new plugin into {}: {}; what was installed "
                  "there is unchanged — check that {} is writable and try again",
                  target.string(), std::strerror(error), target.parent_path().string()));
}

Result<void> rename_aside(const fs::path& staged, const fs::path& target, bool exists) {
  if (!exists) {
    if (::rename(staged.c_str(), target.c_str()) != 0) return unchanged(target, errno);
    return {};
  }
  std::string aside =
      (target.parent_path() / ("." + target.filename().string() + "-old-XXXXXX")).string();
  if (::mkdtemp(aside.data()) == nullptr) return unchanged(target, errno);
  // rename() of a folder onto an empty folder replaces it.
  if (::rename(target.c_str(), aside.c_str()) != 0) {
    const int error = errno;
    ::rmdir(aside.c_str());
    return unchanged(target, error);
  }
  if (::rename(staged.c_str(), target.c_str()) != 0) {
    const int error = errno;
    if (::rename(aside.c_str(), target.c_str()) != 0) {
      return make_error(Status::kInternal,
                        fmt::format("cannot move the new plugin into {}: {}, nor the old one back "
                                    "from {}: {} — move {} back to {} by hand",
                                    target.string(), std::strerror(error), aside,
                                    std::strerror(errno), aside, target.string()));
    }
    return unchanged(target, error);
  }
  std::error_code ec;
  fs::remove_all(aside, ec);
  return {};
}

}  // namespace

Result<void> swap_in_folder(const fs::path& staged, const fs::path& target, SwapMethod method) {
  std::error_code ec;
  const bool exists = fs::exists(fs::symlink_status(target, ec));
  if (method == SwapMethod::kExchange) {
    const unsigned flags = exists ? RENAME_EXCHANGE : RENAME_NOREPLACE;
    if (::renameat2(AT_FDCWD, staged.c_str(), AT_FDCWD, target.c_str(), flags) == 0) {
      if (exists) fs::remove_all(staged, ec);  // now the old folder
      return {};
    }
    if (errno != EINVAL && errno != ENOSYS) return unchanged(target, errno);
  }
  return rename_aside(staged, target, exists);
}

}  // namespace sluice::host
