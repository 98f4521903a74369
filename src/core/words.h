// Joining words into one line of text.
#pragma once

#include <string>
#include <vector>

namespace webjobs {

// Returns `words` separated by single spaces ("" for none), as a command
// line is shown in messages. No word is quoted.
std::string JoinWords(const std::vector<std::string>& words);

}  // namespace webjobs
