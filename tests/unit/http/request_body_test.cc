#include "http/request_body.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace webjobs::testing {
namespace {

using ::testing::HasSubstr;

// Feeds `chunks` pieces of `chunk_size` bytes to the receiver of a
// ContentReader and counts how many it took before it asked to stop.
struct ChunkSource {
  size_t chunks = 0;
  size_t chunk_size = 0;
  size_t delivered = 0;

  httplib::ContentReader Reader() {
    return httplib::ContentReader(
        [this](httplib::ContentReceiver receiver) {
          std::string chunk(chunk_size, 'x');
          for (size_t i = 0; i < chunks; ++i) {
            ++delivered;
            if (!receiver(chunk.data(), chunk.size())) return false;
          }
          return true;
        },
        [](httplib::MultipartContentHeader, httplib::ContentReceiver) { return false; });
  }
};

httplib::Request ChunkedRequest() {
  httplib::Request request;
  request.set_header("Transfer-Encoding", "chunked");
  return request;
}

TEST(RequestBodyTest, PassesEveryChunkToTheSink) {
  ChunkSource source{4, 1000};
  httplib::ContentReader reader = source.Reader();
  httplib::Request request = ChunkedRequest();
  httplib::Response response;
  RequestBody body(request, response, &reader);
  size_t received = 0;
  Status read = body.Read([&](std::string_view chunk) {
    received += chunk.size();
    return Status::Ok();
  });
  EXPECT_TRUE(read.ok());
  EXPECT_EQ(received, 4000u);
}

TEST(RequestBodyTest, DrainsTheRestAfterTheSinkRefuses) {
  ChunkSource source{50, 1000};
  httplib::ContentReader reader = source.Reader();
  httplib::Request request = ChunkedRequest();
  httplib::Response response;
  RequestBody body(request, response, &reader);
  size_t calls = 0;
  Status read = body.Read([&](std::string_view) {
    ++calls;
    return calls < 3 ? Status::Ok() : TooLarge("over the test limit");
  });
  EXPECT_EQ(read.error().code, ErrorCode::kTooLarge);
  EXPECT_THAT(read.error().message, HasSubstr("over the test limit"));
  EXPECT_EQ(calls, 3u);
  EXPECT_EQ(source.delivered, 50u);
}

TEST(RequestBodyTest, DiscardReadsAnUnreadBody) {
  ChunkSource source{20, 1000};
  httplib::ContentReader reader = source.Reader();
  httplib::Request request = ChunkedRequest();
  httplib::Response response;
  RequestBody body(request, response, &reader);
  body.Discard();
  EXPECT_EQ(source.delivered, 20u);
}

TEST(RequestBodyTest, DiscardStopsAtTwiceTheDrainBound) {
  // A request refused before its body was read (401, 404) cannot keep a
  // worker reading a body of any size.
  size_t chunk_size = 1 << 20;
  size_t bound_chunks = RequestBody::kMaxDrainBytes / chunk_size;
  ChunkSource source{bound_chunks * 4, chunk_size};
  httplib::ContentReader reader = source.Reader();
  httplib::Request request = ChunkedRequest();
  httplib::Response response;
  RequestBody body(request, response, &reader);
  body.Discard();
  EXPECT_GT(source.delivered, bound_chunks);
  EXPECT_LE(source.delivered, bound_chunks * 2 + 2);
}

TEST(RequestBodyTest, StopsDrainingAtTheBound) {
  size_t chunk_size = 1 << 20;
  size_t bound_chunks = RequestBody::kMaxDrainBytes / chunk_size;
  ChunkSource source{bound_chunks + 10, chunk_size};
  httplib::ContentReader reader = source.Reader();
  httplib::Request request = ChunkedRequest();
  httplib::Response response;
  RequestBody body(request, response, &reader);
  Status read = body.Read([&](std::string_view) { return TooLarge("over the test limit"); });
  EXPECT_EQ(read.error().code, ErrorCode::kTooLarge);
  // The refused chunk, the drained ones up to the bound, and the one past it.
  EXPECT_EQ(source.delivered, bound_chunks + 2);
}

TEST(RequestBodyTest, ReportsAnUnreadableBody) {
  httplib::ContentReader reader(
      [](httplib::ContentReceiver) { return false; },
      [](httplib::MultipartContentHeader, httplib::ContentReceiver) { return false; });
  httplib::Request request = ChunkedRequest();
  httplib::Response response;
  RequestBody body(request, response, &reader);
  Status read = body.Read([](std::string_view) { return Status::Ok(); });
  EXPECT_EQ(read.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(read.error().message, HasSubstr("failed to read the request body"));
}

}  // namespace
}  // namespace webjobs::testing
