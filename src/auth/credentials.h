// Credentials a request carries in its Authorization header:
//
//   Basic base64(user:password)   a user's password (RFC 7617)
//   Bearer wjt_<id>_<secret>      an API token
//
// A token may also be sent as the password of Basic credentials (with any
// user name), for Kudu clients that only know Basic. Token ids are 16 hex
// digits and secrets 64; the store keeps the id and the secret's SHA-256.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "core/result.h"

namespace webjobs {

struct PasswordCredentials {
  std::string user;
  std::string password;
};

struct TokenCredentials {
  std::string id;
  std::string secret;
};

using Credentials = std::variant<PasswordCredentials, TokenCredentials>;

inline constexpr std::string_view kTokenPrefix = "wjt_";
inline constexpr size_t kTokenIdLength = 16;
inline constexpr size_t kTokenSecretLength = 64;

// Parses an Authorization header value. kUnauthenticated, with a message
// that names the scheme or the part that is wrong but never repeats a
// secret, for an empty header, another scheme, bad base64, a missing ':'
// or a malformed token.
Result<Credentials> ParseAuthorization(std::string_view header);

// Parses "wjt_<16 hex>_<64 hex>". Returns nullopt for anything else.
std::optional<TokenCredentials> ParseToken(std::string_view text);

// The text of a token, "wjt_<id>_<secret>".
std::string FormatToken(const TokenCredentials& token);

// A new token with a random id and secret.
TokenCredentials GenerateToken();

// True for a token id: 16 lower-case hex digits.
bool IsTokenId(std::string_view text);

}  // namespace webjobs
