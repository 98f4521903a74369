#include "http/accept_encoding.h"

#include <optional>

#include "package/ascii_case.h"

namespace webjobs {
namespace {

// Parses a qvalue: "0" or "1", optionally followed by "." and up to three
// digits ("1" allows only zeros). Returns whether it is above 0.
std::optional<bool> ParseQValue(std::string_view text) {
  if (text.empty() || (text[0] != '0' && text[0] != '1')) return std::nullopt;
  bool above_zero = text[0] == '1';
  if (text.size() == 1) return above_zero;
  if (text[1] != '.' || text.size() > 5) return std::nullopt;
  for (char digit : text.substr(2)) {
    if (digit < '0' || digit > '9') return std::nullopt;
    if (text[0] == '1' && digit != '0') return std::nullopt;
    if (digit != '0') above_zero = true;
  }
  return above_zero;
}

// Returns whether a member's parameters ("; q=0.5") allow its coding, or
// nullopt when they cannot be parsed. Parameters other than q are ignored.
std::optional<bool> ParametersAllow(std::string_view parameters) {
  bool allowed = true;
  while (!parameters.empty()) {
    size_t end = parameters.find(';');
    std::string_view parameter = TrimHttpWhitespace(parameters.substr(0, end));
    parameters = end == std::string_view::npos ? std::string_view{} : parameters.substr(end + 1);
    if (parameter.empty()) continue;
    size_t equals = parameter.find('=');
    if (equals == std::string_view::npos) return std::nullopt;
    if (!EqualsIgnoringAsciiCase(TrimHttpWhitespace(parameter.substr(0, equals)), "q")) continue;
    std::optional<bool> q = ParseQValue(TrimHttpWhitespace(parameter.substr(equals + 1)));
    if (!q) return std::nullopt;
    allowed = *q;
  }
  return allowed;
}

}  // namespace

bool AcceptsGzip(std::string_view accept_encoding) {
  std::optional<bool> gzip;
  std::optional<bool> any;
  while (!accept_encoding.empty()) {
    size_t end = accept_encoding.find(',');
    std::string_view member = accept_encoding.substr(0, end);
    accept_encoding =
        end == std::string_view::npos ? std::string_view{} : accept_encoding.substr(end + 1);
    size_t semicolon = member.find(';');
    std::string_view coding = TrimHttpWhitespace(member.substr(0, semicolon));
    if (coding.empty()) continue;
    std::optional<bool> allowed = ParametersAllow(
        semicolon == std::string_view::npos ? std::string_view{} : member.substr(semicolon + 1));
    if (!allowed) continue;
    if (EqualsIgnoringAsciiCase(coding, "gzip") || EqualsIgnoringAsciiCase(coding, "x-gzip")) {
      // When gzip is listed twice, a rejection wins.
      gzip = gzip.value_or(true) && *allowed;
    } else if (coding == "*") {
      any = any.value_or(true) && *allowed;
    }
  }
  if (gzip) return *gzip;
  return any.value_or(false);
}

}  // namespace webjobs
