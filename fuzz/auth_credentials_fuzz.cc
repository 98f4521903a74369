// Fuzzes the parsing of Authorization header values and API tokens: any
// bytes must give credentials or an error. Parsed tokens must format back
// to the text they came from, a parsed user name never holds ':', and an
// error message is short printable ASCII that shows at most the scheme,
// never the credentials after it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "auth/credentials.h"

namespace {

bool IsLowerHex(std::string_view text) {
  return text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

void CheckToken(const webjobs::TokenCredentials& token) {
  if (token.id.size() != webjobs::kTokenIdLength || !IsLowerHex(token.id)) std::abort();
  if (token.secret.size() != webjobs::kTokenSecretLength || !IsLowerHex(token.secret)) std::abort();
  if (!webjobs::IsTokenId(token.id)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);

  if (std::optional<webjobs::TokenCredentials> token = webjobs::ParseToken(bytes)) {
    CheckToken(*token);
    if (webjobs::FormatToken(*token) != bytes) std::abort();
  }

  webjobs::Result<webjobs::Credentials> parsed = webjobs::ParseAuthorization(bytes);
  if (parsed.ok()) {
    if (const auto* token = std::get_if<webjobs::TokenCredentials>(&parsed.value())) {
      CheckToken(*token);
      std::optional<webjobs::TokenCredentials> again =
          webjobs::ParseToken(webjobs::FormatToken(*token));
      if (!again || again->id != token->id || again->secret != token->secret) std::abort();
    } else {
      const auto& password = std::get<webjobs::PasswordCredentials>(parsed.value());
      if (password.user.find(':') != std::string::npos) std::abort();
    }
    return 0;
  }

  const webjobs::Error& error = parsed.error();
  if (error.code != webjobs::ErrorCode::kUnauthenticated) std::abort();
  if (error.message.empty() || error.message.size() > 300) std::abort();
  for (unsigned char c : error.message) {
    if (c < 0x20 || c > 0x7e) std::abort();
  }
  // Only the scheme (at most 20 bytes, before any space) is ever shown;
  // every other message is fixed text.
  std::string_view message = error.message;
  constexpr std::string_view kScheme = "unsupported authorization scheme \"";
  if (message.substr(0, kScheme.size()) == kScheme) {
    size_t end = message.find("\": use Basic", kScheme.size());
    if (end == std::string_view::npos || end - kScheme.size() > 20) std::abort();
    if (message.substr(kScheme.size(), end - kScheme.size()).find(' ') != std::string_view::npos) {
      std::abort();
    }
    return 0;
  }
  // A bare scheme is quoted back, and it is only "Basic" or "Bearer" in
  // some case.
  constexpr std::string_view kBareScheme = "the Authorization header ";
  if (message.substr(0, kBareScheme.size()) == kBareScheme) {
    size_t end = message.find(" has no credentials after the scheme", kBareScheme.size());
    if (end == std::string_view::npos) std::abort();
    std::string scheme(message.substr(kBareScheme.size(), end - kBareScheme.size()));
    for (char& c : scheme) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    if (scheme != "basic" && scheme != "bearer") std::abort();
    return 0;
  }
  for (std::string_view fixed :
       {"no credentials", "the Authorization header is longer than",
        "the Basic credentials are not valid base64", "the Basic credentials have no ':'",
        "the Bearer token is malformed"}) {
    if (message.substr(0, fixed.size()) == fixed) return 0;
  }
  std::abort();
  return 0;
}
