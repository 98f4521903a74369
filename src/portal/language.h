// The languages of the web portal and how a request picks one.
#pragma once

#include <string_view>

namespace webjobs {

// The portal's languages, as BCP 47 primary language subtags. The first is
// the default.
inline constexpr std::string_view kPortalLanguages[] = {"en", "ko"};

// Returns the supported language that `accept_language` (an
// Accept-Language header value, RFC 9110 section 12.5.4) prefers: the one
// with the highest weight, comparing primary subtags without regard to
// case ("ko-KR" selects "ko"), the earlier entry on equal weights. "*"
// selects the default. Entries with q=0, malformed entries and malformed
// weights are skipped. Returns the default when nothing matches.
std::string_view NegotiateLanguage(std::string_view accept_language);

// Returns the language of a request: the language cookie's value when it
// names a supported language, else NegotiateLanguage(accept_language).
std::string_view ChoosePortalLanguage(std::string_view cookie, std::string_view accept_language);

}  // namespace webjobs
