#include "package/package_test_util.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <zip.h>

#include <fstream>
#include <sstream>

namespace webjobs::testing {

TempDir::TempDir() {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "webjobs-package-XXXXXX").string();
  char* created = ::mkdtemp(pattern.data());
  if (created == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = created;
}

TempDir::~TempDir() {
  std::error_code error;
  std::filesystem::remove_all(path_, error);
}

void WriteFile(const std::filesystem::path& path, std::string_view content) {
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  std::ofstream stream(path, std::ios::binary | std::ios::trunc);
  stream.write(content.data(), static_cast<std::streamsize>(content.size()));
  ASSERT_TRUE(stream.good()) << path;
}

void WriteExecutable(const std::filesystem::path& path, std::string_view content) {
  WriteFile(path, content);
  std::filesystem::permissions(path, std::filesystem::perms(0755));
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream stream(path, std::ios::binary);
  std::ostringstream content;
  content << stream.rdbuf();
  return content.str();
}

std::string ElfHeader(int elf_type) {
  std::string header(64, '\0');
  header.replace(0, 4,
                 "\x7F"
                 "ELF");
  header[4] = 2;  // 64-bit
  header[5] = 1;  // little-endian
  header[6] = 1;  // version
  header[16] = static_cast<char>(elf_type);
  return header;
}

std::set<std::string> ListTree(const std::filesystem::path& root) {
  std::set<std::string> paths;
  for (auto it = std::filesystem::recursive_directory_iterator(root);
       it != std::filesystem::recursive_directory_iterator(); ++it) {
    std::string relative = it->path().lexically_relative(root).generic_string();
    paths.insert(it->is_directory() && !it->is_symlink() ? relative + "/" : relative);
  }
  return paths;
}

unsigned FileMode(const std::filesystem::path& path) {
  struct stat info {};
  if (::lstat(path.c_str(), &info) != 0) return 0xFFFFFFFF;
  return info.st_mode & 07777;
}

namespace {

void AddEntry(zip_t* archive, const ZipEntrySpec& entry) {
  zip_int64_t index = -1;
  if (entry.directory) {
    index = zip_dir_add(archive, entry.name.c_str(), ZIP_FL_ENC_RAW);
  } else {
    zip_source_t* source = zip_source_buffer(archive, entry.data.data(), entry.data.size(), 0);
    ASSERT_NE(source, nullptr);
    index = zip_file_add(archive, entry.name.c_str(), source, ZIP_FL_ENC_RAW);
    if (index < 0) zip_source_free(source);
  }
  ASSERT_GE(index, 0) << "cannot add " << entry.name << ": " << zip_strerror(archive);
  uint64_t at = static_cast<uint64_t>(index);
  if (entry.unix_mode) {
    ASSERT_EQ(
        zip_file_set_external_attributes(archive, at, 0, ZIP_OPSYS_UNIX, *entry.unix_mode << 16),
        0);
  } else {
    uint32_t dos_attributes = entry.directory ? 0x10 : 0x20;
    ASSERT_EQ(zip_file_set_external_attributes(archive, at, 0, ZIP_OPSYS_DOS, dos_attributes), 0);
  }
  if (entry.store) {
    ASSERT_EQ(zip_set_file_compression(archive, at, ZIP_CM_STORE, 0), 0);
  }
  if (entry.modified) {
    ASSERT_EQ(zip_file_set_mtime(archive, at, *entry.modified, 0), 0);
  }
  if (entry.encrypt) {
    ASSERT_EQ(zip_file_set_encryption(archive, at, ZIP_EM_AES_256, "secret"), 0)
        << zip_strerror(archive);
  }
}

}  // namespace

void WriteZip(const std::filesystem::path& path, const std::vector<ZipEntrySpec>& entries) {
  int error = 0;
  zip_t* archive = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  ASSERT_NE(archive, nullptr) << "zip_open error " << error;
  for (const ZipEntrySpec& entry : entries) {
    AddEntry(archive, entry);
    if (::testing::Test::HasFatalFailure()) {
      zip_discard(archive);
      return;
    }
  }
  ASSERT_EQ(zip_close(archive), 0) << zip_strerror(archive);
}

std::filesystem::path MakeFakeInterpreters(const std::filesystem::path& dir, bool with_pwsh) {
  std::filesystem::create_directories(dir);
  for (const char* name : {"bash", "python3", "php", "node", "java", "ruby", "perl"}) {
    WriteExecutable(dir / name, "#!/bin/sh\nexit 0\n");
  }
  if (with_pwsh) WriteExecutable(dir / "pwsh", "#!/bin/sh\nexit 0\n");
  return dir;
}

}  // namespace webjobs::testing
