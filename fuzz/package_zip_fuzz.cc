// Fuzzes zip import: the input is written to a file and staged into a
// fresh folder. Whatever the bytes, nothing may appear outside the staging
// folder and no symbolic link may appear inside it.
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "package/package_importer.h"

namespace {

namespace fs = std::filesystem;

size_t CountEntries(const fs::path& dir) {
  size_t count = 0;
  for (auto it = fs::directory_iterator(dir); it != fs::directory_iterator(); ++it) ++count;
  return count;
}

void CheckNoLinks(const fs::path& dir) {
  for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator();
       ++it) {
    if (it->is_symlink()) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Layout: root/upload.zip and root/box/stage. After staging, root must
  // hold exactly upload.zip and box, and box at most stage.
  std::string pattern = (fs::temp_directory_path() / "webjobs-zip-fuzz-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) std::abort();
  fs::path root = pattern;
  fs::path zip_file = root / "upload.zip";
  fs::path box = root / "box";
  fs::create_directory(box);
  {
    std::ofstream stream(zip_file, std::ios::binary);
    stream.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }

  webjobs::PackageLimits limits;
  limits.max_unpacked_bytes = 64 << 20;
  limits.max_entries = 1000;
  webjobs::Result<webjobs::StagedPackage> staged =
      webjobs::StageZip(zip_file, box / "stage", limits);

  if (CountEntries(root) != 2) std::abort();
  size_t in_box = CountEntries(box);
  if (in_box > 1) std::abort();
  if (staged.ok() != (in_box == 1)) std::abort();
  if (staged.ok()) CheckNoLinks(box / "stage");

  fs::remove_all(root);
  return 0;
}
