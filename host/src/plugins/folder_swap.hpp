// Puts a staged folder in place of another in one step, so that a reader of `target` sees either
// the old folder or the new one, never neither.
#pragma once

#include <filesystem>

#include "sluice/result.hpp"

namespace sluice::host {

enum class SwapMethod {
  kExchange,     // renameat2(RENAME_EXCHANGE / RENAME_NOREPLACE); falls back to kRenameAside
                 // where the file system does not support it
  kRenameAside,  // rename the old folder aside, the new one in, and back if that fails
};

// Moves the folder `staged` to `target` (same file system) and removes what `target` held
// before. On failure `target` is as it was (the error says so), unless even undoing the first
// rename of kRenameAside failed: then the error names where the old folder was left.
Result<void> swap_in_folder(const std::filesystem::path& staged,
                            const std::filesystem::path& target,
                            SwapMethod method = SwapMethod::kExchange);

}  // namespace sluice::host
