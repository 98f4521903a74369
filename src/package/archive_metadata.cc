#include "package/archive_metadata.h"

#include "package/ascii_case.h"

namespace webjobs {

bool IsArchiveMetadataName(std::string_view component) {
  return EqualsIgnoringAsciiCase(component, "__MACOSX") ||
         EqualsIgnoringAsciiCase(component, ".DS_Store") ||
         EqualsIgnoringAsciiCase(component, "Thumbs.db");
}

}  // namespace webjobs
