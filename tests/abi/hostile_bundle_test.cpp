// Specifies how the host treats a plugin bundle as hostile input: each attack is built here (tar
// entries written with libarchive, plugins with chosen ids or a constructor), each is refused
// with a message naming the bundle, and nothing outside the plugin folder changes — not even a
// file the attack aims at, and not $SLUICE_HOME/plugins itself when the install is refused.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <archive.h>
#include <archive_entry.h>
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "plugins/archive.hpp"
#include "plugins/folder_swap.hpp"
#include "plugins/installer.hpp"
#include "plugins/loader.hpp"
#include "plugins/manifest.hpp"
#include "plugins/plugin_id.hpp"
#include "plugins/registry.hpp"
#include "temp_dir.hpp"

namespace sluice::host {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

fs::path plugin_file(const std::string& name) {
  return fs::path(ABI_PLUGIN_DIR) / ("sluice-plugin-abi_" + name + ".so");
}

std::string read_bytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_bytes(const fs::path& file, const std::string& bytes) {
  std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
}

mode_t mode_of(const fs::path& file) {
  struct stat info {};
  EXPECT_EQ(::lstat(file.c_str(), &info), 0) << file;
  return info.st_mode & 07777;
}

// Every path under `root` with its type, mode, owner and, for files, size, mtime and bytes (a
// folder's mtime is left out: creating and removing a private folder inside it changes it).
std::map<std::string, std::string> snapshot(const fs::path& root) {
  std::map<std::string, std::string> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    struct stat info {};
    ::lstat(it->path().c_str(), &info);
    std::string line =
        fmt::format("mode {:o} uid {} gid {}", info.st_mode, info.st_uid, info.st_gid);
    if (S_ISREG(info.st_mode)) {
      line += fmt::format(" size {} mtime {}.{} sha256 {}", info.st_size, info.st_mtim.tv_sec,
                          info.st_mtim.tv_nsec, *sha256_file(it->path()));
    } else if (S_ISLNK(info.st_mode)) {
      line += " -> " + fs::read_symlink(it->path(), ec).string();
    }
    out[fs::relative(it->path(), root).string()] = line;
  }
  return out;
}

// Writes a tar (gzip-compressed when the name ends in .gz) entry by entry.
class TarWriter {
 public:
  explicit TarWriter(const fs::path& file) : a_(archive_write_new()) {
    archive_write_set_format_pax_restricted(a_);
    if (file.extension() == ".gz") archive_write_add_filter_gzip(a_);
    EXPECT_EQ(archive_write_open_filename(a_, file.c_str()), ARCHIVE_OK);
  }
  ~TarWriter() {
    archive_write_close(a_);
    archive_write_free(a_);
  }

  void file(const std::string& name, const std::string& body, mode_t mode = 0644) {
    archive_entry* e = entry(name, AE_IFREG, mode);
    archive_entry_set_size(e, static_cast<la_int64_t>(body.size()));
    write(e, body);
  }
  void dir(const std::string& name, mode_t mode = 0755) { write(entry(name, AE_IFDIR, mode), ""); }
  void hardlink(const std::string& name, const std::string& target, const std::string& body) {
    archive_entry* e = entry(name, AE_IFREG, 0644);
    archive_entry_set_hardlink(e, target.c_str());
    archive_entry_set_size(e, static_cast<la_int64_t>(body.size()));
    write(e, body);
  }
  void symlink(const std::string& name, const std::string& target) {
    archive_entry* e = entry(name, AE_IFLNK, 0777);
    archive_entry_set_symlink(e, target.c_str());
    write(e, "");
  }
  void special(const std::string& name, mode_t type) {
    archive_entry* e = entry(name, type, 0644);
    if (type == AE_IFCHR) archive_entry_set_rdev(e, makedev(1, 3));
    write(e, "");
  }
  // A file of `size` zero bytes, written in blocks: it compresses to almost nothing.
  void zeros(const std::string& name, uint64_t size) {
    archive_entry* e = entry(name, AE_IFREG, 0644);
    archive_entry_set_size(e, static_cast<la_int64_t>(size));
    EXPECT_EQ(archive_write_header(a_, e), ARCHIVE_OK) << archive_error_string(a_);
    const std::string block(1 << 16, '\0');
    for (uint64_t done = 0; done < size; done += block.size()) {
      archive_write_data(a_, block.data(), std::min<uint64_t>(block.size(), size - done));
    }
    archive_entry_free(e);
  }
  // A sparse file that declares `size` bytes and holds only `tail` at its end.
  void sparse(const std::string& name, uint64_t size, const std::string& tail) {
    archive_entry* e = entry(name, AE_IFREG, 0644);
    archive_entry_set_size(e, static_cast<la_int64_t>(size));
    archive_entry_sparse_add_entry(e, static_cast<la_int64_t>(size - tail.size()),
                                   static_cast<la_int64_t>(tail.size()));
    write(e, tail);
  }

 private:
  archive_entry* entry(const std::string& name, mode_t type, mode_t mode) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_filetype(e, type);
    archive_entry_set_perm(e, mode);
    archive_entry_set_uid(e, 4242);
    archive_entry_set_gid(e, 4242);
    archive_entry_set_mtime(e, 1700000000, 0);
    return e;
  }
  void write(archive_entry* e, const std::string& body) {
    EXPECT_EQ(archive_write_header(a_, e), ARCHIVE_OK) << archive_error_string(a_);
    if (!body.empty()) archive_write_data(a_, body.data(), body.size());
    archive_entry_free(e);
  }

  archive* a_;
};

// One ustar header block for `name`, `type` and `size`, its checksum filled in.
std::string ustar_header(const std::string& name, char type, size_t size,
                         const std::string& link = "") {
  std::string header(512, '\0');
  auto put = [&](size_t at, const std::string& text) { header.replace(at, text.size(), text); };
  put(0, name.substr(0, 99));
  put(100, "0000644");
  put(108, "0000000");
  put(116, "0000000");
  put(124, fmt::format("{:011o}", size));
  put(136, fmt::format("{:011o}", 1700000000));
  put(148, std::string(8, ' '));
  header[156] = type;
  put(157, link.substr(0, 99));
  put(257, std::string("ustar\0", 6));
  put(263, "00");
  unsigned sum = 0;
  for (char c : header) sum += static_cast<unsigned char>(c);
  put(148, fmt::format("{:06o}", sum) + std::string("\0 ", 2));
  return header;
}

std::string padded(const std::string& body) {
  return body + std::string((512 - body.size() % 512) % 512, '\0');
}

// A .tar of one hard-link entry that carries a body, written byte by byte: libarchive's writers
// drop the body of a hard link, but its reader keeps it in a pax archive (POSIX 2001 allows
// hard links with data), and a naive extraction writes it through the link.
void hardlink_with_body_tar(const fs::path& file, const std::string& name,
                            const std::string& target, const std::string& body) {
  std::string record = fmt::format(" size={}\n", body.size());
  record = fmt::format("{}{}", record.size() + 2, record);  // the length counts its own 2 digits
  std::string data = ustar_header("PaxHeaders/" + name, 'x', record.size()) + padded(record);
  data += ustar_header(name, '1', body.size(), target) + padded(body);
  data += std::string(1024, '\0');
  write_bytes(file, data);
}

Manifest manifest_for(const std::string& id, const std::string& library, const fs::path& file) {
  Manifest m;
  m.id = id;
  m.version = "1.0.0";
  m.abi_version = "1.0";
  m.library = library;
  m.sha256 = *sha256_file(file);
  return m;
}

// A temporary tree: home/ with a store, a key and an installed plugin "good", outside/ with a
// canary file an attack aims at, and bundles/ where the test builds its bundles.
class HostileBundle : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(home_);
    fs::create_directories(outside_);
    fs::create_directories(bundles_);
    write_bytes(home_ / "sluice.db", "the store");
    write_bytes(home_ / "secret.key", "the key");
    write_bytes(canary_, "canary\n");
    ASSERT_TRUE(install_plugin(plugin_file("good"), home_));
  }

  // Installs `source`, expects a refusal naming it and leaving the whole tree as it was.
  std::string refused(const fs::path& source, const InstallOptions& options = {}) {
    const auto before = snapshot(root_);
    auto outcome = install_plugin(source, home_, options);
    EXPECT_FALSE(outcome) << "expected " << source << " to be refused";
    if (outcome) return "";
    EXPECT_EQ(snapshot(root_), before) << "refusing " << source << " changed the tree";
    EXPECT_THAT(outcome.error().message, HasSubstr(source.string()));
    EXPECT_THAT(outcome.error().message, Not(HasSubstr(".install-")));
    return outcome.error().message;
  }

  // A bundle folder bundles/<name>/ holding a copy of `plugin` and a manifest saying `m`.
  fs::path bundle_folder(const std::string& name, const std::string& plugin,
                         const std::function<void(Manifest&)>& edit = {}) {
    const fs::path folder = bundles_ / name;
    fs::create_directories(folder);
    fs::copy_file(plugin_file(plugin), folder / "lib.so");
    Manifest m = manifest_for(plugin, "lib.so", folder / "lib.so");
    if (edit) edit(m);
    EXPECT_TRUE(write_manifest(m, folder / "manifest.json"));
    return folder;
  }

  testing::TempDir dir_{"sluice-hostile"};
  const fs::path root_ = dir_.path();
  const fs::path home_ = root_ / "home";
  const fs::path outside_ = root_ / "outside";
  const fs::path bundles_ = root_ / "bundles";
  const fs::path canary_ = outside_ / "canary.txt";
};

// Changes the working directory for one test and back (tests run on one thread).
class WorkingDirectory {
 public:
  explicit WorkingDirectory(const fs::path& dir) : old_(fs::current_path()) {
    fs::current_path(dir);
  }
  ~WorkingDirectory() { fs::current_path(old_); }

 private:
  fs::path old_;
};

// --- tar entries that are not regular files or folders -------------------------------------

TEST_F(HostileBundle, RefusesAHardlinkToAnAbsolutePathAndLeavesItsTargetAlone) {
  const fs::path bundle = bundles_ / "hardlink.tar";
  hardlink_with_body_tar(bundle, "evil/lib.so", canary_.string(), "overwritten\n");
  const std::string m = refused(bundle);
  EXPECT_THAT(m, HasSubstr(fmt::format("refusing plugin bundle {}: entry 'evil/lib.so' is a hard "
                                       "link to '{}'; a bundle may hold only regular files and "
                                       "folders",
                                       bundle.string(), canary_.string())));
  EXPECT_EQ(read_bytes(canary_), "canary\n");
}

TEST_F(HostileBundle, RefusesAHardlinkRelativeToTheWorkingDirectory) {
  const fs::path bundle = bundles_ / "hardlink-cwd.tar";
  hardlink_with_body_tar(bundle, "lib.so", "canary.txt", "overwritten\n");
  WorkingDirectory in(outside_);
  const std::string m = refused(bundle);
  EXPECT_THAT(m, HasSubstr("entry 'lib.so' is a hard link to 'canary.txt'"));
  EXPECT_EQ(read_bytes(canary_), "canary\n");
}

TEST_F(HostileBundle, RefusesAHardlinkToAFileInsideTheBundle) {
  const fs::path bundle = bundles_ / "hardlink-inside.tar.gz";
  {
    TarWriter tar(bundle);
    tar.file("b/lib.so", "library");
    tar.hardlink("b/copy.so", "b/lib.so", "");
  }
  EXPECT_THAT(refused(bundle), HasSubstr("entry 'b/copy.so' is a hard link to 'b/lib.so'"));
}

TEST_F(HostileBundle, RefusesASymlinkEvenWhenAFileFollowsThroughIt) {
  const fs::path bundle = bundles_ / "symlink.tar.gz";
  {
    TarWriter tar(bundle);
    tar.symlink("out", outside_.string());
    tar.file("out/canary.txt", "overwritten\n");
  }
  const std::string m = refused(bundle);
  EXPECT_THAT(m,
              HasSubstr(fmt::format("entry 'out' is a symbolic link to '{}'", outside_.string())));
  EXPECT_EQ(read_bytes(canary_), "canary\n");
}

TEST_F(HostileBundle, RefusesDeviceNodesAndFifos) {
  const fs::path device = bundles_ / "device.tar.gz";
  const fs::path fifo = bundles_ / "fifo.tar";
  {
    TarWriter tar(device);
    tar.special("null", AE_IFCHR);
  }
  {
    TarWriter tar(fifo);
    tar.special("pipe", AE_IFIFO);
  }
  EXPECT_THAT(refused(device), HasSubstr("entry 'null' is a character device"));
  EXPECT_THAT(refused(fifo), HasSubstr("entry 'pipe' is a FIFO"));
}

TEST_F(HostileBundle, RefusesAbsoluteAndParentNames) {
  const fs::path absolute = bundles_ / "absolute.tar.gz";
  const fs::path parent = bundles_ / "parent.tar.gz";
  {
    TarWriter tar(absolute);
    tar.file((outside_ / "evil").string(), "x");
  }
  {
    TarWriter tar(parent);
    tar.file("b/../../../../outside/evil", "x");
  }
  EXPECT_THAT(refused(absolute), HasSubstr(fmt::format("entry '{}' is an absolute path",
                                                       (outside_ / "evil").string())));
  EXPECT_THAT(refused(parent), HasSubstr("entry 'b/../../../../outside/evil' leaves the bundle"));
  EXPECT_FALSE(fs::exists(outside_ / "evil"));
}

TEST_F(HostileBundle, RefusesAFileThatAppearsTwice) {
  const fs::path bundle = bundles_ / "twice.tar";
  {
    TarWriter tar(bundle);
    tar.file("b/lib.so", "first");
    tar.file("b/./lib.so", "second");
  }
  EXPECT_THAT(refused(bundle), HasSubstr("entry 'b/./lib.so' appears twice"));
}

// --- size and count caps ---------------------------------------------------------------------

TEST_F(HostileBundle, RefusesMoreExtractedBytesThanTheCap) {
  const fs::path bundle = bundles_ / "zeros.tar.gz";
  {
    TarWriter tar(bundle);
    tar.file("b/manifest.json", "{}");
    tar.zeros("b/lib.so", uint64_t{4} << 20);
  }
  EXPECT_LT(fs::file_size(bundle), 64u << 10);
  InstallOptions options;
  options.limits.max_total_bytes = uint64_t{1} << 20;
  EXPECT_THAT(refused(bundle, options),
              HasSubstr(fmt::format("refusing plugin bundle {}: expected at most 1 MiB of "
                                    "extracted files, found more (entry 'b/lib.so' holds 4 MiB "
                                    "after 2 bytes in earlier entries)",
                                    bundle.string())));
}

TEST_F(HostileBundle, RefusesASparseFileDeclaringMoreThanTheDefaultCapWithoutWritingIt) {
  const fs::path bundle = bundles_ / "sparse.tar.gz";
  {
    TarWriter tar(bundle);
    tar.sparse("lib.so", uint64_t{1} << 30, "tail");
  }
  EXPECT_THAT(refused(bundle), HasSubstr("expected at most 256 MiB of extracted files, found more "
                                         "(entry 'lib.so' holds 1 GiB after 0 bytes"));
}

TEST_F(HostileBundle, RefusesMoreEntriesThanTheCap) {
  const fs::path bundle = bundles_ / "many.tar.gz";
  {
    TarWriter tar(bundle);
    for (int i = 0; i < 1001; ++i) tar.file(fmt::format("b/f{}", i), "");
  }
  EXPECT_THAT(refused(bundle), HasSubstr("expected at most 1000 entries, found more (entry 1001 is "
                                         "'b/f1000')"));
  InstallOptions options;
  options.limits.max_entries = 10;
  EXPECT_THAT(refused(bundle, options),
              HasSubstr("expected at most 10 entries, found more (entry 11 is 'b/f10')"));
}

// --- modes -----------------------------------------------------------------------------------

TEST_F(HostileBundle, ExtractsFilesWithNormalModesAndTheExtractingUserAsOwner) {
  const fs::path bundle = bundles_ / "modes.tar.gz";
  {
    TarWriter tar(bundle);
    tar.dir("b/", 07777);
    tar.file("b/setuid.so", "x", 07777);
    tar.file("b/writable.txt", "y", 0666);
    tar.file("b/private", "z", 0400);
    tar.file("b/implicit/owner-exec", "w", 0700);
  }
  const fs::path into = root_ / "extracted";
  fs::create_directories(into);
  auto extracted = extract_archive(bundle, into);
  ASSERT_TRUE(extracted) << extracted.error().message;
  EXPECT_EQ(mode_of(into / "b"), 0755u);
  EXPECT_EQ(mode_of(into / "b" / "setuid.so"), 0755u);
  EXPECT_EQ(mode_of(into / "b" / "writable.txt"), 0644u);
  EXPECT_EQ(mode_of(into / "b" / "private"), 0644u);
  EXPECT_EQ(mode_of(into / "b" / "implicit"), 0755u);
  EXPECT_EQ(mode_of(into / "b" / "implicit" / "owner-exec"), 0755u);
  struct stat info {};
  ASSERT_EQ(::stat((into / "b" / "setuid.so").c_str(), &info), 0);
  EXPECT_EQ(info.st_uid, ::geteuid());
  EXPECT_EQ(read_bytes(into / "b" / "setuid.so"), "x");
}

TEST_F(HostileBundle, InstallsASetuidLibraryWithoutItsSpecialModes) {
  const fs::path bundle = bundles_ / "setuid.tar.gz";
  const fs::path lib = bundles_ / "lib.so";
  fs::copy_file(plugin_file("named_8"), lib);
  {
    TarWriter tar(bundle);
    tar.dir("b/", 07777);
    tar.file("b/lib.so", read_bytes(lib), 07777);
    std::string manifest;
    {
      const fs::path file = bundles_ / "manifest.json";
      ASSERT_TRUE(write_manifest(manifest_for("a..b-1_0", "lib.so", lib), file));
      manifest = read_bytes(file);
    }
    tar.file("b/manifest.json", manifest, 06666);
  }
  auto installed = install_plugin(bundle, home_);
  ASSERT_TRUE(installed) << installed.error().message;
  EXPECT_EQ(installed->folder, home_ / "plugins" / "a..b-1_0");
  EXPECT_EQ(mode_of(installed->folder), 0755u);
  EXPECT_EQ(mode_of(installed->folder / "lib.so"), 0755u);
  EXPECT_EQ(mode_of(installed->folder / "manifest.json"), 0644u);
}

// --- plugin ids ------------------------------------------------------------------------------

TEST_F(HostileBundle, RefusesAPluginWhoseIdIsNotAValidPathComponent) {
  const std::vector<std::pair<int, std::string>> cases = {
      {1, "found '..' (it would name a folder outside the plugin's own)"},
      {2, "found '.' (it would name a folder outside the plugin's own)"},
      {3, "found '../../x' (it contains '/')"},
      {4, "found 'A' (it contains an upper-case letter)"},
      {5, "found '" + std::string(65, 'a') + "' (it is 65 characters long, the limit is 64)"},
      {6, "found 'a/b' (it contains '/')"},
      {7, "found 'a\\x0ab' (it contains a control character)"},
  };
  for (const auto& [named, found] : cases) {
    SCOPED_TRACE(named);
    const fs::path library = plugin_file(fmt::format("named_{}", named));
    const std::string m = refused(library);
    EXPECT_EQ(m, fmt::format("refusing plugin {}: expected a plugin id matching "
                             "[a-z0-9][a-z0-9._-]{{0,63}}, {} — give the plugin a valid id "
                             "(SLUICE_PLUGIN's first argument) and rebuild it",
                             library.string(), found));
  }
  EXPECT_EQ(read_bytes(home_ / "sluice.db"), "the store");
  PluginRegistry registry = PluginRegistry::load_installed(home_);
  EXPECT_TRUE(registry.problems().empty());
  EXPECT_NE(registry.find("good"), nullptr);
}

TEST_F(HostileBundle, InstallsAPluginWhoseIdHasDotsInside) {
  auto installed = install_plugin(plugin_file("named_8"), home_);
  ASSERT_TRUE(installed) << installed.error().message;
  EXPECT_EQ(installed->folder, home_ / "plugins" / "a..b-1_0");
  EXPECT_TRUE(fs::exists(home_ / "plugins" / "good" / "manifest.json"));
}

TEST_F(HostileBundle, RefusesABundleWhoseManifestIdIsNotValid) {
  const fs::path folder = bundle_folder("dotdot", "good", [](Manifest& m) { m.id = ".."; });
  EXPECT_THAT(refused(folder),
              HasSubstr(fmt::format("plugin manifest {}: field \"id\": expected a plugin id "
                                    "matching [a-z0-9][a-z0-9._-]{{0,63}}, found '..'",
                                    (folder / "manifest.json").string())));
}

TEST_F(HostileBundle, RemoveRefusesIdsThatAreNotValidAndTouchesNothing) {
  for (const std::string id : {"..", ".", "../home", "../../outside", "", "good/..", "GOOD"}) {
    SCOPED_TRACE(id);
    const auto before = snapshot(root_);
    auto removed = remove_plugin(id, home_);
    ASSERT_FALSE(removed);
    EXPECT_THAT(removed.error().message,
                HasSubstr("is installed in " + (home_ / "plugins").string()));
    EXPECT_EQ(snapshot(root_), before);
  }
}

TEST_F(HostileBundle, TheRegistrySkipsAFolderWhoseNameOrManifestIdIsNotValid) {
  // Placed by hand: an upper-case folder, and a folder whose manifest names another id.
  for (const std::string name : {"Upper", "other"}) {
    const fs::path folder = home_ / "plugins" / name;
    fs::create_directories(folder);
    fs::copy_file(plugin_file("good"), folder / "lib.so");
    ASSERT_TRUE(write_manifest(manifest_for("good", "lib.so", folder / "lib.so"),
                               folder / "manifest.json"));
  }
  PluginRegistry registry = PluginRegistry::load_installed(home_);
  ASSERT_EQ(registry.problems().size(), 2u);
  EXPECT_THAT(registry.problems()[0].message,
              HasSubstr("expected a plugin id matching [a-z0-9][a-z0-9._-]{0,63}, found 'Upper'"));
  EXPECT_THAT(registry.problems()[1].message,
              HasSubstr("expected id 'other' (its folder's name) and a library beside the "
                        "manifest, found id 'good'"));
  ASSERT_EQ(registry.plugins().size(), 1u);
  EXPECT_EQ(registry.plugins()[0]->file, home_ / "plugins" / "good" / "sluice-plugin-abi_good.so");
}

// --- the manifest's library ------------------------------------------------------------------

TEST_F(HostileBundle, RefusesAManifestLibraryOutsideTheBundle) {
  fs::copy_file(plugin_file("good"), bundles_ / "outside.so");
  const fs::path up = bundle_folder("up", "good", [](Manifest& m) { m.library = "../outside.so"; });
  EXPECT_THAT(refused(up), HasSubstr("field \"library\": expected the path of a file inside the "
                                     "bundle folder (like \"lib/x.so\"), found \"../outside.so\""));
  const std::string absolute_path = (bundles_ / "outside.so").string();
  const fs::path absolute =
      bundle_folder("absolute", "good", [&](Manifest& m) { m.library = absolute_path; });
  EXPECT_THAT(refused(absolute), HasSubstr("field \"library\": expected the path of a file inside "
                                           "the bundle folder"));

  const fs::path nul = bundle_folder(
      "nul", "good", [](Manifest& m) { m.library = std::string("lib.so\0.txt", 11); });
  EXPECT_THAT(refused(nul), HasSubstr("field \"library\": expected the path of a file inside "
                                      "the bundle folder"));

  const fs::path through =
      bundle_folder("through", "good", [](Manifest& m) { m.library = "link.so"; });
  fs::create_symlink(bundles_ / "outside.so", through / "link.so");
  EXPECT_THAT(refused(through),
              HasSubstr(fmt::format("refusing plugin bundle {}: expected the library 'link.so' "
                                    "named by its manifest inside the bundle folder, found it "
                                    "leads to {} outside it",
                                    through.string(), (bundles_ / "outside.so").string())));

  const fs::path folder = bundle_folder("folder", "good", [](Manifest& m) { m.library = "sub"; });
  fs::create_directories(folder / "sub");
  EXPECT_THAT(refused(folder), HasSubstr("expected the library 'sub' named by its manifest to be a "
                                         "regular file, found something else"));
}

TEST_F(HostileBundle, InstallsAManifestLibraryInASubfolderOfTheBundle) {
  const fs::path folder = bundle_folder("sub", "good", [](Manifest& m) { m.library = "lib/x.so"; });
  fs::create_directories(folder / "lib");
  fs::rename(folder / "lib.so", folder / "lib" / "x.so");
  fs::remove_all(home_ / "plugins" / "good");
  auto installed = install_plugin(folder, home_);
  ASSERT_TRUE(installed) << installed.error().message;
  EXPECT_EQ(installed->manifest.library, "x.so");
  EXPECT_TRUE(fs::is_regular_file(home_ / "plugins" / "good" / "x.so"));
}

// --- the hash is checked on the bytes that are loaded ----------------------------------------

TEST_F(HostileBundle, LoadsTheBytesThatWereHashedEvenIfTheFileIsSwappedAfterwards) {
  const fs::path library = root_ / "lib.so";
  fs::copy_file(plugin_file("good"), library);
  const Manifest m = manifest_for("good", "lib.so", library);
  auto opened = open_library(library, m);
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_EQ(opened->sha256(), m.sha256);
  // Another valid plugin renamed over the path between the check and dlopen.
  fs::copy_file(plugin_file("dup_twin"), root_ / "twin.so");
  fs::rename(root_ / "twin.so", library);
  auto loaded = load_library(std::move(*opened), m);
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ((*loaded)->file, library);
  ASSERT_EQ((*loaded)->connectors.size(), 1u);
  EXPECT_EQ((*loaded)->connectors[0].connection_type, "good");  // the twin's would be "twin"
}

TEST_F(HostileBundle, RefusesAnInstalledLibraryThatIsASymlink) {
  const fs::path installed = home_ / "plugins" / "good" / "sluice-plugin-abi_good.so";
  fs::rename(installed, root_ / "real.so");
  fs::create_symlink(root_ / "real.so", installed);
  PluginRegistry registry = PluginRegistry::load_installed(home_);
  ASSERT_EQ(registry.problems().size(), 1u);
  EXPECT_THAT(registry.problems()[0].message,
              HasSubstr(fmt::format("refusing plugin {}: expected a shared library file, found a "
                                    "symbolic link",
                                    installed.string())));
}

// --- atomic replacement ----------------------------------------------------------------------

TEST_F(HostileBundle, AFailedReplacementLeavesTheInstalledPluginAsItWas) {
  const auto before = snapshot(home_ / "plugins" / "good");
  InstallOptions options;
  options.before_replace = [](const fs::path& staged, const fs::path&) { fs::remove_all(staged); };
  const std::string m = refused(plugin_file("good"), options);
  EXPECT_THAT(m, HasSubstr(fmt::format("cannot move the new plugin into {}: ",
                                       (home_ / "plugins" / "good").string())));
  EXPECT_THAT(m, HasSubstr("what was installed there is unchanged"));
  EXPECT_EQ(snapshot(home_ / "plugins" / "good"), before);
  PluginRegistry registry = PluginRegistry::load_installed(home_);
  EXPECT_TRUE(registry.problems().empty());
  EXPECT_NE(registry.find("good"), nullptr);
}

TEST_F(HostileBundle, AReplacementSwapsTheWholeFolder) {
  write_bytes(home_ / "plugins" / "good" / "left-over", "from the old version");
  auto replaced = install_plugin(plugin_file("good"), home_);
  ASSERT_TRUE(replaced) << replaced.error().message;
  EXPECT_EQ(replaced->replaced_version, "1.0.0");
  EXPECT_FALSE(fs::exists(home_ / "plugins" / "good" / "left-over"));
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(home_ / "plugins")) {
    names.push_back(e.path().filename().string());
  }
  EXPECT_EQ(names, std::vector<std::string>{"good"});
}

class FolderSwap : public ::testing::TestWithParam<SwapMethod> {
 protected:
  void SetUp() override {
    fs::create_directories(target_);
    write_bytes(target_ / "old", "old");
    fs::create_directories(staged_);
    write_bytes(staged_ / "new", "new");
  }
  std::vector<std::string> names(const fs::path& dir) {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }
  testing::TempDir dir_{"sluice-swap"};
  const fs::path target_ = dir_.path() / "good";
  const fs::path staged_ = dir_.path() / ".install-x";
};

TEST_P(FolderSwap, ReplacesTheFolderAndRemovesTheOldOne) {
  ASSERT_TRUE(swap_in_folder(staged_, target_, GetParam()));
  EXPECT_EQ(names(target_), std::vector<std::string>{"new"});
  EXPECT_EQ(names(dir_.path()), std::vector<std::string>{"good"});
}

TEST_P(FolderSwap, MovesTheFolderInWhereThereWasNone) {
  fs::remove_all(target_);
  ASSERT_TRUE(swap_in_folder(staged_, target_, GetParam()));
  EXPECT_EQ(names(target_), std::vector<std::string>{"new"});
  EXPECT_EQ(names(dir_.path()), std::vector<std::string>{"good"});
}

TEST_P(FolderSwap, AFailedSwapLeavesTheTargetAsItWas) {
  fs::remove_all(staged_);  // the rename of the new folder fails
  auto swapped = swap_in_folder(staged_, target_, GetParam());
  ASSERT_FALSE(swapped);
  EXPECT_THAT(swapped.error().message,
              HasSubstr(fmt::format("cannot move the new plugin into {}: No such file or "
                                    "directory; what was installed there is unchanged",
                                    target_.string())));
  EXPECT_EQ(names(target_), std::vector<std::string>{"old"});
  EXPECT_EQ(read_bytes(target_ / "old"), "old");
  EXPECT_EQ(names(dir_.path()), std::vector<std::string>{"good"});
}

INSTANTIATE_TEST_SUITE_P(BothMethods, FolderSwap,
                         ::testing::Values(SwapMethod::kExchange, SwapMethod::kRenameAside),
                         [](const auto& info) {
                           return info.param == SwapMethod::kExchange ? "Exchange" : "RenameAside";
                         });

// --- no plugin code runs before its manifest and symbol table pass ---------------------------

class ConstructorMarker : public HostileBundle {
 protected:
  void SetUp() override {
    HostileBundle::SetUp();
    ASSERT_EQ(::setenv("SLUICE_TEST_MARKER", marker_.c_str(), 1), 0);
  }
  void TearDown() override { ::unsetenv("SLUICE_TEST_MARKER"); }
  const fs::path marker_ = outside_ / "constructor-ran";
};

TEST_F(ConstructorMarker, RunsNoCodeOfABundleWhoseManifestIsRefused) {
  const std::vector<std::pair<std::string, std::function<void(Manifest&)>>> cases = {
      {"bad-id", [](Manifest& m) { m.id = ".."; }},
      {"bad-library", [](Manifest& m) { m.library = "../lib.so"; }},
      {"bad-sha", [](Manifest& m) { m.sha256 = std::string(64, 'f'); }},
      {"bad-abi", [](Manifest& m) { m.abi_version = "2.0"; }},
  };
  for (const auto& [name, edit] : cases) {
    SCOPED_TRACE(name);
    fs::remove(marker_);  // so that each case fails on its own
    const fs::path folder = bundle_folder(name, "ctor", edit);
    refused(folder);
    EXPECT_FALSE(fs::exists(marker_));
  }
  const fs::path folder = bundles_ / "bad-abi";
  EXPECT_THAT(refused(folder), HasSubstr("found abiVersion 2.0"));
}

TEST_F(ConstructorMarker, RunsNoCodeOfALibraryWithoutTheEntrySymbol) {
  const fs::path folder = bundle_folder("no-entry", "ctor_no_entry");
  EXPECT_THAT(refused(folder), HasSubstr("expected the exported symbol sluice_plugin_entry_v1"));
  EXPECT_THAT(refused(plugin_file("ctor_no_entry")),
              HasSubstr("expected the exported symbol sluice_plugin_entry_v1"));
  EXPECT_FALSE(fs::exists(marker_));
}

TEST_F(ConstructorMarker, RunsTheCodeOfABundleThatPasses) {
  const fs::path folder = bundle_folder("ok", "ctor");
  auto installed = install_plugin(folder, home_);
  ASSERT_TRUE(installed) << installed.error().message;
  EXPECT_EQ(read_bytes(marker_), "constructor ran\n");
}

// --- the id check itself ---------------------------------------------------------------------

TEST(PluginId, AcceptsExactlyThePattern) {
  for (const std::string& id :
       std::vector<std::string>{"a", "0", "http", "a..b", "x_y-z.1", std::string(64, 'z')}) {
    EXPECT_TRUE(is_valid_plugin_id(id)) << id;
  }
  for (const std::string& id :
       std::vector<std::string>{"", ".", "..", ".a", "-a", "_a", "a/b", "A", "a b", "a\tb",
                                std::string(65, 'z'), std::string("a\0b", 3), "é"}) {
    EXPECT_FALSE(is_valid_plugin_id(id)) << id;
  }
}

}  // namespace
}  // namespace sluice::host
