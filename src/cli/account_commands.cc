#include "cli/account_commands.h"

#include <fcntl.h>
#include <pwd.h>
#include <termios.h>
#include <unistd.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "auth/account_service.h"
#include "cli/client_support.h"
#include "cli/table_format.h"
#include "core/clock.h"
#include "http/dotnet_format.h"
#include "http/request_path.h"
#include "package/message_value.h"
#include "store/store_sqlite.h"

namespace webjobs {
namespace {

// User names are compared without regard to case, so `stored` is the
// spelling the existing user was created with.
std::string ExistingUserMessage(const std::string& stored) {
  return "user " + QuoteForMessage(stored) +
         " already exists (user names ignore case); change it with `webjobs user passwd`";
}

using nlohmann::json;

// Reads one line from the terminal with echo off. nullopt without one.
std::optional<std::string> ReadHidden(const std::string& prompt) {
  int tty = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
  if (tty < 0) return std::nullopt;
  termios saved{};
  bool restore = ::tcgetattr(tty, &saved) == 0;
  if (restore) {
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(tty, TCSAFLUSH, &quiet);
  }
  (void)!::write(tty, prompt.data(), prompt.size());
  std::string line;
  char c = 0;
  while (::read(tty, &c, 1) == 1 && c != '\n') line.push_back(c);
  if (restore) ::tcsetattr(tty, TCSAFLUSH, &saved);
  (void)!::write(tty, "\n", 1);
  ::close(tty);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

// The new password of `user add` and `user passwd`: flags.new_password,
// else typed twice on a terminal, else the first line of stdin.
Result<std::string> ReadNewPassword(const ClientFlags& flags, CommandKind kind) {
  if (flags.new_password) return *flags.new_password;
  if (::isatty(STDIN_FILENO) == 1) {
    std::optional<std::string> first = ReadHidden("New password for " + flags.name + ": ");
    std::optional<std::string> second = ReadHidden("Type it again: ");
    if (!first || !second) return InvalidArgument("cannot read a password from the terminal");
    if (*first != *second) return InvalidArgument("the two passwords differ; nothing changed");
    return *first;
  }
  std::string line;
  if (!std::getline(std::cin, line) || line.empty()) {
    std::string command = kind == CommandKind::kUserAdd ? "add" : "passwd";
    return InvalidArgument("no password for user " + QuoteForMessage(flags.name) +
                           ": type it on a terminal, or pipe it as one line to stdin, as in "
                           "`printf '%s\\n' \"$PASSWORD\" | webjobs user " +
                           command + " " + flags.name + "`");
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

std::string UserPath(const std::string& name) { return "/api/users/" + PercentEncode(name); }

Status Expect(const Result<ApiResponse>& response) {
  if (!response.ok()) return response.error();
  if (!response->ok()) return ResponseError(*response);
  return Status::Ok();
}

Result<json> ParseBody(const ApiResponse& response) {
  json body = json::parse(response.body, nullptr, false);
  if (body.is_discarded()) return InternalError("the host sent a body that is not JSON");
  return body;
}

void PrintUsers(const json& users, bool as_json, std::ostream& out) {
  if (as_json) {
    out << users.dump(2) << "\n";
    return;
  }
  std::vector<std::vector<std::string>> rows;
  for (const json& user : users) {
    rows.push_back({user.value("name", ""), user.value("role", ""),
                    ShortTime(user.value("created", "")), ShortTime(user.value("updated", ""))});
  }
  out << FormatTable({"NAME", "ROLE", "CREATED", "UPDATED"}, rows);
}

std::string LocalActor() {
  const passwd* entry = ::getpwuid(::geteuid());
  return std::string("local:") + (entry != nullptr ? entry->pw_name : std::to_string(::geteuid()));
}

json UserJson(const UserRecord& user) {
  return {{"name", user.name},
          {"role", user.role},
          {"created", FormatIsoUtc(user.created)},
          {"updated", FormatIsoUtc(user.updated)}};
}

}  // namespace

Result<std::string> PromptPassword(const std::string& prompt) {
  std::optional<std::string> typed = ReadHidden(prompt);
  if (!typed) return InvalidArgument("no terminal to ask for a password on");
  return *typed;
}

Status RunUserCommand(ApiClient& client, CommandKind kind, const ClientFlags& flags,
                      std::ostream& out, std::ostream& err) {
  switch (kind) {
    case CommandKind::kUserList: {
      Result<json> users = GetJson(client, "/api/users");
      if (!users.ok()) return users.error();
      PrintUsers(*users, flags.json, out);
      return Status::Ok();
    }
    case CommandKind::kUserAdd:
    case CommandKind::kUserPasswd: {
      Result<std::string> password = ReadNewPassword(flags, kind);
      if (!password.ok()) return password.error();
      json body = {{"password", *password}};
      if (flags.role) body["role"] = *flags.role;
      if (kind == CommandKind::kUserAdd && !flags.role) body["role"] = "read";
      // `user add` must not silently change an existing user.
      if (kind == CommandKind::kUserAdd) {
        Result<ApiResponse> existing = client.Get(UserPath(flags.name));
        if (!existing.ok()) return existing.error();
        if (existing->status == 200) {
          // User names ignore case, so the stored spelling may differ.
          json user = json::parse(existing->body, nullptr, false);
          std::string stored = user.is_object() && user.value("name", json()).is_string()
                                   ? user["name"].get<std::string>()
                                   : flags.name;
          return Conflict(ExistingUserMessage(stored));
        }
      }
      Result<ApiResponse> response = client.PutJson(UserPath(flags.name), body.dump());
      if (Status done = Expect(response); !done.ok()) return done;
      Result<json> user = ParseBody(*response);
      if (!user.ok()) return user.error();
      out << (response->status == 201 ? "added user " : "changed user ") << flags.name << " (role "
          << user->value("role", "") << ")\n";
      (void)err;
      return Status::Ok();
    }
    case CommandKind::kUserRemove: {
      if (Status done = Expect(client.Delete(UserPath(flags.name))); !done.ok()) return done;
      out << "removed user " << flags.name << " and its API tokens\n";
      return Status::Ok();
    }
    default:
      return InternalError("not a user command");
  }
}

Status RunLocalUserCommand(CommandKind kind, const ClientFlags& flags, std::ostream& out,
                           std::ostream& err) {
  std::filesystem::path db = std::filesystem::path(*flags.local_root) / "data" / "webjobs.db";
  std::error_code missing;
  if (!std::filesystem::exists(db, missing)) {
    return NotFound("no webjobs store at " + db.string() +
                    "; give --root the data root that `webjobs serve --root` uses");
  }
  Result<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(db);
  if (!store.ok()) return store.error();
  SystemClock clock;
  AccountService accounts(**store, clock);
  std::string action;
  Status done = Status::Ok();
  switch (kind) {
    case CommandKind::kUserList: {
      Result<std::vector<UserRecord>> users = accounts.ListUsers(nullptr);
      if (!users.ok()) return users.error();
      json list = json::array();
      for (const UserRecord& user : *users) list.push_back(UserJson(user));
      PrintUsers(list, flags.json, out);
      return Status::Ok();
    }
    case CommandKind::kUserAdd:
    case CommandKind::kUserPasswd: {
      Result<std::optional<UserRecord>> existing = (*store)->GetUser(flags.name);
      if (!existing.ok()) return existing.error();
      if (kind == CommandKind::kUserAdd && existing->has_value()) {
        return Conflict(ExistingUserMessage((*existing)->name));
      }
      if (kind == CommandKind::kUserPasswd && !existing->has_value()) {
        return NotFound("user " + QuoteForMessage(flags.name) + " does not exist");
      }
      Result<std::string> password = ReadNewPassword(flags, kind);
      if (!password.ok()) return password.error();
      std::optional<Scope> role;
      if (flags.role) {
        Result<Scope> parsed = ParseScope(*flags.role);
        if (!parsed.ok()) return parsed.error();
        role = *parsed;
      }
      Result<UserChange> change = accounts.SetUser(nullptr, flags.name, *password, role);
      if (!change.ok()) return change.error();
      out << (change->created ? "added user " : "changed user ") << change->user.name << " (role "
          << change->user.role << ")\n";
      action = "user.set";
      break;
    }
    case CommandKind::kUserRemove:
      done = accounts.RemoveUser(nullptr, flags.name);
      if (!done.ok()) return done;
      out << "removed user " << flags.name << " and its API tokens\n";
      action = "user.remove";
      break;
    default:
      return InternalError("not a user command");
  }
  AuditRecord record{0, clock.Now(), LocalActor(), "local", action, "user " + flags.name, 200};
  if (Status audited = (*store)->AppendAudit(record); !audited.ok()) {
    err << "webjobs: warning: the change is made, but the audit log could not record it: "
        << audited.error().message << "\n";
  }
  return Status::Ok();
}

Status RunTokenCommand(ApiClient& client, CommandKind kind, const ClientFlags& flags,
                       std::ostream& out, std::ostream& err) {
  switch (kind) {
    case CommandKind::kTokenList: {
      Result<json> tokens = GetJson(client, "/api/tokens");
      if (!tokens.ok()) return tokens.error();
      if (flags.json) {
        out << tokens->dump(2) << "\n";
        return Status::Ok();
      }
      std::vector<std::vector<std::string>> rows;
      for (const json& token : *tokens) {
        rows.push_back({token.value("id", ""), token.value("user", ""), token.value("scope", ""),
                        ShortTime(token.value("created", "")), token.value("label", "")});
      }
      out << FormatTable({"ID", "USER", "SCOPE", "CREATED", "LABEL"}, rows);
      return Status::Ok();
    }
    case CommandKind::kTokenCreate: {
      json body = {{"label", flags.label}, {"scope", flags.scope}};
      Result<ApiResponse> response = client.PostJson("/api/tokens", body.dump());
      if (Status done = Expect(response); !done.ok()) return done;
      Result<json> token = ParseBody(*response);
      if (!token.ok()) return token.error();
      // The token alone on stdout, so scripts can capture it.
      out << token->value("token", "") << "\n";
      err << "webjobs: created token " << token->value("id", "") << " with scope "
          << token->value("scope", "")
          << "; it is shown only now. Use it as WEBJOBS_TOKEN or \"Authorization: Bearer "
             "<token>\".\n";
      return Status::Ok();
    }
    case CommandKind::kTokenRevoke: {
      Result<ApiResponse> response = client.Delete("/api/tokens/" + PercentEncode(flags.token_id));
      if (Status done = Expect(response); !done.ok()) return done;
      out << "revoked token " << flags.token_id << "\n";
      return Status::Ok();
    }
    default:
      return InternalError("not a token command");
  }
}

Status RunAuditCommand(ApiClient& client, const ClientFlags& flags, std::ostream& out) {
  Result<json> page = GetJson(client, "/api/audit?limit=" + std::to_string(flags.limit));
  if (!page.ok()) return page.error();
  if (flags.json) {
    out << page->dump(2) << "\n";
    return Status::Ok();
  }
  std::vector<std::vector<std::string>> rows;
  for (const json& entry : (*page)["entries"]) {
    rows.push_back({ShortTime(entry.value("time", "")), entry.value("actor", ""),
                    entry.value("address", ""), entry.value("action", ""),
                    entry.value("target", ""), std::to_string(entry.value("status", 0))});
  }
  out << FormatTable({"TIME", "ACTOR", "ADDRESS", "ACTION", "TARGET", "STATUS"}, rows);
  return Status::Ok();
}

}  // namespace webjobs
