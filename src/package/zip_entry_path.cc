#include "package/zip_entry_path.h"

#include "package/archive_metadata.h"
#include "package/job_name.h"
#include "package/message_value.h"

namespace webjobs {
namespace {

Error InvalidEntry(std::string_view name, std::string_view problem) {
  return InvalidArgument("invalid zip entry " + QuoteForMessage(name) + ": " +
                         std::string(problem) +
                         "; rebuild the zip with paths relative to the "
                         "job folder, such as run.sh or lib/helper.py");
}

bool HasControlCharacter(std::string_view name) {
  for (char ch : name) {
    unsigned char byte = static_cast<unsigned char>(ch);
    if (byte < 0x20 || byte == 0x7F) return true;
  }
  return false;
}

bool IsDriveLetter(std::string_view component) {
  if (component.size() < 2 || component[1] != ':') return false;
  char letter = component[0];
  return (letter >= 'A' && letter <= 'Z') || (letter >= 'a' && letter <= 'z');
}

std::vector<std::string_view> SplitComponents(std::string_view path) {
  std::vector<std::string_view> components;
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t end = path.find('/', pos);
    if (end == std::string_view::npos) end = path.size();
    std::string_view component = path.substr(pos, end - pos);
    if (!component.empty() && component != ".") components.push_back(component);
    pos = end + 1;
  }
  return components;
}

}  // namespace

std::string ZipEntryPath::Joined() const {
  std::string joined;
  for (const std::string& component : components) {
    if (!joined.empty()) joined += '/';
    joined += component;
  }
  return joined;
}

Result<ZipEntryPath> NormalizeZipEntryName(std::string_view name) {
  if (HasControlCharacter(name)) return InvalidEntry(name, "it contains a control character");
  std::string path(name);
  for (char& ch : path) {
    if (ch == '\\') ch = '/';
  }
  if (path.starts_with('/')) return InvalidEntry(name, "it is an absolute path");
  if (path.size() > kMaxZipPathBytes) {
    return InvalidEntry(name, "it is longer than " + std::to_string(kMaxZipPathBytes) + " bytes");
  }

  ZipEntryPath entry;
  entry.is_directory = path.ends_with('/');
  std::vector<std::string_view> components = SplitComponents(path);
  if (!components.empty() && IsDriveLetter(components.front())) {
    return InvalidEntry(name, "it starts with a drive letter");
  }
  if (components.size() > kMaxZipPathDepth) {
    return InvalidEntry(
        name, "it is nested more than " + std::to_string(kMaxZipPathDepth) + " folders deep");
  }
  for (std::string_view component : components) {
    if (component == "..") {
      return InvalidEntry(name,
                          "it contains a \"..\" component, which would write outside "
                          "the job folder");
    }
    if (component.size() > kMaxNameBytes) {
      return InvalidEntry(name, "a path component is longer than 255 bytes");
    }
    entry.is_archive_metadata = entry.is_archive_metadata || IsArchiveMetadataName(component);
    entry.components.emplace_back(component);
  }
  if (entry.components.empty() && !entry.is_directory) {
    return InvalidEntry(name, "it does not name a file");
  }
  return entry;
}

}  // namespace webjobs
