#include "package/zip_reader.h"

#include <sys/stat.h>
#include <zip.h>

#include <cerrno>
#include <vector>

#include "package/message_value.h"

namespace webjobs {
namespace {

constexpr size_t kReadChunkBytes = 64 * 1024;
constexpr uint32_t kMsDosDirectoryAttribute = 0x10;

std::string LibzipErrorText(int error_code) {
  zip_error_t error;
  zip_error_init_with_code(&error, error_code);
  std::string text = zip_error_strerror(&error);
  zip_error_fini(&error);
  return text;
}

std::string EntryLabel(zip_t* archive, uint64_t index) {
  const char* name = zip_get_name(archive, index, ZIP_FL_ENC_RAW);
  if (name == nullptr) return "#" + std::to_string(index);
  return QuoteForMessage(name);
}

bool EndsWithSeparator(std::string_view name) {
  return name.ends_with('/') || name.ends_with('\\');
}

void ClassifyEntry(zip_t* archive, ZipEntryInfo& info) {
  zip_uint8_t opsys = 0;
  zip_uint32_t attributes = 0;
  bool named_as_folder = EndsWithSeparator(info.raw_name);
  info.kind = named_as_folder ? ZipEntryKind::kDirectory : ZipEntryKind::kFile;
  if (zip_file_get_external_attributes(archive, info.index, 0, &opsys, &attributes) != 0) return;

  if (opsys != ZIP_OPSYS_UNIX) {
    if (attributes & kMsDosDirectoryAttribute) info.kind = ZipEntryKind::kDirectory;
    return;
  }
  // Unix zip tools store st_mode in the high 16 bits.
  uint32_t mode = attributes >> 16;
  switch (mode & S_IFMT) {
    case 0:  // no type recorded: trust the name
    case S_IFREG:
      break;
    case S_IFDIR:
      info.kind = ZipEntryKind::kDirectory;
      break;
    case S_IFLNK:
      info.kind = ZipEntryKind::kSymlink;
      return;
    default:
      info.kind = ZipEntryKind::kSpecial;
      return;
  }
  if (mode != 0) info.unix_permissions = mode & 07777;
}

}  // namespace

void ZipReader::Closer::operator()(zip_t* archive) const { zip_discard(archive); }

ZipReader::ZipReader(std::unique_ptr<zip_t, Closer> archive, uint64_t entry_count)
    : archive_(std::move(archive)), entry_count_(entry_count) {}

Result<ZipReader> ZipReader::Open(const std::filesystem::path& file) {
  int error_code = ZIP_ER_OK;
  std::unique_ptr<zip_t, Closer> archive(
      zip_open(file.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &error_code));
  if (archive == nullptr) {
    std::string text = LibzipErrorText(error_code);
    if (error_code == ZIP_ER_OPEN || error_code == ZIP_ER_NOENT) {
      return IoError("cannot open uploaded file " + QuoteForMessage(file.string()) + ": " + text);
    }
    if (error_code == ZIP_ER_MEMORY) return InternalError("libzip: " + text);
    return InvalidArgument("not a valid zip archive (" + text +
                           "); upload a zip file, or send a single script with a Content-Type "
                           "other than application/zip");
  }
  zip_int64_t count = zip_get_num_entries(archive.get(), 0);
  if (count < 0) return InvalidArgument("not a valid zip archive (no entry count)");
  return ZipReader(std::move(archive), static_cast<uint64_t>(count));
}

Result<ZipEntryInfo> ZipReader::Stat(uint64_t index) const {
  zip_t* archive = archive_.get();
  zip_stat_t stat;
  zip_stat_init(&stat);
  const char* raw_name = zip_get_name(archive, index, ZIP_FL_ENC_RAW);
  const char* name = zip_get_name(archive, index, ZIP_FL_ENC_GUESS);
  if (raw_name == nullptr || name == nullptr || zip_stat_index(archive, index, 0, &stat) != 0) {
    return InvalidArgument("zip entry #" + std::to_string(index) +
                           " cannot be read: " + zip_strerror(archive));
  }

  ZipEntryInfo info;
  info.index = index;
  info.raw_name = raw_name;
  info.name = name;
  if (stat.valid & ZIP_STAT_SIZE) info.declared_size = stat.size;
  if (stat.valid & ZIP_STAT_ENCRYPTION_METHOD)
    info.encrypted = stat.encryption_method != ZIP_EM_NONE;
  if (stat.valid & ZIP_STAT_COMP_METHOD) {
    info.compression_method = stat.comp_method;
    info.compression_supported = zip_compression_method_supported(stat.comp_method, 0) != 0;
  }
  if (stat.valid & ZIP_STAT_MTIME) info.modified = stat.mtime;
  ClassifyEntry(archive, info);
  return info;
}

Status ZipReader::ReadEntry(uint64_t index,
                            const std::function<Status(std::string_view chunk)>& sink) const {
  zip_t* archive = archive_.get();
  std::unique_ptr<zip_file_t, int (*)(zip_file_t*)> file(zip_fopen_index(archive, index, 0),
                                                         zip_fclose);
  if (file == nullptr) {
    return InvalidArgument("cannot unpack zip entry " + EntryLabel(archive, index) + ": " +
                           zip_strerror(archive));
  }
  std::vector<char> buffer(kReadChunkBytes);
  for (;;) {
    zip_int64_t count = zip_fread(file.get(), buffer.data(), buffer.size());
    if (count < 0) {
      return InvalidArgument("zip entry " + EntryLabel(archive, index) +
                             " is damaged: " + zip_file_strerror(file.get()));
    }
    if (count == 0) return Status::Ok();
    Status accepted = sink(std::string_view(buffer.data(), static_cast<size_t>(count)));
    if (!accepted.ok()) return accepted;
  }
}

}  // namespace webjobs
