#include "auth/password_hash.h"

#include <sodium.h>

namespace webjobs {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

void InitializeOrAbort() {
  // sodium_init is idempotent and thread-safe; it fails only without a
  // source of randomness, and nothing here is safe without one.
  if (sodium_init() < 0) std::abort();
}

std::string ToHex(const unsigned char* data, size_t size) {
  std::string hex(size * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), data, size);
  hex.pop_back();  // the terminating NUL
  return hex;
}

}  // namespace

Status InitializeCrypto() {
  if (sodium_init() < 0) {
    return InternalError("libsodium failed to start: no source of random numbers");
  }
  return Status::Ok();
}

Status CheckNewPassword(std::string_view password) {
  if (password.size() < kMinPasswordLength) {
    return InvalidArgument("the password is too short: use at least " +
                           std::to_string(kMinPasswordLength) + " characters");
  }
  if (password.size() > kMaxPasswordLength) {
    return InvalidArgument("the password is too long: use at most " +
                           std::to_string(kMaxPasswordLength) + " characters");
  }
  if (password.find('\0') != std::string_view::npos) {
    return InvalidArgument("the password contains a NUL character; remove it");
  }
  return Status::Ok();
}

Result<std::string> HashPassword(std::string_view password, PasswordCost cost) {
  InitializeOrAbort();
  unsigned long long ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
  size_t memory = crypto_pwhash_MEMLIMIT_INTERACTIVE;
  if (cost == PasswordCost::kMinimal) {
    ops = crypto_pwhash_OPSLIMIT_MIN;
    memory = crypto_pwhash_MEMLIMIT_MIN;
  }
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(hash, password.data(), password.size(), ops, memory,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return InternalError("cannot hash a password: argon2id could not allocate " +
                         std::to_string(memory >> 20) + " MiB");
  }
  return std::string(hash);
}

bool VerifyPassword(const std::string& hash, std::string_view password) {
  InitializeOrAbort();
  if (hash.size() >= crypto_pwhash_STRBYTES) return false;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

std::string RandomPassword(size_t length) {
  InitializeOrAbort();
  std::string password(length, '\0');
  for (char& character : password) {
    character = kAlphabet[randombytes_uniform(static_cast<uint32_t>(kAlphabet.size()))];
  }
  return password;
}

std::string RandomHex(size_t bytes) {
  InitializeOrAbort();
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  std::string hex = ToHex(reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
  sodium_memzero(raw.data(), raw.size());
  return hex;
}

std::string Sha256Hex(std::string_view data) {
  InitializeOrAbort();
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  return ToHex(digest, sizeof digest);
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace webjobs
