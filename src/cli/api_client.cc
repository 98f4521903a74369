#include "cli/api_client.h"

#include <openssl/x509.h>

#include <fstream>

#include "http/version.h"
#include "package/ascii_case.h"
#include "package/message_value.h"

namespace webjobs {
namespace {

constexpr time_t kConnectTimeoutSeconds = 5;
// The host unpacks and validates a deploy before it responds, so reads may
// take minutes.
constexpr time_t kReadTimeoutSeconds = 300;
constexpr size_t kUploadChunkBytes = 64 * 1024;

std::string DescribeTransportError(httplib::Error error) {
  switch (error) {
    case httplib::Error::Connection:
      return "connection failed (is a host running there?)";
    case httplib::Error::ConnectionTimeout:
      return "connection timed out";
    case httplib::Error::Write:
      return "sending the request failed";
    default:
      return "request failed (" + httplib::to_string(error) + ")";
  }
}

bool IsValidBaseUrl(const std::string& url) {
  std::string lower = ToLowerAscii(url);
  size_t authority = lower.rfind("http://", 0) == 0    ? 7
                     : lower.rfind("https://", 0) == 0 ? 8
                                                       : std::string::npos;
  if (authority == std::string::npos || authority == url.size()) return false;
  size_t slash = url.find('/', authority);
  return slash == std::string::npos || slash == url.size() - 1;
}

}  // namespace

std::string ApiResponse::Header(const std::string& name) const {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoringAsciiCase(key, name)) return value;
  }
  return {};
}

Error ResponseError(const ApiResponse& response) {
  std::string message = response.body;
  while (!message.empty() && (message.back() == '\n' || message.back() == '\r')) {
    message.pop_back();
  }
  if (message.empty()) message = "HTTP " + std::to_string(response.status);
  switch (response.status) {
    case 400:
      return InvalidArgument(std::move(message));
    case 401:
      return Unauthenticated(
          std::move(message) +
          " (give credentials with --user and WEBJOBS_PASSWORD, or an API token in "
          "WEBJOBS_TOKEN; see `webjobs user --help`)");
    case 403:
      return PermissionDenied(std::move(message));
    case 429:
      return TooManyRequests(std::move(message));
    case 404:
      return NotFound(std::move(message));
    case 409:
      return Conflict(std::move(message));
    case 413:
      return TooLarge(std::move(message));
    default:
      return InternalError(std::move(message));
  }
}

Result<ApiClient> ApiClient::Create(const std::string& base_url, const ClientTlsOptions& tls) {
  if (!IsValidBaseUrl(base_url)) {
    return InvalidArgument("invalid host URL " + QuoteForMessage(base_url) +
                           ": expected http://HOST:PORT or https://HOST:PORT such as http://127.0.0.1:8420");
  }
  std::string trimmed = base_url.back() == '/' ? base_url.substr(0, base_url.size() - 1) : base_url;
  auto client = std::make_unique<httplib::Client>(trimmed);
  if (!client->is_valid()) {
    return InvalidArgument("invalid host URL " + QuoteForMessage(base_url) +
                           ": expected http://HOST:PORT or https://HOST:PORT such as http://127.0.0.1:8420");
  }
  client->set_url_encode(false);
  bool https = ToLowerAscii(trimmed).rfind("https://", 0) == 0;
  std::string ca_certificate_file;
  if (https && !tls.insecure && !tls.ca_certificate_file.empty()) {
    ca_certificate_file = tls.ca_certificate_file;
    std::error_code error;
    auto status = std::filesystem::status(ca_certificate_file, error);
    if (!std::filesystem::is_regular_file(status)) {
      return InvalidArgument("CA certificate file " + QuoteForMessage(ca_certificate_file) +
                             (status.type() == std::filesystem::file_type::not_found
                                  ? " does not exist"
                                  : " is not a regular file") +
                             "; give --ca-cert (or WEBJOBS_CA_CERT) the PEM file of the CA that "
                             "signed the host's certificate");
    }
    client->set_ca_cert_path(ca_certificate_file);
  }
  if (https) client->enable_server_certificate_verification(!tls.insecure);
  // The host records "External - <User-Agent>" as the trigger of a run.
  client->set_default_headers({{"User-Agent", "webjobs-cli/" + std::string(kWebjobsVersion)}});
  client->set_connection_timeout(kConnectTimeoutSeconds);
  client->set_read_timeout(kReadTimeoutSeconds);
  client->set_write_timeout(kReadTimeoutSeconds);
  return ApiClient(trimmed, std::move(ca_certificate_file), std::move(client));
}

ApiClient::ApiClient(std::string base_url, std::string ca_certificate_file,
                     std::unique_ptr<httplib::Client> client)
    : base_url_(std::move(base_url)),
      ca_certificate_file_(std::move(ca_certificate_file)),
      client_(std::move(client)) {}

std::string ApiClient::DescribeTlsFailure(httplib::Error error) const {
  switch (error) {
    case httplib::Error::SSLLoadingCerts:
      return "failed to load CA certificates from " +
             (ca_certificate_file_.empty() ? std::string("the system's CA store")
                                           : QuoteForMessage(ca_certificate_file_)) +
             "; give --ca-cert a PEM file of CA certificates";
    case httplib::Error::SSLServerVerification: {
      long result = client_->get_openssl_verify_result();
      std::string reason = result == X509_V_OK
                               ? "the certificate does not name the host of the URL"
                               : X509_verify_cert_error_string(result);
      return "the host's TLS certificate was not accepted (" + reason +
             "); give --ca-cert FILE with the CA that signed it, or --insecure to skip "
             "verification";
    }
    default:
      return "TLS handshake failed (is the host serving plain HTTP? then use an http:// URL)";
  }
}

Result<ApiResponse> ApiClient::Finish(const httplib::Result& result) {
  if (!result && result.error() == httplib::Error::Read) {
    return Unavailable("no response from the webjobs host at " + base_url_ + " within " +
                       std::to_string(kReadTimeoutSeconds) +
                       " seconds, or it closed the connection; check the host's log");
  }
  if (!result && (result.error() == httplib::Error::SSLConnection ||
                  result.error() == httplib::Error::SSLLoadingCerts ||
                  result.error() == httplib::Error::SSLServerVerification)) {
    return Unavailable("cannot talk to the webjobs host at " + base_url_ + ": " +
                       DescribeTlsFailure(result.error()));
  }
  if (!result) {
    return Unavailable("cannot reach the webjobs host at " + base_url_ + ": " +
                       DescribeTransportError(result.error()) +
                       "; start one with `webjobs serve`, or point --url (or WEBJOBS_URL) at a "
                       "running host");
  }
  return ApiResponse{result->status, result->body, result->headers};
}

Result<ApiResponse> ApiClient::Get(const std::string& path) { return Finish(client_->Get(path)); }

Result<ApiResponse> ApiClient::GetStream(const std::string& path, const httplib::Headers& headers,
                                         const std::function<bool(std::string_view)>& on_body) {
  ApiResponse response;
  httplib::Result result = client_->Get(
      path, headers,
      [&](const httplib::Response& head) {
        response.status = head.status;
        response.headers = head.headers;
        return true;
      },
      [&](const char* data, size_t length) {
        if (!response.ok()) {
          response.body.append(data, length);
          return true;
        }
        return on_body(std::string_view(data, length));
      });
  if (!result && response.status != 0 && result.error() != httplib::Error::Canceled) {
    return Unavailable("the connection to the webjobs host at " + base_url_ +
                       " broke during the response (" + DescribeTransportError(result.error()) +
                       ")");
  }
  if (!result && result.error() == httplib::Error::Canceled) return response;
  if (!result) return Finish(result);
  return response;
}

Result<ApiResponse> ApiClient::Post(const std::string& path) { return Finish(client_->Post(path)); }

Result<ApiResponse> ApiClient::Delete(const std::string& path) {
  return Finish(client_->Delete(path));
}

Result<ApiResponse> ApiClient::PostJson(const std::string& path, const std::string& body) {
  return Finish(client_->Post(path, body, "application/json"));
}

Result<ApiResponse> ApiClient::PutJson(const std::string& path, const std::string& body) {
  return Finish(client_->Put(path, body, "application/json"));
}

void ApiClient::SetCredentials(const ClientCredentials& credentials) {
  if (!credentials.token.empty()) {
    client_->set_bearer_token_auth(credentials.token);
  } else if (!credentials.user.empty()) {
    client_->set_basic_auth(credentials.user, credentials.password);
  }
}

Result<ApiResponse> ApiClient::PutFile(const std::string& path, const std::filesystem::path& file,
                                       const std::string& content_type,
                                       const httplib::Headers& headers) {
  std::error_code error;
  uintmax_t size = std::filesystem::file_size(file, error);
  if (error) return IoError("failed to read " + file.string() + ": " + error.message());
  auto stream = std::make_shared<std::ifstream>(file, std::ios::binary);
  if (!*stream) return IoError("failed to open " + file.string());

  auto provider = [stream](size_t offset, size_t length, httplib::DataSink& sink) {
    std::vector<char> buffer(std::min(length, kUploadChunkBytes));
    stream->seekg(static_cast<std::streamoff>(offset));
    stream->read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    std::streamsize got = stream->gcount();
    if (got <= 0) return false;  // the file shrank while it was sent
    return sink.write(buffer.data(), static_cast<size_t>(got));
  };
  return Finish(client_->Put(path, headers, static_cast<size_t>(size), provider, content_type));
}

}  // namespace webjobs
