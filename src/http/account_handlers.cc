#include "http/account_handlers.h"

#include <charconv>
#include <nlohmann/json.hpp>

#include "http/dotnet_format.h"
#include "http/http_reply.h"
#include "package/message_value.h"

namespace webjobs {
namespace {

using nlohmann::json;

constexpr size_t kMaxAccountBodyBytes = 16 << 10;
constexpr size_t kDefaultAuditLimit = 100;
constexpr size_t kMaxAuditLimit = 1000;

json UserJson(const UserRecord& user) {
  return {{"name", user.name},
          {"role", user.role},
          {"created", FormatIsoUtc(user.created)},
          {"updated", FormatIsoUtc(user.updated)}};
}

json TokenJson(const TokenRecord& token) {
  return {{"id", token.id},
          {"user", token.user},
          {"label", token.label},
          {"scope", token.scope},
          {"created", FormatIsoUtc(token.created)}};
}

// Reads a JSON object body whose members are all strings or null.
Result<json> ReadObject(RequestContext& context, std::string_view example) {
  Result<std::string> body = context.body.ReadToString(kMaxAccountBodyBytes);
  if (!body.ok()) return body.error();
  json value = json::parse(*body, nullptr, false);
  if (value.is_discarded() || !value.is_object()) {
    return InvalidArgument("the body must be a JSON object such as " + std::string(example));
  }
  for (const auto& [key, member] : value.items()) {
    if (!member.is_string() && !member.is_null()) {
      return InvalidArgument("member " + QuoteForMessage(key) + " must be a string");
    }
  }
  return value;
}

std::optional<std::string> OptionalString(const json& object, const char* key) {
  auto found = object.find(key);
  if (found == object.end() || found->is_null()) return std::nullopt;
  return found->get<std::string>();
}

Status CheckKeys(const json& object, std::initializer_list<std::string_view> known) {
  for (const auto& [key, member] : object.items()) {
    bool is_known = false;
    for (std::string_view name : known) is_known = is_known || key == name;
    if (!is_known) {
      std::string list;
      for (std::string_view name : known) list += (list.empty() ? "" : ", ") + std::string(name);
      return InvalidArgument("unknown member " + QuoteForMessage(key) + ": expected " + list);
    }
  }
  return Status::Ok();
}

Result<size_t> ParseCount(const httplib::Request& request, const char* name, size_t fallback,
                          size_t max) {
  if (!request.has_param(name)) return fallback;
  std::string text = request.get_param_value(name);
  size_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 1 || value > max) {
    return InvalidArgument("invalid query value " + std::string(name) + "=" +
                           QuoteForMessage(text) + ": expected a whole number from 1 to " +
                           std::to_string(max));
  }
  return value;
}

}  // namespace

void AccountHandlers::WhoAmI(const Route&, RequestContext& context, httplib::Response& response) {
  const Principal& principal = context.principal;
  ReplyJson(response, 200,
            {{"user", principal.user},
             {"scope", std::string(ScopeName(principal.scope))},
             {"token", principal.via_token() ? json(principal.token_id) : json(nullptr)}});
}

void AccountHandlers::ListUsers(const Route&, RequestContext& context,
                                httplib::Response& response) {
  Result<std::vector<UserRecord>> users = accounts_.ListUsers(&context.principal);
  if (!users.ok()) return ReplyError(response, users.error());
  json list = json::array();
  for (const UserRecord& user : *users) list.push_back(UserJson(user));
  ReplyJson(response, 200, list);
}

void AccountHandlers::GetUser(const Route& route, RequestContext& context,
                              httplib::Response& response) {
  Result<UserRecord> user = accounts_.GetUser(&context.principal, route.account);
  if (!user.ok()) return ReplyError(response, user.error());
  ReplyJson(response, 200, UserJson(*user));
}

void AccountHandlers::PutUser(const Route& route, RequestContext& context,
                              httplib::Response& response) {
  Result<json> body = ReadObject(context, "{\"password\": \"...\", \"role\": \"operate\"}");
  if (!body.ok()) return ReplyBodyReadError(response, body.error());
  if (Status known = CheckKeys(*body, {"password", "role"}); !known.ok()) {
    return ReplyError(response, known.error());
  }
  std::optional<Scope> role;
  if (std::optional<std::string> text = OptionalString(*body, "role")) {
    Result<Scope> parsed = ParseScope(*text);
    if (!parsed.ok()) return ReplyError(response, parsed.error());
    role = *parsed;
  }
  Result<UserChange> change =
      accounts_.SetUser(&context.principal, route.account, OptionalString(*body, "password"), role);
  if (!change.ok()) return ReplyError(response, change.error());
  ReplyJson(response, change->created ? 201 : 200, UserJson(change->user));
}

void AccountHandlers::DeleteUser(const Route& route, RequestContext& context,
                                 httplib::Response& response) {
  Status removed = accounts_.RemoveUser(&context.principal, route.account);
  if (!removed.ok()) return ReplyError(response, removed.error());
  ReplyEmpty(response);
}

void AccountHandlers::ListTokens(const Route&, RequestContext& context,
                                 httplib::Response& response) {
  Result<std::vector<TokenRecord>> tokens = accounts_.ListTokens(&context.principal);
  if (!tokens.ok()) return ReplyError(response, tokens.error());
  json list = json::array();
  for (const TokenRecord& token : *tokens) list.push_back(TokenJson(token));
  ReplyJson(response, 200, list);
}

void AccountHandlers::CreateToken(const Route&, RequestContext& context,
                                  httplib::Response& response) {
  Result<json> body = ReadObject(context, "{\"label\": \"deploy pipeline\", \"scope\": \"operate\"}");
  if (!body.ok()) return ReplyBodyReadError(response, body.error());
  if (Status known = CheckKeys(*body, {"label", "scope"}); !known.ok()) {
    return ReplyError(response, known.error());
  }
  Result<Scope> scope = ParseScope(OptionalString(*body, "scope").value_or("read"));
  if (!scope.ok()) return ReplyError(response, scope.error());
  Result<CreatedToken> created = accounts_.CreateToken(
      &context.principal, context.principal.user, OptionalString(*body, "label").value_or(""),
      *scope);
  if (!created.ok()) return ReplyError(response, created.error());
  context.audit_target = "token " + created->record.id;
  json reply = TokenJson(created->record);
  reply["token"] = created->token;
  response.set_header("Cache-Control", "no-store");
  ReplyJson(response, 201, reply);
}

void AccountHandlers::DeleteToken(const Route& route, RequestContext& context,
                                  httplib::Response& response) {
  Status revoked = accounts_.RevokeToken(&context.principal, route.account);
  if (!revoked.ok()) return ReplyError(response, revoked.error());
  ReplyEmpty(response);
}

void AccountHandlers::ListAudit(const Route&, RequestContext& context,
                                httplib::Response& response) {
  Result<size_t> limit = ParseCount(context.http, "limit", kDefaultAuditLimit, kMaxAuditLimit);
  if (!limit.ok()) return ReplyError(response, limit.error());
  std::optional<int64_t> before;
  if (context.http.has_param("before")) {
    Result<size_t> parsed = ParseCount(context.http, "before", 0, SIZE_MAX >> 1);
    if (!parsed.ok()) return ReplyError(response, parsed.error());
    before = static_cast<int64_t>(*parsed);
  }
  // One more than asked tells whether an older page exists.
  Result<std::vector<AuditRecord>> records = store_.ListAudit(*limit + 1, before);
  if (!records.ok()) return ReplyError(response, records.error());
  bool more = records->size() > *limit;
  if (more) records->pop_back();
  json entries = json::array();
  for (const AuditRecord& record : *records) {
    entries.push_back({{"id", record.id},
                       {"time", FormatIsoUtc(record.time)},
                       {"actor", record.actor},
                       {"address", record.address},
                       {"action", record.action},
                       {"target", record.target},
                       {"status", record.status}});
  }
  json next = nullptr;
  if (more && !records->empty()) {
    next = context.base_url + "/api/audit?limit=" + std::to_string(*limit) +
           "&before=" + std::to_string(records->back().id);
  }
  ReplyJson(response, 200, {{"entries", entries}, {"next", next}});
}

}  // namespace webjobs
