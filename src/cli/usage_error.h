// Checks and messages for invalid command lines. Each message is one line
// in the form of the program's other errors: what is wrong, the option or
// word involved, and how to fix it.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace webjobs {

// A usage error whose message is final. The checks below throw it instead
// of returning their message, because CLI11 would put the option's name in
// front of a returned message. CLI11 2.1.2 (Option::_validate) catches only
// ValidationError around a check, so this exception reaches the caller of
// CLI::App::parse.
class UsageError : public CLI::ParseError {
 public:
  explicit UsageError(std::string message);
};

// Check that the value is one of `values`. `option` names the option in the
// message. Help shows the values as "{a,b}" after the value's type.
CLI::Validator OneOf(std::string option, std::vector<std::string> values);

// Check that the value is a whole number from `min` to `max`, written in
// decimal digits only (no sign, no spaces). Help shows `description` after
// the value's type.
CLI::Validator WholeNumber(std::string option, uint64_t min, uint64_t max,
                           std::string description = "");

// Check that the path names an existing file that is not a directory.
// `argument` names it in the message (FILE), and `expected` describes the
// file that fits ("a zip file or a script").
CLI::Validator ExistingFile(std::string argument, std::string expected);

// Check the value of a flag: "true" (the flag alone, or --flag=true) or
// "false" (--flag=false). Help shows nothing for this check.
CLI::Validator FlagValue(std::string flag);

// Check that the value does not start with "--". CLI11 takes the word after
// an option as its value even when that word is another option, so without
// this check `--name --type triggered` would name the job "--type".
CLI::Validator NotAnOption(std::string option);

// The command names and usage lines that messages show.
struct CommandSyntax {
  // Usage line of each command by its name, and of the program under "".
  std::map<std::string, std::string, std::less<>> usage;
  // Name in the usage line of a positional argument, such as EXPR for
  // "expression". Positionals missing here are shown upper-cased.
  std::map<std::string, std::string, std::less<>> argument_names;
};

// Returns the message for a command line that `app` rejected with `error`,
// without the "webjobs: error: " prefix. `last_word` is the last word of
// the command line, because a missing value is only noticed at its end.
std::string DescribeUsageError(const CLI::App& app, const CLI::ParseError& error,
                               std::string_view last_word, const CommandSyntax& syntax);

}  // namespace webjobs
