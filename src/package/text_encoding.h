// UTF-8 checks and byte-order-mark decoding for text that users write by
// hand (settings.job) or send in requests (file names).
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace webjobs {

// Returns true when `bytes` is well-formed UTF-8: no overlong forms, no
// surrogates (U+D800..U+DFFF), nothing above U+10FFFF.
bool IsValidUtf8(std::string_view bytes);

// Returns the length of the well-formed UTF-8 sequence at the start of
// `bytes`, or 0 when it does not start with one (or is empty).
size_t Utf8SequenceLength(std::string_view bytes);

// Decodes a text file to UTF-8 by its byte-order mark: UTF-8 with or
// without BOM, UTF-16 LE/BE and UTF-32 LE/BE with BOM. The BOM is removed.
// Returns kInvalidArgument naming `file_label` and the byte offset for
// malformed input: invalid UTF-8, an odd UTF-16 length, an unpaired
// surrogate, or text that looks like UTF-16 without a BOM (a NUL byte
// among the first two bytes).
Result<std::string> DecodeTextToUtf8(std::string_view bytes, std::string_view file_label);

}  // namespace webjobs
