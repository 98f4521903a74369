#include "cli/upload_file.h"

#include <array>
#include <fstream>

#include "http/request_path.h"
#include "package/ascii_case.h"

namespace webjobs {

Result<bool> IsZipFile(const std::filesystem::path& file) {
  std::string extension = ToLowerAscii(file.extension().string());
  if (extension == ".zip") return true;
  // A Java archive is a zip too, but it is the job itself (run with
  // java -jar), not a package to unpack.
  if (extension == ".jar" || extension == ".war") return false;
  std::ifstream stream(file, std::ios::binary);
  if (!stream) return IoError("failed to open " + file.string());
  std::array<char, 4> magic{};
  stream.read(magic.data(), magic.size());
  if (stream.gcount() < 4) return false;
  std::string_view signature(magic.data(), magic.size());
  return signature == std::string_view("PK\x03\x04", 4) ||
         signature == std::string_view("PK\x05\x06", 4);
}

std::string ContentDispositionFor(std::string_view file_name) {
  std::string quoted;
  bool ascii = true;
  for (char ch : file_name) {
    unsigned char byte = static_cast<unsigned char>(ch);
    if (byte >= 0x80 || byte < 0x20 || byte == 0x7F) {
      // The plain parameter must stay one line of ASCII, and filename* carries
      // the real name.
      ascii = false;
      quoted += '_';
      continue;
    }
    if (ch == '"' || ch == '\\') quoted += '\\';
    quoted += ch;
  }
  std::string value = "attachment; filename=\"" + quoted + "\"";
  if (!ascii) value += "; filename*=UTF-8''" + PercentEncode(file_name);
  return value;
}

}  // namespace webjobs
