// Handlers of the account routes and the audit log (ours):
//
//   GET    /api/me             who the credentials belong to
//   GET    /api/users          users (an admin sees all, others themselves)
//   GET    /api/users/{user}
//   PUT    /api/users/{user}   {"password": "...", "role": "operate"}: create
//                              (201) or change (200); both keys optional
//                              for a change
//   DELETE /api/users/{user}   also revokes the user's tokens
//   GET    /api/tokens         tokens (an admin sees all, others their own)
//   POST   /api/tokens         {"label": "...", "scope": "read"}: 201 with
//                              the token text, shown this once
//   DELETE /api/tokens/{id}
//   GET    /api/audit?limit=N&before=ID  newest first, admin only
//
// Password hashes and token secrets never appear in a response.
#pragma once

#include <httplib.h>

#include "auth/account_service.h"
#include "http/api_route.h"
#include "http/request_context.h"
#include "store/store.h"

namespace webjobs {

class AccountHandlers {
 public:
  // Both must outlive the handlers.
  AccountHandlers(AccountService& accounts, Store& store) : accounts_(accounts), store_(store) {}

  void WhoAmI(const Route& route, RequestContext& context, httplib::Response& response);
  void ListUsers(const Route& route, RequestContext& context, httplib::Response& response);
  void GetUser(const Route& route, RequestContext& context, httplib::Response& response);
  void PutUser(const Route& route, RequestContext& context, httplib::Response& response);
  void DeleteUser(const Route& route, RequestContext& context, httplib::Response& response);
  void ListTokens(const Route& route, RequestContext& context, httplib::Response& response);
  void CreateToken(const Route& route, RequestContext& context, httplib::Response& response);
  void DeleteToken(const Route& route, RequestContext& context, httplib::Response& response);
  void ListAudit(const Route& route, RequestContext& context, httplib::Response& response);

 private:
  AccountService& accounts_;
  Store& store_;
};

}  // namespace webjobs
