#include "plugins/archive.hpp"

#include <memory>

#include <archive.h>
#include <archive_entry.h>
#include <fmt/format.h>

namespace sluice::host {

namespace fs = std::filesystem;

Result<void> extract_archive(const fs::path& archive_path, const fs::path& destination) {
  std::unique_ptr<archive, decltype(&archive_read_free)> reader(archive_read_new(),
                                                                &archive_read_free);
  std::unique_ptr<archive, decltype(&archive_write_free)> writer(archive_write_disk_new(),
                                                                 &archive_write_free);
  archive_read_support_filter_all(reader.get());
  archive_read_support_format_all(reader.get());
  archive_write_disk_set_options(writer.get(), ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_PERM |
                                                   ARCHIVE_EXTRACT_SECURE_NODOTDOT |
                                                   ARCHIVE_EXTRACT_SECURE_SYMLINKS);
  auto fail = [&](archive* a) {
    return make_error(
        Status::kInvalidConfig,
        fmt::format("cannot extract plugin bundle {}: {}", archive_path.string(),
                    archive_error_string(a) ? archive_error_string(a) : "unknown error"));
  };
  if (archive_read_open_filename(reader.get(), archive_path.c_str(), 1 << 16) != ARCHIVE_OK) {
    return fail(reader.get());
  }
  archive_entry* entry = nullptr;
  while (true) {
    int r = archive_read_next_header(reader.get(), &entry);
    if (r == ARCHIVE_EOF) break;
    if (r != ARCHIVE_OK) return fail(reader.get());
    // Entries are re-rooted under `destination`, so refuse absolute ones and ".." ourselves
    // (libarchive's NOABSOLUTEPATHS check would refuse the re-rooted path too).
    const fs::path inside = archive_entry_pathname(entry);
    for (const auto& part : inside) {
      if (part == "..") {
        return make_error(Status::kInvalidConfig,
                          fmt::format("refusing plugin bundle {}: entry {} leaves the bundle",
                                      archive_path.string(), inside.string()));
      }
    }
    if (inside.is_absolute()) {
      return make_error(Status::kInvalidConfig,
                        fmt::format("refusing plugin bundle {}: entry {} is an absolute path",
                                    archive_path.string(), inside.string()));
    }
    const fs::path target = destination / inside;
    const std::string target_text = target.string();
    archive_entry_set_pathname(entry, target_text.c_str());
    if (archive_write_header(writer.get(), entry) != ARCHIVE_OK) return fail(writer.get());
    const void* block = nullptr;
    size_t size = 0;
    la_int64_t offset = 0;
    while ((r = archive_read_data_block(reader.get(), &block, &size, &offset)) == ARCHIVE_OK) {
      if (archive_write_data_block(writer.get(), block, size, offset) != ARCHIVE_OK)
        return fail(writer.get());
    }
    if (r != ARCHIVE_EOF) return fail(reader.get());
    if (archive_write_finish_entry(writer.get()) != ARCHIVE_OK) return fail(writer.get());
  }
  return {};
}

}  // namespace sluice::host
