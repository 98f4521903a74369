// The first user. When the store has no user at all, the host creates
// "admin" with the admin role: with the password from
// WEBJOBS_ADMIN_PASSWORD when that is set, else with a random password
// written to `password_file` (mode 0600, replaced if it exists). Two hosts
// that start at once on one store create one admin between them.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "auth/password_hash.h"
#include "core/clock.h"
#include "store/store.h"

namespace webjobs {

inline constexpr const char* kInitialAdminName = "admin";

struct InitialAdmin {
  bool created = false;
  // Set when the password was generated: the file that holds it, and the
  // password, for the caller to show once on a terminal.
  std::optional<std::filesystem::path> password_file;
  std::string generated_password;
};

// `preset_password` is WEBJOBS_ADMIN_PASSWORD, or nullopt. It must follow
// CheckNewPassword. Errors name the file or the store operation.
Result<InitialAdmin> EnsureInitialAdmin(Store& store, const Clock& clock,
                                        const std::optional<std::string>& preset_password,
                                        const std::filesystem::path& password_file,
                                        PasswordCost cost = PasswordCost::kInteractive);

}  // namespace webjobs
