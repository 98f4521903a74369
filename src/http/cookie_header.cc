#include "http/cookie_header.h"

namespace webjobs {
namespace {

std::string_view TrimSpaces(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::string Attributes(bool tls) {
  std::string attributes = "; Path=/; HttpOnly; SameSite=Strict";
  if (tls) attributes += "; Secure";
  return attributes;
}

}  // namespace

std::optional<std::string> FindCookie(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    size_t end = header.find(';');
    std::string_view pair = header.substr(0, end);
    header = end == std::string_view::npos ? std::string_view() : header.substr(end + 1);

    size_t equals = pair.find('=');
    if (equals == std::string_view::npos) continue;
    if (TrimSpaces(pair.substr(0, equals)) != name) continue;
    std::string_view value = TrimSpaces(pair.substr(equals + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    return std::string(value);
  }
  return std::nullopt;
}

std::string RemoveCookie(std::string_view header, std::string_view name) {
  std::string kept;
  while (!header.empty()) {
    size_t end = header.find(';');
    std::string_view pair = TrimSpaces(header.substr(0, end));
    header = end == std::string_view::npos ? std::string_view() : header.substr(end + 1);

    size_t equals = pair.find('=');
    if (equals != std::string_view::npos && TrimSpaces(pair.substr(0, equals)) == name) continue;
    if (pair.empty()) continue;
    if (!kept.empty()) kept += "; ";
    kept += pair;
  }
  return kept;
}

std::string SessionCookie(std::string_view id, bool tls) {
  return std::string(kSessionCookie) + "=" + std::string(id) + Attributes(tls);
}

std::string ExpiredSessionCookie(bool tls) {
  return std::string(kSessionCookie) + "=" + Attributes(tls) + "; Max-Age=0";
}

}  // namespace webjobs
