// Password hashing with argon2id (libsodium's crypto_pwhash), and the
// random secrets the host hands out.
//
// A hash is libsodium's self-describing string ("$argon2id$v=19$m=...").
// It carries its own cost, so hashes made with an older cost still verify.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace webjobs {

// The work one hash costs. kInteractive is libsodium's interactive limit
// (64 MiB, 2 passes), about 0.1 s on one core. kMinimal (8 KiB, 1 pass) is
// for unit tests only.
enum class PasswordCost { kInteractive, kMinimal };

// Initializes libsodium. Safe to call from any thread, any number of
// times. Returns kInternal when the library cannot start (no entropy).
Status InitializeCrypto();

// The shortest and longest password accepted.
inline constexpr size_t kMinPasswordLength = 12;
inline constexpr size_t kMaxPasswordLength = 1024;

// Checks the length of a new password. The message names the rule, never
// the password.
Status CheckNewPassword(std::string_view password);

// Hashes `password` with a fresh random salt. kInternal when libsodium
// cannot allocate the memory the cost needs.
Result<std::string> HashPassword(std::string_view password,
                                 PasswordCost cost = PasswordCost::kInteractive);

// True when `password` matches `hash`. A malformed hash never matches.
bool VerifyPassword(const std::string& hash, std::string_view password);

// A random password of `length` letters and digits (about 5.95 bits each).
std::string RandomPassword(size_t length = 24);

// `bytes` random bytes as lower-case hex.
std::string RandomHex(size_t bytes);

// SHA-256 of `data` as lower-case hex (64 characters).
std::string Sha256Hex(std::string_view data);

// Compares two strings in time that depends only on their lengths.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace webjobs
