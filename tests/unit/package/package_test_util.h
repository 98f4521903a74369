// Helpers for the package tests: a fresh temporary folder per test, file
// writers, and a zip writer that controls raw entry names and attributes.
#pragma once

#include <cstdint>
#include <ctime>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace webjobs::testing {

// A new directory under the system temp folder, removed with its contents
// when the object goes away.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(std::string_view name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// Writes `content` to `path`, creating parent folders.
void WriteFile(const std::filesystem::path& path, std::string_view content);
void WriteExecutable(const std::filesystem::path& path, std::string_view content);
std::string ReadFile(const std::filesystem::path& path);

// The first 64 bytes of a little-endian 64-bit ELF file of type `elf_type`
// (2: executable, 3: shared object or PIE, 1: relocatable).
std::string ElfHeader(int elf_type = 2);

// Every path below `root`, relative, with '/' separators; folders end in '/'.
std::set<std::string> ListTree(const std::filesystem::path& root);

// Permission bits (07777) of `path`, without following a final symbolic link.
unsigned FileMode(const std::filesystem::path& path);

// A zip entry as the test wants it written.
struct ZipEntrySpec {
  std::string name;  // stored as given, bytes unchanged
  std::string data;
  // Full st_mode (type and permissions) stored as Unix external attributes;
  // nullopt stores MS-DOS attributes (as Windows tools do).
  std::optional<uint32_t> unix_mode;
  bool directory = false;  // added with zip_dir_add (name gets a trailing '/')
  bool encrypt = false;
  bool store = false;  // no compression
  std::optional<std::time_t> modified;
};

// Writes a zip archive with libzip; fails the current test on errors.
void WriteZip(const std::filesystem::path& path, const std::vector<ZipEntrySpec>& entries);

// Returns a folder of fake interpreters (bash, python3, php, node, java, and
// pwsh when `with_pwsh`), to use as the runners' search path.
std::filesystem::path MakeFakeInterpreters(const std::filesystem::path& dir,
                                           bool with_pwsh = false);

}  // namespace webjobs::testing
