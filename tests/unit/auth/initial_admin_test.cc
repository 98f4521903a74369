#include "auth/initial_admin.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "auth_test_support.h"

namespace webjobs {
namespace {

using testing::AuthStoreTest;

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

class InitialAdminTest : public AuthStoreTest {
 protected:
  Result<InitialAdmin> Ensure(const std::optional<std::string>& preset) {
    return EnsureInitialAdmin(*store_, clock_, preset, password_file_, PasswordCost::kMinimal);
  }

  std::optional<UserRecord> Admin() {
    Result<std::optional<UserRecord>> user = store_->GetUser(kInitialAdminName);
    EXPECT_TRUE(user.ok());
    return user.ok() ? *user : std::nullopt;
  }

  std::filesystem::path password_file_ = dir_.path() / "admin-password.txt";
};

TEST_F(InitialAdminTest, GeneratedPasswordFileIsPrivate) {
  ::umask(022);
  Result<InitialAdmin> admin = Ensure(std::nullopt);
  ASSERT_TRUE(admin.ok()) << admin.error().message;
  EXPECT_TRUE(admin->created);
  ASSERT_TRUE(admin->password_file.has_value());
  EXPECT_EQ(*admin->password_file, password_file_);
  EXPECT_EQ(ReadFile(password_file_), admin->generated_password + "\n");
  EXPECT_TRUE(CheckNewPassword(admin->generated_password).ok());
  struct stat info {};
  ASSERT_EQ(::lstat(password_file_.c_str(), &info), 0);
  EXPECT_TRUE(S_ISREG(info.st_mode));
  EXPECT_EQ(info.st_mode & 07777, 0600u);
  EXPECT_FALSE(std::filesystem::exists(password_file_.string() + ".tmp"));

  std::optional<UserRecord> user = Admin();
  ASSERT_TRUE(user.has_value());
  EXPECT_EQ(user->role, "admin");
  EXPECT_TRUE(VerifyPassword(user->password_hash, admin->generated_password));
}

TEST_F(InitialAdminTest, PresetPasswordWritesNoFile) {
  Result<InitialAdmin> admin = Ensure(std::string("the preset password"));
  ASSERT_TRUE(admin.ok()) << admin.error().message;
  EXPECT_TRUE(admin->created);
  EXPECT_FALSE(admin->password_file.has_value());
  EXPECT_TRUE(admin->generated_password.empty());
  EXPECT_FALSE(std::filesystem::exists(password_file_));
  EXPECT_TRUE(VerifyPassword(Admin()->password_hash, "the preset password"));
}

TEST_F(InitialAdminTest, WeakPresetIsRejected) {
  Result<InitialAdmin> admin = Ensure(std::string("tooshort"));
  ASSERT_FALSE(admin.ok());
  EXPECT_EQ(admin.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(admin.error().message.find("WEBJOBS_ADMIN_PASSWORD"), std::string::npos);
  EXPECT_EQ(admin.error().message.find("tooshort"), std::string::npos);
  EXPECT_FALSE(Admin().has_value());
}

TEST_F(InitialAdminTest, SecondCallChangesNothing) {
  Result<InitialAdmin> first = Ensure(std::nullopt);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(first->created);
  std::string hash = Admin()->password_hash;
  std::filesystem::remove(password_file_);
  for (const std::optional<std::string>& preset :
       {std::optional<std::string>(), std::optional<std::string>("another preset one")}) {
    Result<InitialAdmin> again = Ensure(preset);
    ASSERT_TRUE(again.ok()) << again.error().message;
    EXPECT_FALSE(again->created);
    EXPECT_FALSE(again->password_file.has_value());
    EXPECT_FALSE(std::filesystem::exists(password_file_));
    EXPECT_EQ(Admin()->password_hash, hash);
  }
}

TEST_F(InitialAdminTest, AnyExistingUserPreventsTheAdmin) {
  AddUser("someone", "someone password", "read");
  Result<InitialAdmin> admin = Ensure(std::nullopt);
  ASSERT_TRUE(admin.ok());
  EXPECT_FALSE(admin->created);
  EXPECT_FALSE(Admin().has_value());
  EXPECT_FALSE(std::filesystem::exists(password_file_));
}

TEST_F(InitialAdminTest, ReplacesSymlinks) {
  std::filesystem::path victim = dir_.path() / "victim";
  std::ofstream(victim) << "keep me";
  std::filesystem::permissions(victim, std::filesystem::perms(0644));
  std::filesystem::create_symlink(victim, password_file_);
  std::filesystem::create_symlink(victim, password_file_.string() + ".tmp");
  Result<InitialAdmin> admin = Ensure(std::nullopt);
  ASSERT_TRUE(admin.ok()) << admin.error().message;
  EXPECT_EQ(ReadFile(victim), "keep me");
  EXPECT_FALSE(std::filesystem::is_symlink(password_file_));
  EXPECT_EQ(ReadFile(password_file_), admin->generated_password + "\n");
  struct stat info {};
  ASSERT_EQ(::stat(victim.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 07777, 0644u);
}

TEST_F(InitialAdminTest, MissingFolderNamesTheFile) {
  std::filesystem::path missing = dir_.path() / "no-such-folder" / "admin-password.txt";
  Result<InitialAdmin> admin =
      EnsureInitialAdmin(*store_, clock_, std::nullopt, missing, PasswordCost::kMinimal);
  ASSERT_FALSE(admin.ok());
  EXPECT_NE(admin.error().message.find("no-such-folder"), std::string::npos);
  EXPECT_FALSE(Admin().has_value());
}

}  // namespace
}  // namespace webjobs
