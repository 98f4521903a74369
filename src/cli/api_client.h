// HTTP client for the commands that talk to a running host.
//
// Errors: kUnavailable is reserved for a host that cannot be reached
// (connection refused or timed out) or sent no response within 300
// seconds, so commands can exit with 3 for it. An HTTP error status is not an error of this class:
// it returns the response, and ResponseError() turns it into an Error with the server's message.
#pragma once

#include <httplib.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"

namespace webjobs {

struct ApiResponse {
  int status = 0;
  std::string body;
  httplib::Headers headers;

  bool ok() const { return status >= 200 && status < 300; }
  std::string Header(const std::string& name) const;
};

// Returns an Error carrying the response's plain-text message, or
// "HTTP <status>" when the body is empty. The code follows the status
// (400 kInvalidArgument, 401 kUnauthenticated, 403 kPermissionDenied, 404
// kNotFound, 409 kConflict, 413 kTooLarge, 429 kTooManyRequests, anything
// else kInternal), never kUnavailable. A 401 message also explains how to give
// credentials.
Error ResponseError(const ApiResponse& response);

// How the client signs in: an API token, else a user and password, else
// nothing (the host then responds with 401).
struct ClientCredentials {
  std::string user;
  std::string password;
  std::string token;
};

// Certificate checks of an https host. Both fields are ignored for http.
struct ClientTlsOptions {
  // PEM file of the CA certificates to trust in place of the system's;
  // empty uses the system's CAs.
  std::string ca_certificate_file;
  // Accept any certificate and host name. The caller warns the user.
  bool insecure = false;
};

class ApiClient {
 public:
  // Checks `base_url` ("http://host:port" or "https://host:port", no path)
  // and the CA file of an https URL, without connecting. Returns
  // kInvalidArgument for another URL form or a CA file that is missing or
  // not a regular file.
  static Result<ApiClient> Create(const std::string& base_url,
                                  const ClientTlsOptions& tls = ClientTlsOptions());

  // `path` is the encoded path and query, starting with '/'.
  Result<ApiResponse> Get(const std::string& path);
  Result<ApiResponse> Post(const std::string& path);
  Result<ApiResponse> Delete(const std::string& path);
  // Sends `body` as application/json.
  Result<ApiResponse> PostJson(const std::string& path, const std::string& body);
  Result<ApiResponse> PutJson(const std::string& path, const std::string& body);

  // Sends `credentials` with every later request.
  void SetCredentials(const ClientCredentials& credentials);
  // GETs `path` and passes a 2xx body to `on_body` piece by piece as it
  // arrives (`on_body` returns false to stop); the returned response then
  // has an empty body. Another status returns its body in the response.
  // kUnavailable also when the connection breaks after the response began;
  // the host sends a comment at least every 15 seconds, so the usual read
  // timeout applies between pieces.
  Result<ApiResponse> GetStream(const std::string& path, const httplib::Headers& headers,
                                const std::function<bool(std::string_view)>& on_body);
  // Streams `file` as the request body. Returns kIo when the file cannot be
  // read.
  Result<ApiResponse> PutFile(const std::string& path, const std::filesystem::path& file,
                              const std::string& content_type, const httplib::Headers& headers);

  const std::string& base_url() const { return base_url_; }

 private:
  ApiClient(std::string base_url, std::string ca_certificate_file,
            std::unique_ptr<httplib::Client> client);
  Result<ApiResponse> Finish(const httplib::Result& result);
  std::string DescribeTlsFailure(httplib::Error error) const;

  std::string base_url_;
  std::string ca_certificate_file_;
  std::unique_ptr<httplib::Client> client_;
};

}  // namespace webjobs
