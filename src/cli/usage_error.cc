#include "cli/usage_error.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <optional>
#include <system_error>

#include "cli/exit_codes.h"
#include "package/message_value.h"

namespace webjobs {
namespace {

// Joins "a", "b", "c" as "a, b or c".
std::string JoinAlternatives(const std::vector<std::string>& values) {
  std::string joined;
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) joined += i + 1 == values.size() ? " or " : ", ";
    joined += values[i];
  }
  return joined;
}

std::string UsageSuffix(const CLI::App* command, const CommandSyntax& syntax) {
  auto found = syntax.usage.find(command != nullptr ? command->get_name() : "");
  if (found == syntax.usage.end()) return "";
  return "; usage: " + found->second;
}

std::string CommandList(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* command : app.get_subcommands({})) names.push_back(command->get_name());
  return JoinAlternatives(names);
}

// Returns "--type" for an option, and the usage name (NAME, EXPR) for a
// positional argument.
std::string ArgumentName(const CLI::Option& option, const CommandSyntax& syntax) {
  if (!option.get_positional() || option.nonpositional()) return option.get_name();
  const std::string name = option.get_name();
  auto found = syntax.argument_names.find(name);
  if (found != syntax.argument_names.end()) return found->second;
  std::string upper = name;
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return upper;
}

// Describes the first word that CLI11 could not place: an unknown option,
// an unknown command, or an argument beyond those the command takes. A
// command passes such words up to the program (fallthrough), so they are
// in the program's list of remaining words.
std::optional<std::string> DescribeLeftoverWord(const CLI::App& app, const CLI::App* command,
                                                const CommandSyntax& syntax) {
  for (const std::string& word : app.remaining(true)) {
    // "--" only ends the options, so it is never wrong by itself.
    if (word == "--") continue;
    if (word.size() > 1 && word.front() == '-') {
      return "unknown option " + EscapeForMessage(word.substr(0, word.find('='))) +
             UsageSuffix(command, syntax);
    }
    if (command == nullptr) {
      return "unknown command " + QuoteForMessage(word) + "; use one of " + CommandList(app);
    }
    return "unexpected argument " + QuoteForMessage(word) +
           " (quote a value that contains spaces)" + UsageSuffix(command, syntax);
  }
  return std::nullopt;
}

// Describes an option that takes one value and was given more than once.
std::optional<std::string> DescribeRepeatedOption(const CLI::App& app, const CLI::App* command) {
  for (const CLI::App* scope : {command, &app}) {
    if (scope == nullptr) continue;
    for (const CLI::Option* option : scope->get_options()) {
      if (option->get_multi_option_policy() == CLI::MultiOptionPolicy::Throw &&
          option->get_items_expected_max() == 1 && option->count() > 1) {
        return option->get_name() + " is given " + std::to_string(option->count()) +
               " times; give it once";
      }
    }
  }
  return std::nullopt;
}

std::optional<std::string> DescribeMissingArgument(const CLI::App& app, const CLI::App* command,
                                                   const CommandSyntax& syntax) {
  if (command == nullptr) return "missing command; use one of " + CommandList(app);
  for (const CLI::Option* option : command->get_options()) {
    if (option->get_required() && option->count() == 0) {
      return "missing " + ArgumentName(*option, syntax) + UsageSuffix(command, syntax);
    }
  }
  return std::nullopt;
}

// CLI11 takes the word after an option as its value whatever it is, so a
// value is missing only when its option is the last word (or "--opt=").
std::optional<std::string> DescribeMissingValue(const CLI::App& app, const CLI::App* command,
                                                std::string_view last_word,
                                                const CommandSyntax& syntax) {
  const std::string name(last_word.substr(0, last_word.find('=')));
  const CLI::Option* option = command != nullptr ? command->get_option_no_throw(name) : nullptr;
  if (option == nullptr) option = app.get_option_no_throw(name);
  if (option == nullptr || option->get_positional()) return std::nullopt;
  return "missing value for " + option->get_name() + UsageSuffix(command, syntax);
}

}  // namespace

UsageError::UsageError(std::string message)
    : CLI::ParseError("UsageError", std::move(message), kExitCliUsage) {}

CLI::Validator OneOf(std::string option, std::vector<std::string> values) {
  std::string description = "{";
  for (const std::string& value : values) {
    if (description.size() > 1) description += ',';
    description += value;
  }
  description += '}';
  return CLI::Validator(
      [option = std::move(option), values = std::move(values)](std::string& value) -> std::string {
        if (std::find(values.begin(), values.end(), value) != values.end()) return "";
        throw UsageError("invalid " + option + " value " + QuoteForMessage(value) + ": use " +
                         JoinAlternatives(values));
      },
      description);
}

CLI::Validator WholeNumber(std::string option, uint64_t min, uint64_t max,
                           std::string description) {
  return CLI::Validator(
      [option = std::move(option), min, max](std::string& value) -> std::string {
        const char* end = value.data() + value.size();
        uint64_t number = 0;
        const auto [stop, error] = std::from_chars(value.data(), end, number);
        const bool digits_only =
            !value.empty() && value.find_first_not_of("0123456789") == std::string::npos;
        if (digits_only && error == std::errc() && stop == end && number >= min && number <= max) {
          return "";
        }
        throw UsageError("invalid " + option + " value " + QuoteForMessage(value) +
                         ": use a whole number from " + std::to_string(min) + " to " +
                         std::to_string(max));
      },
      std::move(description));
}

CLI::Validator ExistingFile(std::string argument, std::string expected) {
  return CLI::Validator(
      [argument = std::move(argument),
       expected = std::move(expected)](std::string& path) -> std::string {
        std::error_code error;
        const std::filesystem::file_status status = std::filesystem::status(path, error);
        const std::string named = argument + " " + QuoteForMessage(path);
        if (status.type() == std::filesystem::file_type::not_found) {
          throw UsageError(named + " does not exist; give the path of " + expected);
        }
        if (error) throw UsageError("cannot read " + named + ": " + error.message());
        if (std::filesystem::is_directory(status)) {
          throw UsageError(named + " is a directory; give the path of " + expected);
        }
        return "";
      },
      "FILE");
}

CLI::Validator FlagValue(std::string flag) {
  return CLI::Validator(
      [flag = std::move(flag)](std::string& value) -> std::string {
        if (value == "true" || value == "false") return "";
        throw UsageError("invalid " + flag + " value " + QuoteForMessage(value) + ": write " +
                         flag + " alone to turn it on, or " + flag + "=false to turn it off");
      },
      "");
}

CLI::Validator NotAnOption(std::string option) {
  return CLI::Validator(
      [option = std::move(option)](std::string& value) -> std::string {
        if (!value.starts_with("--")) return "";
        throw UsageError("missing value for " + option + ": the word after it, " +
                         EscapeForMessage(value) + ", is an option");
      },
      "");
}

std::string DescribeUsageError(const CLI::App& app, const CLI::ParseError& error,
                               std::string_view last_word, const CommandSyntax& syntax) {
  const std::vector<CLI::App*> selected = app.get_subcommands();
  const CLI::App* command = selected.empty() ? nullptr : selected.front();

  // The validators in this file throw UsageError while CLI11 runs the
  // callbacks, before it checks requirements and leftover words, and their
  // message is the most specific one.
  if (dynamic_cast<const UsageError*>(&error) != nullptr) return error.what();
  if (std::optional<std::string> leftover = DescribeLeftoverWord(app, command, syntax)) {
    return *leftover;
  }
  if (std::optional<std::string> repeated = DescribeRepeatedOption(app, command)) {
    return *repeated;
  }
  if (dynamic_cast<const CLI::RequiredError*>(&error) != nullptr) {
    if (std::optional<std::string> missing = DescribeMissingArgument(app, command, syntax)) {
      return *missing;
    }
  }
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&error) != nullptr) {
    if (std::optional<std::string> missing =
            DescribeMissingValue(app, command, last_word, syntax)) {
      return *missing;
    }
  }
  // NOTE: no command line in the unit tests reaches this line. It keeps
  // CLI11's own text for an error that the cases above do not foresee.
  return "invalid command line: " + EscapeForMessage(error.what()) + UsageSuffix(command, syntax);
}

}  // namespace webjobs
