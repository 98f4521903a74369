// ASCII-only case folding for names compared the way Windows and HTTP do
// (file extensions, header parameters, signal names). Bytes outside A-Z
// are left unchanged, so UTF-8 text passes through intact.
#pragma once

#include <string>
#include <string_view>

namespace webjobs {

std::string ToLowerAscii(std::string_view text);
std::string ToUpperAscii(std::string_view text);
bool EqualsIgnoringAsciiCase(std::string_view a, std::string_view b);
// Returns `text` without the spaces and tabs (HTTP's optional whitespace)
// at both ends.
std::string_view TrimHttpWhitespace(std::string_view text);

}  // namespace webjobs
