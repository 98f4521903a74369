// Splits the `arguments` text of a triggered run into argv words.
//
// Kudu appends the text to a command line that a shell or cmd.exe parses.
// We never run a shell: the text is split into words the way a POSIX shell
// splits them, and the words are passed to execve as they are, so `$HOME`,
// `*`, `~`, `;`, `|` and backquotes stay literal characters.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace webjobs {

// Splits `text` into words with POSIX shell quoting rules:
// - unquoted space, tab and newline separate words;
// - a backslash outside quotes keeps the next character literally
//   (backslash-newline is removed);
// - single quotes keep everything up to the next single quote literally;
// - inside double quotes a backslash escapes only $ ` " \ and newline;
// - quotes join with adjacent text (`a"b c"d` is one word `ab cd`), and
//   `""` is an empty word.
// Returns kInvalidArgument naming the byte offset for an unterminated
// quote, a trailing backslash, or a NUL byte (argv cannot hold one).
Result<std::vector<std::string>> SplitArguments(std::string_view text);

}  // namespace webjobs
