#include "package/job_settings.h"

#include <csignal>
#include <limits>

#include "package/ascii_case.h"
#include "package/message_value.h"
#include "package/text_encoding.h"

namespace webjobs {
namespace {

using nlohmann::json;

constexpr std::string_view kFileLabel = "settings.job";
constexpr int kMaxSignal = 64;  // SIGRTMAX on Linux

// Thrown by the parser callback to stop at a nesting limit; never leaves
// this file.
struct NestingTooDeep {};

std::string DescribeValue(const json& value) {
  if (value.is_string()) {
    return QuoteForMessage(value.get_ref<const std::string&>(), 80) + " (a string)";
  }
  if (value.is_boolean()) return value.dump() + " (a boolean)";
  if (value.is_number_float()) return value.dump() + " (a number with a fraction)";
  if (value.is_number()) return value.dump() + " (a number)";
  if (value.is_array()) return "an array";
  if (value.is_object()) return "an object";
  return "null";
}

Error BadValue(std::string_view key, const json& value, std::string_view expected) {
  return InvalidArgument(std::string(kFileLabel) + ": \"" + std::string(key) + "\" must be " +
                         std::string(expected) + ", found " + DescribeValue(value));
}

Result<std::string> ReadString(std::string_view key, const json& value) {
  if (!value.is_string()) return BadValue(key, value, "a string");
  return value.get<std::string>();
}

Result<bool> ReadBool(std::string_view key, const json& value) {
  if (!value.is_boolean()) return BadValue(key, value, "true or false (without quotes)");
  return value.get<bool>();
}

// Reads a JSON integer within [minimum, kMaxSettingSeconds]. `unit` goes
// into the message ("a whole number of seconds from 0 to ...").
Result<int64_t> ReadInteger(std::string_view key, const json& value, int64_t minimum,
                            std::string_view unit) {
  std::string expected = "a whole number" + std::string(unit) + " from " + std::to_string(minimum) +
                         " to " + std::to_string(kMaxSettingSeconds);
  if (!value.is_number_integer()) return BadValue(key, value, expected);
  if (value.is_number_unsigned() && value.get<uint64_t>() > uint64_t{kMaxSettingSeconds}) {
    return BadValue(key, value, expected);
  }
  int64_t number = value.get<int64_t>();
  if (number < minimum || number > kMaxSettingSeconds) return BadValue(key, value, expected);
  return number;
}

Result<std::chrono::seconds> ReadSeconds(std::string_view key, const json& value, int64_t minimum) {
  Result<int64_t> number = ReadInteger(key, value, minimum, " of seconds");
  if (!number.ok()) return number.error();
  return std::chrono::seconds(*number);
}

struct SignalName {
  std::string_view name;
  int number;
};

constexpr SignalName kSignalNames[] = {
    {"HUP", SIGHUP},       {"INT", SIGINT},   {"QUIT", SIGQUIT},   {"ILL", SIGILL},
    {"TRAP", SIGTRAP},     {"ABRT", SIGABRT}, {"BUS", SIGBUS},     {"FPE", SIGFPE},
    {"KILL", SIGKILL},     {"USR1", SIGUSR1}, {"SEGV", SIGSEGV},   {"USR2", SIGUSR2},
    {"PIPE", SIGPIPE},     {"ALRM", SIGALRM}, {"TERM", SIGTERM},   {"CHLD", SIGCHLD},
    {"CONT", SIGCONT},     {"STOP", SIGSTOP}, {"TSTP", SIGTSTP},   {"TTIN", SIGTTIN},
    {"TTOU", SIGTTOU},     {"URG", SIGURG},   {"XCPU", SIGXCPU},   {"XFSZ", SIGXFSZ},
    {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF}, {"WINCH", SIGWINCH}, {"IO", SIGIO},
    {"PWR", SIGPWR},       {"SYS", SIGSYS},
};

std::optional<int> SignalFromText(std::string_view text) {
  std::string upper = ToUpperAscii(text);
  std::string_view name = upper;
  if (name.starts_with("SIG")) name.remove_prefix(3);
  for (const SignalName& signal : kSignalNames) {
    if (signal.name == name) return signal.number;
  }
  if (name.empty() || name.size() > 2 || name.find_first_not_of("0123456789") != name.npos) {
    return std::nullopt;
  }
  int number = std::stoi(std::string(name));
  if (number < 1 || number > kMaxSignal) return std::nullopt;
  return number;
}

Result<int> ReadSignal(std::string_view key, const json& value) {
  constexpr std::string_view kExpected =
      "a signal name such as \"SIGTERM\", \"TERM\" or \"SIGINT\", or a number from 1 to 64";
  if (value.is_number_integer()) {
    bool in_range = !value.is_number_unsigned() || value.get<uint64_t>() <= kMaxSignal;
    int64_t number = in_range ? value.get<int64_t>() : 0;
    if (number >= 1 && number <= kMaxSignal) return static_cast<int>(number);
    return BadValue(key, value, kExpected);
  }
  if (!value.is_string()) return BadValue(key, value, kExpected);
  std::optional<int> number = SignalFromText(value.get_ref<const std::string&>());
  if (!number) return BadValue(key, value, kExpected);
  return *number;
}

template <typename Enum, size_t N>
Result<Enum> ReadChoice(std::string_view key, const json& value,
                        const std::pair<std::string_view, Enum> (&choices)[N]) {
  std::string expected = "one of";
  for (size_t i = 0; i < N; ++i) {
    expected += (i == 0 ? " \"" : ", \"") + std::string(choices[i].first) + "\"";
  }
  if (!value.is_string()) return BadValue(key, value, expected);
  for (const auto& [name, choice] : choices) {
    if (value.get_ref<const std::string&>() == name) return choice;
  }
  return BadValue(key, value, expected);
}

constexpr std::pair<std::string_view, CatchUpPolicy> kCatchUpChoices[] = {
    {"kudu", CatchUpPolicy::kKudu},
    {"none", CatchUpPolicy::kNone},
    {"latest", CatchUpPolicy::kLatest},
    {"all", CatchUpPolicy::kAll},
};

constexpr std::pair<std::string_view, OverlapPolicy> kOverlapChoices[] = {
    {"skip", OverlapPolicy::kSkip},
    {"queue_one", OverlapPolicy::kQueueOne},
    {"replace", OverlapPolicy::kReplace},
    {"allow", OverlapPolicy::kAllow},
};

// "queue" shipped before "queue_one" and keeps working. It is left out of
// kOverlapChoices so that error messages list only the documented names.
constexpr std::string_view kQueueOneAlias = "queue";

Result<OverlapPolicy> ReadOverlap(std::string_view key, const json& value) {
  if (value.is_string() && value.get_ref<const std::string&>() == kQueueOneAlias) {
    return OverlapPolicy::kQueueOne;
  }
  return ReadChoice(key, value, kOverlapChoices);
}

template <typename T, typename U>
Status Assign(Result<T> result, std::optional<U>& field) {
  if (!result.ok()) return result.error();
  field = std::move(result.value());
  return Status::Ok();
}

using KeyReader = Status (*)(std::string_view key, const json& value, JobSettings& settings);

struct KnownKey {
  std::string_view name;
  KeyReader read;
};

constexpr KnownKey kKnownKeys[] = {
    {"schedule",
     [](std::string_view key, const json& value, JobSettings& settings) {
       return Assign(ReadString(key, value), settings.schedule);
     }},
    {"is_singleton",
     [](std::string_view key, const json& value, JobSettings& settings) {
       return Assign(ReadBool(key, value), settings.is_singleton);
     }},
    {"stopping_wait_time",
     [](std::string_view key, const json& value, JobSettings& settings) {
       return Assign(ReadSeconds(key, value, 0), settings.stopping_wait_time);
     }},
    {"is_in_place",
     [](std::string_view key, const json& value, JobSettings& settings) {
       return Assign(ReadBool(key, value), settings.is_in_place);
     }},
    {"time_zone",
     [](std::string_view key, const json& value, JobSettings& settings) {
       return Assign(ReadString(key, value), settings.time_zone);
     }},
    {"stop_signal",
     [](std::string_view key, const json& value, JobSettings& settings) {
       return Assign(ReadSignal(key, value), settings.stop_signal);
     }},
    {"history_size",
     [](std::string_view key, const json& value, JobSettings& settings) {
       return Assign(ReadInteger(key, value, 1, ""), settings.history_size);
     }},
    {"idle_timeout",
     [](std::string_view key, const json& value, JobSettings& settings) {
       return Assign(ReadSeconds(key, value, 0), settings.idle_timeout);
     }},
    {"restart_delay",
     [](std::string_view key, const json& value, JobSettings& settings) {
       return Assign(ReadSeconds(key, value, 0), settings.restart_delay);
     }},
    {"catch_up",
     [](std::string_view key, const json& value, JobSettings& settings) {
       return Assign(ReadChoice(key, value, kCatchUpChoices), settings.catch_up);
     }},
    {"catch_up_window",
     [](std::string_view key, const json& value, JobSettings& settings) {
       return Assign(ReadSeconds(key, value, 1), settings.catch_up_window);
     }},
    {"overlap",
     [](std::string_view key, const json& value, JobSettings& settings) {
       return Assign(ReadOverlap(key, value), settings.overlap);
     }},
};

// Returns true when `value` nests arrays or objects deeper than `limit`.
// The recursion stops at the limit, so the stack use is bounded.
bool NestsDeeperThan(const json& value, int limit) {
  if (!value.is_structured()) return false;
  if (limit == 0) return true;
  for (const json& child : value) {
    if (NestsDeeperThan(child, limit - 1)) return true;
  }
  return false;
}

Error TooDeep() {
  return InvalidArgument(std::string(kFileLabel) + " nests arrays or objects more than " +
                         std::to_string(kMaxSettingsDepth) + " levels deep");
}

// Describes where the parser stopped: `byte` is nlohmann's count of bytes
// read, so the offending byte is at index byte - 1. Columns count
// characters (UTF-8 sequences), as editors show them, not bytes.
std::string DescribePosition(std::string_view text, size_t byte) {
  size_t index = std::min(byte > 0 ? byte - 1 : 0, text.size());
  size_t line = 1;
  size_t column = 1;
  for (size_t i = 0; i < index; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

// Keeps the part of nlohmann's parse_error message after its
// "[json.exception.parse_error.101] parse error at line L, column C:
// syntax error while parsing value - " prefix.
std::string DescribeSyntaxError(std::string_view what) {
  size_t column = what.find("column ");
  size_t colon = column == std::string_view::npos ? column : what.find(": ", column);
  std::string_view detail = colon == std::string_view::npos ? what : what.substr(colon + 2);
  size_t dash = detail.starts_with("syntax error") ? detail.find(" - ") : std::string_view::npos;
  if (dash != std::string_view::npos) detail.remove_prefix(dash + 3);
  return EscapeForMessage(detail);
}

Result<json> ParseJsonText(const std::string& text) {
  json::parser_callback_t check_depth = [](int depth, json::parse_event_t, json&) {
    if (depth > kMaxSettingsDepth) throw NestingTooDeep{};
    return true;
  };
  try {
    json parsed = json::parse(text, check_depth, /*allow_exceptions=*/true,
                              /*ignore_comments=*/true);
    return parsed;
  } catch (const json::parse_error& error) {
    return InvalidArgument(std::string(kFileLabel) +
                           " is not valid JSON: " + DescribePosition(text, error.byte) + ": " +
                           DescribeSyntaxError(error.what()));
  } catch (const json::exception& error) {
    return InvalidArgument(std::string(kFileLabel) +
                           " is not valid JSON: " + EscapeForMessage(error.what()));
  } catch (const NestingTooDeep&) {
    return TooDeep();
  }
}

void WarnAboutKeyCase(const std::string& key, std::vector<std::string>& warnings) {
  for (const KnownKey& known : kKnownKeys) {
    if (EqualsIgnoringAsciiCase(key, known.name)) {
      warnings.push_back(std::string(kFileLabel) + ": unknown key " + QuoteForMessage(key) +
                         "; keys are case-sensitive, did you mean \"" + std::string(known.name) +
                         "\"?");
      return;
    }
  }
}

}  // namespace

Result<JobSettings> JobSettingsFromJson(const json& object) {
  if (!object.is_object()) {
    return InvalidArgument(std::string(kFileLabel) +
                           " must contain a JSON object such as {\"schedule\": \"0 0 * * * *\"}, "
                           "found " +
                           DescribeValue(object));
  }
  if (NestsDeeperThan(object, kMaxSettingsDepth)) return TooDeep();

  JobSettings settings;
  settings.raw = object;
  for (const auto& [key, value] : object.items()) {
    const KnownKey* known = nullptr;
    for (const KnownKey& candidate : kKnownKeys) {
      if (candidate.name == key) known = &candidate;
    }
    if (known == nullptr) {
      WarnAboutKeyCase(key, settings.warnings);
      continue;
    }
    if (value.is_null()) continue;
    Status status = known->read(known->name, value, settings);
    if (!status.ok()) return status.error();
  }
  return settings;
}

Result<JobSettings> ParseJobSettings(std::string_view file_bytes) {
  if (file_bytes.size() > kMaxSettingsFileBytes) {
    return InvalidArgument(std::string(kFileLabel) + " is " + std::to_string(file_bytes.size()) +
                           " bytes long; the limit is " + std::to_string(kMaxSettingsFileBytes) +
                           " bytes");
  }
  Result<std::string> text = DecodeTextToUtf8(file_bytes, kFileLabel);
  if (!text.ok()) return text.error();
  if (text->find_first_not_of(" \t\r\n") == std::string::npos) return JobSettings{};

  Result<json> parsed = ParseJsonText(*text);
  if (!parsed.ok()) return parsed.error();
  return JobSettingsFromJson(*parsed);
}

std::string SerializeJobSettings(const json& settings) {
  return settings.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

std::chrono::seconds DefaultStoppingWaitTime(JobType type) {
  return type == JobType::kContinuous ? std::chrono::seconds(5) : std::chrono::seconds(30);
}

std::string_view CatchUpPolicyName(CatchUpPolicy policy) {
  for (const auto& [name, choice] : kCatchUpChoices) {
    if (choice == policy) return name;
  }
  return "kudu";
}

std::string_view OverlapPolicyName(OverlapPolicy policy) {
  for (const auto& [name, choice] : kOverlapChoices) {
    if (choice == policy) return name;
  }
  return "skip";
}

}  // namespace webjobs
