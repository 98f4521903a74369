// Text helpers shared by the schedule parser and the time zone lookup.
// Locale-independent on purpose: "MON" must match "mon" and a tab must be
// white space whatever the process locale is. All functions are pure and
// thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace webjobs {

// Returns true when `a` and `b` are equal after folding ASCII letters to
// lower case. Other bytes compare exactly.
bool EqualsIgnoreAsciiCase(std::string_view a, std::string_view b);

// Returns `text` without leading and trailing ASCII white space (space, tab,
// CR, LF, vertical tab, form feed).
std::string_view TrimAsciiSpace(std::string_view text);

// Returns the length in bytes of the character that starts `text`: the
// length of a well-formed UTF-8 sequence there, or 1 for an ASCII byte or
// a byte that starts no well-formed sequence. `text` must not be empty.
size_t Utf8CharacterLength(std::string_view text);

// Returns the number of characters in `text`, counting each well-formed
// UTF-8 sequence as one and each other byte as one.
size_t CountUtf8Characters(std::string_view text);

// Returns `text` fit for quoting in a one-line message. Well-formed UTF-8
// is kept as it is, so Hangul or accented letters appear as themselves. A
// tab becomes \t, and each byte of a control character (U+0000-U+001F,
// U+007F-U+009F) and each byte that starts no well-formed sequence becomes
// \xNN. Text longer than `max_length` bytes is cut at the last character
// boundary at or before that length and ends in "...".
std::string PrintableText(std::string_view text, size_t max_length = 120);

}  // namespace webjobs
