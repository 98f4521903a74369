#include "portal/language.h"

#include <optional>

namespace webjobs {
namespace {

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

char LowerAscii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (LowerAscii(a[i]) != LowerAscii(b[i])) return false;
  }
  return true;
}

// Parses a weight ("1", "1.0", "0.8", "0.125") into thousandths; nullopt
// when it breaks the qvalue grammar of RFC 9110 section 12.4.2.
std::optional<int> ParseWeight(std::string_view text) {
  if (text.empty() || text.size() > 5 || (text[0] != '0' && text[0] != '1')) return std::nullopt;
  int whole = text[0] - '0';
  if (text.size() == 1) return whole * 1000;
  if (text[1] != '.') return std::nullopt;
  int fraction = 0;
  int scale = 100;
  for (char c : text.substr(2)) {
    if (c < '0' || c > '9') return std::nullopt;
    fraction += (c - '0') * scale;
    scale /= 10;
  }
  if (whole == 1 && fraction != 0) return std::nullopt;
  return whole * 1000 + fraction;
}

// The supported language `range` selects, or an empty view.
std::string_view MatchRange(std::string_view range) {
  if (range == "*") return kPortalLanguages[0];
  std::string_view primary = range.substr(0, range.find('-'));
  for (std::string_view language : kPortalLanguages) {
    if (EqualsIgnoringCase(primary, language)) return language;
  }
  return {};
}

}  // namespace

std::string_view NegotiateLanguage(std::string_view accept_language) {
  std::string_view best = kPortalLanguages[0];
  int best_weight = 0;
  while (!accept_language.empty()) {
    size_t comma = accept_language.find(',');
    std::string_view entry = accept_language.substr(0, comma);
    accept_language =
        comma == std::string_view::npos ? std::string_view() : accept_language.substr(comma + 1);

    size_t semicolon = entry.find(';');
    std::string_view range = Trim(entry.substr(0, semicolon));
    int weight = 1000;
    if (semicolon != std::string_view::npos) {
      std::string_view parameter = Trim(entry.substr(semicolon + 1));
      if (parameter.size() < 2 || LowerAscii(parameter[0]) != 'q' || parameter[1] != '=') continue;
      std::optional<int> parsed = ParseWeight(Trim(parameter.substr(2)));
      if (!parsed) continue;
      weight = *parsed;
    }
    std::string_view language = MatchRange(range);
    if (language.empty() || weight <= best_weight) continue;
    best = language;
    best_weight = weight;
  }
  return best;
}

std::string_view ChoosePortalLanguage(std::string_view cookie, std::string_view accept_language) {
  for (std::string_view language : kPortalLanguages) {
    if (cookie == language) return language;
  }
  return NegotiateLanguage(accept_language);
}

}  // namespace webjobs
