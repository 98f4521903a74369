#include "auth/credentials.h"

#include <sodium.h>

#include <algorithm>
#include <optional>

#include "auth/password_hash.h"

namespace webjobs {
namespace {

// Longest header accepted; httplib limits the whole header block anyway.
constexpr size_t kMaxHeaderLength = 4096;

bool IsLowerHex(std::string_view text, size_t length) {
  return text.size() == length && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

bool StartsWithScheme(std::string_view header, std::string_view scheme) {
  if (header.size() <= scheme.size() || header[scheme.size()] != ' ') return false;
  for (size_t i = 0; i < scheme.size(); ++i) {
    char c = header[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != scheme[i]) return false;
  }
  return true;
}

bool EqualsIgnoringCase(std::string_view text, std::string_view lower) {
  return text.size() == lower.size() &&
         std::equal(text.begin(), text.end(), lower.begin(), [](char c, char expected) {
           if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
           return c == expected;
         });
}

std::string_view TrimSpaces(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

Result<Credentials> ParseBasic(std::string_view encoded) {
  std::string decoded(encoded.size(), '\0');
  size_t decoded_size = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(decoded.data()), decoded.size(),
                        encoded.data(), encoded.size(), nullptr, &decoded_size, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0) {
    return Unauthenticated("the Basic credentials are not valid base64");
  }
  decoded.resize(decoded_size);
  size_t colon = decoded.find(':');
  if (colon == std::string::npos) {
    sodium_memzero(decoded.data(), decoded.size());
    return Unauthenticated("the Basic credentials have no ':' between user and password");
  }
  PasswordCredentials credentials{decoded.substr(0, colon), decoded.substr(colon + 1)};
  sodium_memzero(decoded.data(), decoded.size());
  if (std::optional<TokenCredentials> token = ParseToken(credentials.password)) {
    return Credentials(std::move(*token));
  }
  return Credentials(std::move(credentials));
}

}  // namespace

std::optional<TokenCredentials> ParseToken(std::string_view text) {
  if (text.size() != kTokenPrefix.size() + kTokenIdLength + 1 + kTokenSecretLength ||
      text.substr(0, kTokenPrefix.size()) != kTokenPrefix) {
    return std::nullopt;
  }
  text.remove_prefix(kTokenPrefix.size());
  std::string_view id = text.substr(0, kTokenIdLength);
  std::string_view secret = text.substr(kTokenIdLength + 1);
  if (text[kTokenIdLength] != '_' || !IsLowerHex(id, kTokenIdLength) ||
      !IsLowerHex(secret, kTokenSecretLength)) {
    return std::nullopt;
  }
  return TokenCredentials{std::string(id), std::string(secret)};
}

bool IsTokenId(std::string_view text) { return IsLowerHex(text, kTokenIdLength); }

std::string FormatToken(const TokenCredentials& token) {
  return std::string(kTokenPrefix) + token.id + "_" + token.secret;
}

TokenCredentials GenerateToken() {
  return TokenCredentials{RandomHex(kTokenIdLength / 2), RandomHex(kTokenSecretLength / 2)};
}

Result<Credentials> ParseAuthorization(std::string_view header) {
  header = TrimSpaces(header);
  if (header.empty()) return Unauthenticated("no credentials");
  if (header.size() > kMaxHeaderLength) {
    return Unauthenticated("the Authorization header is longer than " +
                           std::to_string(kMaxHeaderLength) + " bytes");
  }
  if (StartsWithScheme(header, "basic")) {
    return ParseBasic(TrimSpaces(header.substr(6)));
  }
  if (StartsWithScheme(header, "bearer")) {
    std::optional<TokenCredentials> token = ParseToken(TrimSpaces(header.substr(7)));
    if (!token) {
      return Unauthenticated("the Bearer token is malformed: expected wjt_ followed by " +
                             std::to_string(kTokenIdLength) + " and " +
                             std::to_string(kTokenSecretLength) +
                             " hex digits, as `webjobs token create` prints it");
    }
    return Credentials(std::move(*token));
  }
  if (EqualsIgnoringCase(header, "basic") || EqualsIgnoringCase(header, "bearer")) {
    return Unauthenticated("the Authorization header " + std::string(header) +
                           " has no credentials after the scheme; send \"Basic "
                           "base64(user:password)\" or \"Bearer <token>\"");
  }
  size_t space = header.find(' ');
  std::string scheme(header.substr(0, std::min<size_t>(space, 20)));
  for (char& c : scheme) {
    if (static_cast<unsigned char>(c) < 0x21 || static_cast<unsigned char>(c) > 0x7e) c = '?';
  }
  return Unauthenticated("unsupported authorization scheme \"" + scheme +
                         "\": use Basic (user and password) or Bearer (an API token)");
}

}  // namespace webjobs
