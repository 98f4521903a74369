#include "http/http_reply.h"

#include <gtest/gtest.h>

#include <string>

#include "gunzip.h"
#include "http/deflate_piece.h"

namespace webjobs {
namespace {

httplib::Request RequestAccepting(const std::string& encodings) {
  httplib::Request request;
  request.method = "GET";
  if (!encodings.empty()) request.set_header("Accept-Encoding", encodings);
  return request;
}

std::string LongJson() {
  std::string json = "[";
  for (int index = 0; index < 100; ++index) {
    json += (index > 0 ? "," : "") + std::string(R"({"name":"job-)") + std::to_string(index) +
            R"(","status":"Success"})";
  }
  return json + "]";
}

TEST(EncodeJsonReplyTest, CompressesLongJsonForGzipClients) {
  httplib::Response response;
  ReplyJsonText(response, 200, LongJson());
  response.set_header("ETag", "\"abc\"");
  EncodeJsonReply(RequestAccepting("gzip, deflate, br"), response);
  EXPECT_EQ(response.get_header_value("Content-Encoding"), "gzip");
  EXPECT_EQ(response.get_header_value("Vary"), "Accept-Encoding");
  EXPECT_EQ(response.get_header_value("ETag"), "W/\"abc\"");
  EXPECT_EQ(Gunzip(response.body), LongJson());
}

TEST(EncodeJsonReplyTest, LeavesLongJsonPlainForOtherClients) {
  for (const std::string& encodings :
       {std::string(), std::string("identity"), std::string("gzip;q=0"), std::string("br")}) {
    httplib::Response response;
    ReplyJsonText(response, 200, LongJson());
    response.set_header("ETag", "\"abc\"");
    EncodeJsonReply(RequestAccepting(encodings), response);
    EXPECT_FALSE(response.has_header("Content-Encoding")) << encodings;
    EXPECT_EQ(response.get_header_value("Vary"), "Accept-Encoding") << encodings;
    EXPECT_EQ(response.get_header_value("ETag"), "\"abc\"") << encodings;
    EXPECT_EQ(response.body, LongJson()) << encodings;
  }
}

TEST(EncodeJsonReplyTest, ShortJsonStaysPlainWithWeakTag) {
  httplib::Response response;
  ReplyJsonText(response, 200, R"({"name":"a"})");
  response.set_header("ETag", "\"abc\"");
  EncodeJsonReply(RequestAccepting("gzip"), response);
  EXPECT_FALSE(response.has_header("Content-Encoding"));
  EXPECT_FALSE(response.has_header("Vary"));
  EXPECT_EQ(response.body, R"({"name":"a"})");
  // The tag of the short reply matches that of a 304 to the same client.
  EXPECT_EQ(response.get_header_value("ETag"), "W/\"abc\"");
}

TEST(EncodeJsonReplyTest, NotModifiedCarriesWeakTagForGzipClients) {
  httplib::Response response;
  response.set_header("ETag", "\"abc\"");
  ReplyEmpty(response, 304);
  EncodeJsonReply(RequestAccepting("gzip"), response);
  EXPECT_EQ(response.get_header_value("ETag"), "W/\"abc\"");
  EXPECT_TRUE(response.body.empty());
}

TEST(EncodeJsonReplyTest, TextAndEncodedBodiesAreLeftAlone) {
  httplib::Response text;
  ReplyText(text, 200, std::string(5000, 'x'));
  EncodeJsonReply(RequestAccepting("gzip"), text);
  EXPECT_FALSE(text.has_header("Content-Encoding"));
  EXPECT_EQ(text.body, std::string(5000, 'x'));

  httplib::Response encoded;
  std::string gzip = GzipText(LongJson(), kDefaultCompression);
  ReplyGzipJson(encoded, 200, gzip);
  EncodeJsonReply(RequestAccepting("gzip"), encoded);
  EXPECT_EQ(encoded.body, gzip);
  EXPECT_EQ(Gunzip(encoded.body), LongJson());
}

TEST(RequestAcceptsGzipTest, JoinsRepeatedHeaders) {
  httplib::Request request;
  request.headers.emplace("Accept-Encoding", "br");
  request.headers.emplace("Accept-Encoding", "gzip");
  EXPECT_TRUE(RequestAcceptsGzip(request));
  httplib::Request rejected;
  rejected.headers.emplace("Accept-Encoding", "*");
  rejected.headers.emplace("Accept-Encoding", "gzip;q=0");
  EXPECT_FALSE(RequestAcceptsGzip(rejected));
  EXPECT_FALSE(RequestAcceptsGzip(httplib::Request{}));
}

}  // namespace
}  // namespace webjobs
