// A real ApiServer on 127.0.0.1 (a free port) in front of a FakeJobService,
// with a fresh temporary directory per test for the data root and uploads.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "http/api_server.h"
#include "http/fake_job_service.h"
#include "http/test_accounts.h"

namespace webjobs::testing {

inline constexpr uint64_t kTestUploadLimit = 64 * 1024;

class ApiServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "api-server-test-XXXXXX");
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    temp_dir_ = pattern;
    service_.data_jobs_root = temp_dir_ / "data" / "jobs";
    std::filesystem::create_directories(service_.data_jobs_root);
    store_ = OpenTestStore(temp_dir_);
    ASSERT_NE(store_, nullptr);

    ApiServerOptions options;
    options.address = "127.0.0.1";
    options.port = 0;
    options.threads = 8;
    options.max_upload_bytes = kTestUploadLimit;
    options.upload_dir = upload_dir();
    options.instance_id = "abc123";
    // Streams notice ended credentials quickly, so tests need not wait.
    options.stream_credentials_check = std::chrono::milliseconds(50);
    server_ = std::make_unique<ApiServer>(service_, *store_, options);
    Result<int> port = server_->Start();
    ASSERT_TRUE(port.ok()) << port.error().message;
    port_ = *port;
  }

  void TearDown() override {
    server_->Stop();
    std::error_code ignored;
    std::filesystem::remove_all(temp_dir_, ignored);
  }

  httplib::Client Client() {
    httplib::Client client("127.0.0.1", port_);
    client.set_url_encode(false);
    client.set_read_timeout(10);
    client.set_basic_auth(kTestUser, kTestPassword);
    return client;
  }

  std::string Base() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::filesystem::path upload_dir() const { return temp_dir_ / "data" / "uploads"; }

  void AddJob(const std::string& name, JobType type) {
    JobView job;
    job.name = name;
    job.type = type;
    job.run_command = "run.sh";
    if (type == JobType::kContinuous) job.status = "Running";
    std::lock_guard lock(service_.mutex);
    service_.jobs.push_back(job);
  }

  // Sends `request` as raw bytes, with the test user's Authorization header
  // added after the request line unless `authorize` is false, and returns
  // everything the server sends back before it closes the connection or 3
  // seconds pass.
  std::string SendRaw(std::string request, bool authorize = true) {
    size_t line_end = request.find("\r\n");
    if (authorize && line_end != std::string::npos) {
      request.insert(line_end + 2, TestAuthorizationLine());
    }
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port_));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval timeout{3, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    std::string reply;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
        ::write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size())) {
      char buffer[4096];
      ssize_t got = 0;
      while ((got = ::read(fd, buffer, sizeof buffer)) > 0) reply.append(buffer, got);
    }
    ::close(fd);
    return reply;
  }

  FakeJobService service_;
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<ApiServer> server_;
  std::filesystem::path temp_dir_;
  int port_ = 0;
};

}  // namespace webjobs::testing
