#include "plugins/archive.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <archive.h>
#include <archive_entry.h>
#include <fmt/format.h>

namespace sluice::host {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kSmall =
    "a bundle holds a manifest.json and one library; rebuild it without other files";
constexpr std::string_view kOnlyFiles =
    "a bundle may hold only regular files and folders (a manifest.json and a library); rebuild "
    "it with only those";

// A file descriptor closed when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd = -1) noexcept : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  Fd(Fd&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  Fd& operator=(Fd&& other) noexcept {
    std::swap(fd_, other.fd_);
    return *this;
  }
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const noexcept { return fd_; }
  int release() noexcept { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

// An archive entry name as printed in a message: quoted, control bytes escaped, cut at 200.
std::string shown(std::string_view name) {
  std::string out = "'";
  for (size_t i = 0; i < name.size() && i < 200; ++i) {
    const auto c = static_cast<unsigned char>(name[i]);
    if (c < 0x20 || c == 0x7f || c == '\'') {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  out += name.size() > 200 ? "'…" : "'";
  return out;
}

std::string bytes_text(uint64_t n) {
  if (n >= (uint64_t{1} << 30) && n % (uint64_t{1} << 30) == 0)
    return fmt::format("{} GiB", n >> 30);
  if (n >= (uint64_t{1} << 20) && n % (uint64_t{1} << 20) == 0)
    return fmt::format("{} MiB", n >> 20);
  if (n >= (uint64_t{1} << 10) && n % (uint64_t{1} << 10) == 0)
    return fmt::format("{} KiB", n >> 10);
  return fmt::format("{} bytes", n);
}

std::string kind_of(archive_entry* entry) {
  if (const char* target = archive_entry_hardlink(entry); target != nullptr) {
    return fmt::format("a hard link to {}", shown(target));
  }
  switch (archive_entry_filetype(entry)) {
    case AE_IFLNK: {
      const char* target = archive_entry_symlink(entry);
      return fmt::format("a symbolic link to {}", shown(target == nullptr ? "" : target));
    }
    case AE_IFCHR:
      return "a character device";
    case AE_IFBLK:
      return "a block device";
    case AE_IFIFO:
      return "a FIFO";
    case AE_IFSOCK:
      return "a socket";
    default:
      return fmt::format("an entry of unknown type {:o}", archive_entry_filetype(entry));
  }
}

class Extractor {
 public:
  Extractor(const fs::path& archive_path, const ExtractLimits& limits)
      : archive_path_(archive_path), limits_(limits) {}

  Result<void> run(const fs::path& destination) {
    std::unique_ptr<archive, decltype(&archive_read_free)> reader(archive_read_new(),
                                                                  &archive_read_free);
    // Only tar, plain or gzip: archive_read_support_filter_all would also run external
    // decompressors (lrzip, lzop, grzip) on hostile input.
    archive_read_support_filter_gzip(reader.get());
    archive_read_support_format_tar(reader.get());
    if (archive_read_open_filename(reader.get(), archive_path_.c_str(), 1 << 16) != ARCHIVE_OK) {
      return unreadable(reader.get());
    }
    root_ = Fd(::open(destination.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (root_.get() < 0) {
      return make_error(Status::kInternal, fmt::format("cannot extract plugin bundle {}: cannot "
                                                       "open the folder {}: {}",
                                                       archive_path_.string(), destination.string(),
                                                       std::strerror(errno)));
    }
    archive_entry* entry = nullptr;
    uint64_t entries = 0;
    while (true) {
      const int r = archive_read_next_header(reader.get(), &entry);
      if (r == ARCHIVE_EOF) return {};
      if (r != ARCHIVE_OK) return unreadable(reader.get());
      const char* raw_name = archive_entry_pathname(entry);
      const std::string name = raw_name == nullptr ? std::string() : raw_name;
      if (++entries > limits_.max_entries) {
        return refuse(fmt::format("expected at most {} entries, found more (entry {} is {}) — {}",
                                  limits_.max_entries, entries, shown(name), kSmall));
      }
      if (auto done = extract_entry(reader.get(), entry, name); !done) return done.error();
    }
  }

 private:
  Error refuse(std::string what) const {
    return make_error(Status::kInvalidConfig,
                      fmt::format("refusing plugin bundle {}: {}", archive_path_.string(), what));
  }

  Error unreadable(archive* a) const {
    const char* why = archive_error_string(a);
    return make_error(Status::kInvalidConfig,
                      fmt::format("cannot extract plugin bundle {}: {} — expected a .tar or "
                                  ".tar.gz of a bundle folder",
                                  archive_path_.string(), why != nullptr ? why : "unknown error"));
  }

  Error io_failure(const std::string& name, const char* what) const {
    return make_error(Status::kInternal,
                      fmt::format("cannot extract plugin bundle {}: entry {}: {}: {}",
                                  archive_path_.string(), shown(name), what, std::strerror(errno)));
  }

  // The entry's name as folder components, refusing absolute names and "..".
  Result<std::vector<std::string>> components_of(const std::string& name) const {
    if (name.empty()) return refuse("expected every entry to have a name, found one without");
    if (name.front() == '/') {
      return refuse(
          fmt::format("entry {} is an absolute path; expected names inside the bundle "
                      "folder — rebuild it with relative names (tar -C DIR)",
                      shown(name)));
    }
    std::vector<std::string> parts;
    size_t start = 0;
    while (start <= name.size()) {
      size_t end = name.find('/', start);
      if (end == std::string::npos) end = name.size();
      std::string part = name.substr(start, end - start);
      if (part == "..") {
        return refuse(
            fmt::format("entry {} leaves the bundle (it has a \"..\" component); "
                        "expected names inside the bundle folder",
                        shown(name)));
      }
      if (!part.empty() && part != ".") parts.push_back(std::move(part));
      start = end + 1;
    }
    return parts;
  }

  // Opens (creating when missing) the folder `name` in `parent`, never through a symlink.
  Result<Fd> enter(int parent, const std::string& part, const std::string& name) const {
    if (::mkdirat(parent, part.c_str(), 0700) != 0 && errno != EEXIST) {
      return io_failure(name, "cannot create a folder");
    }
    Fd dir(::openat(parent, part.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (dir.get() < 0) return io_failure(name, "cannot open a folder on its path");
    if (::fchmod(dir.get(), 0755) != 0) return io_failure(name, "cannot set the folder's mode");
    return dir;
  }

  Result<void> extract_entry(archive* reader, archive_entry* entry, const std::string& name) {
    const bool is_dir = archive_entry_filetype(entry) == AE_IFDIR;
    if (archive_entry_hardlink(entry) != nullptr ||
        (!is_dir && archive_entry_filetype(entry) != AE_IFREG)) {
      return refuse(fmt::format("entry {} is {}; {}", shown(name), kind_of(entry), kOnlyFiles));
    }
    auto parts = components_of(name);
    if (!parts) return parts.error();
    if (parts->empty()) {
      if (is_dir) return {};  // "./", the bundle's own top folder
      return refuse(fmt::format("entry {} is a file without a name", shown(name)));
    }
    std::string key;
    for (const auto& p : *parts) key += (key.empty() ? "" : "/") + p;
    if (!is_dir && !seen_files_.insert(key).second) {
      return refuse(fmt::format("entry {} appears twice; expected each file once", shown(name)));
    }
    Fd parent;
    int at = root_.get();
    for (size_t i = 0; i + 1 < parts->size(); ++i) {
      auto dir = enter(at, (*parts)[i], name);
      if (!dir) return dir.error();
      parent = std::move(*dir);
      at = parent.get();
    }
    if (is_dir) {
      auto dir = enter(at, parts->back(), name);
      if (!dir) return dir.error();
      return {};
    }
    return write_file(reader, entry, at, parts->back(), name);
  }

  Result<void> write_file(archive* reader, archive_entry* entry, int at, const std::string& leaf,
                          const std::string& name) {
    const uint64_t room = limits_.max_total_bytes - total_bytes_;
    auto too_big = [&](uint64_t size) {
      return refuse(fmt::format(
          "expected at most {} of extracted files, found more (entry {} holds {} after {} in "
          "earlier entries) — {}",
          bytes_text(limits_.max_total_bytes), shown(name), bytes_text(size),
          bytes_text(total_bytes_), kSmall));
    };
    const uint64_t declared = archive_entry_size_is_set(entry) && archive_entry_size(entry) > 0
                                  ? static_cast<uint64_t>(archive_entry_size(entry))
                                  : 0;
    if (declared > room) return too_big(declared);
    Fd file(::openat(at, leaf.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (file.get() < 0) return io_failure(name, "cannot create the file");
    uint64_t end = 0;
    const void* block = nullptr;
    size_t size = 0;
    la_int64_t offset = 0;
    int r = ARCHIVE_OK;
    while ((r = archive_read_data_block(reader, &block, &size, &offset)) == ARCHIVE_OK) {
      if (offset < 0) return refuse(fmt::format("entry {} has a negative offset", shown(name)));
      const uint64_t block_end = static_cast<uint64_t>(offset) + size;
      if (block_end > room) return too_big(block_end);
      end = std::max(end, block_end);
      const char* bytes = static_cast<const char*>(block);
      size_t done = 0;
      while (done < size) {
        const ssize_t n = ::pwrite(file.get(), bytes + done, size - done,
                                   static_cast<off_t>(static_cast<uint64_t>(offset) + done));
        if (n < 0) {
          if (errno == EINTR) continue;
          return io_failure(name, "cannot write the file");
        }
        done += static_cast<size_t>(n);
      }
    }
    if (r != ARCHIVE_EOF) return unreadable(reader);
    // A sparse file may end in a hole that has no data block.
    if (declared > end && ::ftruncate(file.get(), static_cast<off_t>(declared)) != 0) {
      return io_failure(name, "cannot size the file");
    }
    total_bytes_ += std::max(declared, end);
    const mode_t mode = (archive_entry_perm(entry) & S_IXUSR) != 0 ? 0755 : 0644;
    if (::fchmod(file.get(), mode) != 0) return io_failure(name, "cannot set the file's mode");
    if (::close(file.release()) != 0) return io_failure(name, "cannot write the file");
    return {};
  }

  const fs::path& archive_path_;
  const ExtractLimits& limits_;
  Fd root_;
  uint64_t total_bytes_ = 0;
  std::set<std::string> seen_files_;
};

}  // namespace

Result<void> extract_archive(const fs::path& archive_path, const fs::path& destination,
                             const ExtractLimits& limits) {
  return Extractor(archive_path, limits).run(destination);
}

}  // namespace sluice::host
