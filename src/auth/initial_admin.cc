#include "auth/initial_admin.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "auth/scope.h"

namespace webjobs {
namespace {

Status WritePrivateFile(const std::filesystem::path& path, const std::string& content) {
  std::filesystem::path temporary = path;
  temporary += ".tmp";
  ::unlink(temporary.c_str());
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return ErrnoError("cannot create " + temporary.string(), errno);
  Status done = Status::Ok();
  size_t written = 0;
  while (done.ok() && written < content.size()) {
    ssize_t count = ::write(fd, content.data() + written, content.size() - written);
    if (count < 0 && errno == EINTR) continue;
    if (count < 0) {
      done = ErrnoError("cannot write " + temporary.string(), errno);
    } else {
      written += static_cast<size_t>(count);
    }
  }
  if (done.ok() && ::fsync(fd) != 0) done = ErrnoError("cannot flush " + temporary.string(), errno);
  ::close(fd);
  if (!done.ok()) {
    ::unlink(temporary.c_str());
    return done;
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    return ErrnoError("cannot rename " + temporary.string() + " to " + path.string(), errno);
  }
  return Status::Ok();
}

}  // namespace

Result<InitialAdmin> EnsureInitialAdmin(Store& store, const Clock& clock,
                                        const std::optional<std::string>& preset_password,
                                        const std::filesystem::path& password_file,
                                        PasswordCost cost) {
  Result<std::vector<UserRecord>> users = store.ListUsers();
  if (!users.ok()) return users.error();
  if (!users->empty()) return InitialAdmin{};

  InitialAdmin admin;
  std::string password;
  if (preset_password.has_value()) {
    if (Status strong = CheckNewPassword(*preset_password); !strong.ok()) {
      return InvalidArgument("WEBJOBS_ADMIN_PASSWORD: " + strong.error().message);
    }
    password = *preset_password;
  } else {
    password = RandomPassword();
    if (Status written = WritePrivateFile(password_file, password + "\n"); !written.ok()) {
      return written.error();
    }
    admin.password_file = password_file;
    admin.generated_password = password;
  }
  Result<std::string> hash = HashPassword(password, cost);
  if (!hash.ok()) return hash.error();
  auto now = clock.Now();
  UserRecord user{kInitialAdminName, std::move(hash).value(), std::string(ScopeName(Scope::kAdmin)),
                  now, now};
  Result<bool> added = store.AddFirstUser(user);
  if (!added.ok()) return added.error();
  admin.created = *added;
  if (!admin.created && admin.password_file) {
    // Another host created the first user between the two calls.
    std::error_code ignored;
    std::filesystem::remove(password_file, ignored);
    return InitialAdmin{};
  }
  return admin;
}

}  // namespace webjobs
