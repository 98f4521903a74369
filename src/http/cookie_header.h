// Cookies of a request (the Cookie header, RFC 6265 section 5.4) and the
// Set-Cookie values of the portal's cookies.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace webjobs {

// The portal's session cookie (HttpOnly) and its language choice.
inline constexpr std::string_view kSessionCookie = "webjobs_session";
inline constexpr std::string_view kLanguageCookie = "webjobs_lang";

// Returns the value of the first cookie named `name` (exact, case-sensitive)
// in `header`, a Cookie header's value of "name=value" pairs separated by
// ';'. Whitespace around names and values and one pair of double quotes
// around a value are removed. Pairs without '=' are skipped. nullopt when
// there is no such cookie.
std::optional<std::string> FindCookie(std::string_view header, std::string_view name);

// Returns `header` without the pairs whose name is `name` (exact,
// case-sensitive), the other pairs unchanged and joined with "; ". Empty
// when no other pair remains.
std::string RemoveCookie(std::string_view header, std::string_view name);

// The Set-Cookie value that stores session id `id`: HttpOnly,
// SameSite=Strict, Path=/, Secure when `tls`, and no Max-Age, so the
// browser deletes it when it closes. The server may end the session sooner
// (SessionStore).
std::string SessionCookie(std::string_view id, bool tls);

// The Set-Cookie value that makes the browser delete the session cookie.
std::string ExpiredSessionCookie(bool tls);

}  // namespace webjobs
