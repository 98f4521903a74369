#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "http/api_server_fixture.h"

namespace webjobs::testing {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

const std::string kZipBytes = std::string("PK\x03\x04", 4) + "zip body";

class ApiServerUploadTest : public ApiServerTest {
 protected:
  httplib::Result Upload(const std::string& path, const std::string& body,
                         const std::string& content_type, const std::string& disposition) {
    httplib::Headers headers;
    if (!disposition.empty()) headers.emplace("Content-Disposition", disposition);
    return Client().Put(path, headers, body, content_type);
  }

  // Sends `body` with chunked transfer encoding, `chunk` bytes at a time.
  static httplib::Result PutChunked(httplib::Client& client, const std::string& path,
                                    const httplib::Headers& headers, const std::string& body,
                                    size_t chunk, const std::string& content_type) {
    return client.Put(
        path, headers,
        [&body, chunk](size_t offset, httplib::DataSink& sink) {
          size_t size = std::min(chunk, body.size() - offset);
          sink.write(body.data() + offset, size);
          if (offset + size == body.size()) sink.done();
          return true;
        },
        content_type);
  }

  DeployCall OnlyDeploy() {
    std::lock_guard lock(service_.mutex);
    EXPECT_EQ(service_.deploys.size(), 1u);
    return service_.deploys.empty() ? DeployCall{} : service_.deploys.front();
  }

  bool UploadDirIsEmpty() {
    std::error_code ignored;
    return !std::filesystem::exists(upload_dir()) || std::filesystem::is_empty(upload_dir());
  }
};

TEST_F(ApiServerUploadTest, ZipUploadReturnsJob) {
  httplib::Result response = Upload("/api/triggeredwebjobs/J", kZipBytes, "application/zip",
                                    "attachment; filename=\"J.zip\"");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200) << response->body;
  json job = json::parse(response->body);
  EXPECT_EQ(job["name"], "J");
  EXPECT_EQ(job["run_command"], "run.sh");
  EXPECT_EQ(job["type"], "triggered");

  DeployCall call = OnlyDeploy();
  EXPECT_TRUE(call.request.is_zip);
  EXPECT_EQ(call.request.type, JobType::kTriggered);
  EXPECT_EQ(call.request.name, "J");
  EXPECT_EQ(call.request.file_name, "J.zip");
  EXPECT_EQ(call.body, kZipBytes);
  EXPECT_TRUE(UploadDirIsEmpty());
}

TEST_F(ApiServerUploadTest, ZipMediaTypeIgnoresCaseAndParameters) {
  httplib::Result response =
      Upload("/api/continuouswebjobs/C", kZipBytes, "Application/ZIP; charset=binary",
             "attachment; filename=c.zip");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200) << response->body;
  EXPECT_TRUE(OnlyDeploy().request.is_zip);
}

TEST_F(ApiServerUploadTest, OtherContentTypeIsSingleFile) {
  httplib::Result response = Upload("/api/triggeredwebjobs/J", "echo hi\n",
                                    "application/octet-stream", "attachment; filename=run.sh");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200) << response->body;
  DeployCall call = OnlyDeploy();
  EXPECT_FALSE(call.request.is_zip);
  EXPECT_EQ(call.request.file_name, "run.sh");
  EXPECT_EQ(call.body, "echo hi\n");
}

TEST_F(ApiServerUploadTest, StripsFolderFromFileName) {
  httplib::Result response = Upload("/api/triggeredwebjobs/J", "echo\n", "text/plain",
                                    "attachment; filename=\"../../../etc/x.sh\"");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200) << response->body;
  EXPECT_EQ(OnlyDeploy().request.file_name, "x.sh");
}

TEST_F(ApiServerUploadTest, RequiresContentDisposition) {
  httplib::Result response = Upload("/api/triggeredwebjobs/J", kZipBytes, "application/zip", "");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 400);
  EXPECT_EQ(response->body,
            "missing Content-Disposition header with a filename, e.g. Content-Disposition: "
            "attachment; filename=run.sh");
  EXPECT_THAT(service_.Calls(), IsEmpty());
}

TEST_F(ApiServerUploadTest, RejectsDispositionWithoutFileName) {
  httplib::Result response =
      Upload("/api/triggeredwebjobs/J", kZipBytes, "application/zip", "attachment");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 400);
  EXPECT_THAT(response->body, HasSubstr("filename"));
  EXPECT_THAT(service_.Calls(), IsEmpty());
}

TEST_F(ApiServerUploadTest, RejectsFileNameThatIsOnlyFolder) {
  httplib::Result response =
      Upload("/api/triggeredwebjobs/J", "x", "text/plain", "attachment; filename=\"../\"");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 400);
  EXPECT_THAT(service_.Calls(), IsEmpty());
}

TEST_F(ApiServerUploadTest, PassesScheduleAndSingletonQuery) {
  httplib::Result response =
      Upload("/api/triggeredwebjobs/J?schedule=0%20*%2F5%20*%20*%20*%20*&singleton=true", "echo\n",
             "text/plain", "attachment; filename=run.sh");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200) << response->body;
  DeployCall call = OnlyDeploy();
  EXPECT_EQ(call.request.schedule, "0 */5 * * * *");
  EXPECT_EQ(call.request.singleton, true);
}

TEST_F(ApiServerUploadTest, OmitsUnsetQueryExtensions) {
  httplib::Result response =
      Upload("/api/triggeredwebjobs/J", "echo\n", "text/plain", "attachment; filename=run.sh");
  ASSERT_TRUE(response);
  DeployCall call = OnlyDeploy();
  EXPECT_FALSE(call.request.schedule.has_value());
  EXPECT_FALSE(call.request.singleton.has_value());
  EXPECT_FALSE(call.request.time_zone.has_value());
}

TEST_F(ApiServerUploadTest, RejectsBadSingletonValue) {
  httplib::Result response = Upload("/api/triggeredwebjobs/J?singleton=yes", "echo\n", "text/plain",
                                    "attachment; filename=run.sh");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 400);
  EXPECT_THAT(response->body, HasSubstr("singleton=true or singleton=false"));
  EXPECT_THAT(service_.Calls(), IsEmpty());
}

TEST_F(ApiServerUploadTest, PassesTimeZoneQuery) {
  httplib::Result response =
      Upload("/api/triggeredwebjobs/J?schedule=0%200%202%20*%20*%20*&time_zone=Europe%2FBerlin",
             "echo\n", "text/plain", "attachment; filename=run.sh");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200) << response->body;
  DeployCall call = OnlyDeploy();
  EXPECT_EQ(call.request.schedule, "0 0 2 * * *");
  EXPECT_EQ(call.request.time_zone, "Europe/Berlin");
}

TEST_F(ApiServerUploadTest, KeepsWindowsTimeZoneIdAsSent) {
  httplib::Result response = Upload("/api/triggeredwebjobs/J?time_zone=Korea%20Standard%20Time",
                                    "echo\n", "text/plain", "attachment; filename=run.sh");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200) << response->body;
  EXPECT_EQ(OnlyDeploy().request.time_zone, "Korea Standard Time");
}

TEST_F(ApiServerUploadTest, EmptyTimeZoneCountsAsUnset) {
  httplib::Result response = Upload("/api/triggeredwebjobs/J?time_zone=", "echo\n", "text/plain",
                                    "attachment; filename=run.sh");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200) << response->body;
  EXPECT_FALSE(OnlyDeploy().request.time_zone.has_value());
}

TEST_F(ApiServerUploadTest, RejectsUnknownTimeZoneBeforeReceivingBody) {
  httplib::Result response = Upload("/api/triggeredwebjobs/J?time_zone=Mars%2FOlympus", kZipBytes,
                                    "application/zip", "attachment; filename=J.zip");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 400);
  EXPECT_THAT(response->body, HasSubstr("invalid query value time_zone=\"Mars/Olympus\": "));
  EXPECT_THAT(response->body, HasSubstr("unknown time zone 'Mars/Olympus'"));
  EXPECT_THAT(service_.Calls(), IsEmpty());
  EXPECT_TRUE(UploadDirIsEmpty());
}

TEST_F(ApiServerUploadTest, TimeZoneErrorSuggestsCase) {
  httplib::Result response = Upload("/api/triggeredwebjobs/J?time_zone=asia%2Fseoul", "echo\n",
                                    "text/plain", "attachment; filename=run.sh");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 400);
  EXPECT_THAT(response->body, HasSubstr("Asia/Seoul"));
  EXPECT_THAT(service_.Calls(), IsEmpty());
}

TEST_F(ApiServerUploadTest, MergesUploadWarnings) {
  service_.deploy_warnings = {"run.sh has CRLF line endings", "job warning"};
  httplib::Result response =
      Upload("/api/triggeredwebjobs/J", "echo\r\n", "text/plain", "attachment; filename=run.sh");
  ASSERT_TRUE(response);
  json job = json::parse(response->body);
  EXPECT_EQ(job["warnings"], json::array({"job warning", "run.sh has CRLF line endings"}));
}

TEST_F(ApiServerUploadTest, ReportsRejectedPackageAsBadRequest) {
  service_.fail_with = InvalidArgument("no runnable script file was found in the package");
  httplib::Result response =
      Upload("/api/triggeredwebjobs/J", kZipBytes, "application/zip", "attachment; filename=J.zip");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 400);
  EXPECT_EQ(response->body, "no runnable script file was found in the package");
  EXPECT_TRUE(UploadDirIsEmpty());
}

TEST_F(ApiServerUploadTest, OversizeBodyIsPayloadTooLarge) {
  httplib::Result response =
      Upload("/api/triggeredwebjobs/J", std::string(kTestUploadLimit + 1, 'x'), "application/zip",
             "attachment; filename=J.zip");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 413);
  EXPECT_THAT(response->body, HasSubstr("--max-upload-bytes"));
  EXPECT_THAT(service_.Calls(), IsEmpty());
  EXPECT_TRUE(UploadDirIsEmpty());
}

TEST_F(ApiServerUploadTest, OversizeChunkedBodyIsPayloadTooLarge) {
  std::string body(kTestUploadLimit + 4096, 'x');
  httplib::Headers headers{{"Content-Disposition", "attachment; filename=J.zip"}};
  httplib::Client client = Client();
  httplib::Result response =
      PutChunked(client, "/api/triggeredwebjobs/J", headers, body, 8192, "application/zip");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 413);
  EXPECT_THAT(service_.Calls(), IsEmpty());
  EXPECT_TRUE(UploadDirIsEmpty());
}

TEST_F(ApiServerUploadTest, ConnectionServesNextRequestAfterOversizeChunkedBody) {
  AddJob("J", JobType::kTriggered);
  httplib::Client client(Base());
  client.set_basic_auth(kTestUser, kTestPassword);
  client.set_keep_alive(true);
  std::string body(kTestUploadLimit + 4096, 'x');
  httplib::Headers headers{{"Content-Disposition", "attachment; filename=J.zip"}};
  httplib::Result upload =
      PutChunked(client, "/api/triggeredwebjobs/J", headers, body, 8192, "application/zip");
  ASSERT_TRUE(upload);
  EXPECT_EQ(upload->status, 413);
  // Had the rest of the body stayed unread, the server would take it for
  // the next request on this connection.
  httplib::Result job = client.Get("/api/triggeredwebjobs/J");
  ASSERT_TRUE(job);
  EXPECT_EQ(job->status, 200) << job->body;
  EXPECT_EQ(json::parse(job->body)["name"], "J");
  EXPECT_THAT(service_.Calls(), ElementsAre("GetJob triggered J"));
  EXPECT_TRUE(UploadDirIsEmpty());
}

TEST_F(ApiServerUploadTest, OversizeBodyIsRefusedBeforeContinue) {
  std::string reply = SendRaw(
      "PUT /api/triggeredwebjobs/J HTTP/1.1\r\nHost: t\r\nContent-Type: application/zip\r\n"
      "Content-Disposition: attachment; filename=J.zip\r\nConnection: close\r\n"
      "Expect: 100-continue\r\nContent-Length: " +
      std::to_string(kTestUploadLimit + 1) + "\r\n\r\n");
  EXPECT_THAT(reply, ::testing::StartsWith("HTTP/1.1 413"));
  EXPECT_THAT(reply, HasSubstr("--max-upload-bytes"));
  EXPECT_THAT(reply, Not(HasSubstr("100 Continue")));
  EXPECT_THAT(service_.Calls(), IsEmpty());
}

TEST_F(ApiServerUploadTest, MissingOrWrongCredentialsAreRefusedBeforeContinue) {
  const std::string request =
      "PUT /api/triggeredwebjobs/J HTTP/1.1\r\nHost: t\r\nContent-Type: application/zip\r\n"
      "Content-Disposition: attachment; filename=J.zip\r\nConnection: close\r\n"
      "Expect: 100-continue\r\nContent-Length: 200000000\r\n\r\n";
  std::string none = SendRaw(request, /*authorize=*/false);
  EXPECT_THAT(none, ::testing::StartsWith("HTTP/1.1 401"));
  EXPECT_THAT(none, HasSubstr("WWW-Authenticate: Basic"));
  EXPECT_THAT(none, Not(HasSubstr("100 Continue")));

  std::string with_wrong_password = request;
  // "tester:wrong"
  with_wrong_password.insert(with_wrong_password.find("\r\n") + 2,
                             "Authorization: Basic dGVzdGVyOndyb25n\r\n");
  std::string wrong = SendRaw(with_wrong_password, /*authorize=*/false);
  EXPECT_THAT(wrong, ::testing::StartsWith("HTTP/1.1 401"));
  EXPECT_THAT(wrong, Not(HasSubstr("100 Continue")));

  std::string with_unknown_token = request;
  with_unknown_token.insert(with_unknown_token.find("\r\n") + 2,
                            "Authorization: Bearer wj_unknown\r\n");
  std::string token = SendRaw(with_unknown_token, /*authorize=*/false);
  EXPECT_THAT(token, ::testing::StartsWith("HTTP/1.1 401"));
  EXPECT_THAT(token, Not(HasSubstr("100 Continue")));
  EXPECT_THAT(service_.Calls(), IsEmpty());
}

TEST_F(ApiServerUploadTest, BodyWithinLimitGetsContinue) {
  std::string reply = SendRaw(
      "PUT /api/triggeredwebjobs/J HTTP/1.1\r\nHost: t\r\nContent-Type: text/plain\r\n"
      "Content-Disposition: attachment; filename=run.sh\r\nConnection: close\r\n"
      "Expect: 100-continue\r\nContent-Length: 5\r\n\r\necho\n");
  EXPECT_THAT(reply, ::testing::StartsWith("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200"));
  EXPECT_EQ(OnlyDeploy().body, "echo\n");
}

TEST_F(ApiServerUploadTest, ChunkedBodyWithinLimitIsStored) {
  std::string body(20000, 'z');
  httplib::Headers headers{{"Content-Disposition", "attachment; filename=run.sh"}};
  httplib::Client client = Client();
  httplib::Result response =
      PutChunked(client, "/api/triggeredwebjobs/J", headers, body, 3000, "text/plain");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200) << response->body;
  EXPECT_EQ(OnlyDeploy().body, body);
}

TEST_F(ApiServerUploadTest, RejectsMultipartBody) {
  httplib::MultipartFormDataItems items{{"file", "echo", "run.sh", "text/plain"}};
  httplib::Headers headers{{"Content-Disposition", "attachment; filename=run.sh"}};
  httplib::Result response = Client().Put("/api/triggeredwebjobs/J", headers, items);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 400);
  EXPECT_THAT(response->body, HasSubstr("multipart/form-data"));
  EXPECT_THAT(service_.Calls(), IsEmpty());
}

}  // namespace
}  // namespace webjobs::testing
