// Fuzzes the choice of the portal's language from Accept-Language header
// values and language cookies. Any bytes must give a supported language,
// the case of ASCII letters must not matter, an entry appended with a
// weight of 0 must change nothing, and a valid language cookie must win.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "portal/language.h"

namespace {

bool IsSupported(std::string_view language) {
  for (std::string_view supported : webjobs::kPortalLanguages) {
    if (language == supported) return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string header(reinterpret_cast<const char*>(data), size);
  std::string_view language = webjobs::NegotiateLanguage(header);
  if (!IsSupported(language)) std::abort();

  std::string upper = header;
  for (char& ch : upper) {
    if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
  }
  if (webjobs::NegotiateLanguage(upper) != language) std::abort();
  if (webjobs::NegotiateLanguage(header + ",ko;q=0,en;q=0") != language) std::abort();

  // The input as a cookie value: only an exact supported name is taken.
  std::string_view chosen = webjobs::ChoosePortalLanguage(header, "ko");
  if (!IsSupported(chosen)) std::abort();
  if (IsSupported(header) && chosen != header) std::abort();
  for (std::string_view supported : webjobs::kPortalLanguages) {
    if (webjobs::ChoosePortalLanguage(supported, header) != supported) std::abort();
  }
  return 0;
}
