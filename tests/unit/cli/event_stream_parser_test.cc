#include "cli/event_stream_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace webjobs {
namespace {

std::vector<ServerSentEvent> ParseAll(EventStreamParser& parser, std::string_view body) {
  std::vector<ServerSentEvent> events;
  parser.Feed(body, [&](const ServerSentEvent& event) { events.push_back(event); });
  return events;
}

TEST(EventStreamParserTest, ParsesOutputAndStatusEvents) {
  EventStreamParser parser;
  std::vector<ServerSentEvent> events = ParseAll(parser,
                                                 "event: output\nid: 12\ndata: a\ndata: b\n\n"
                                                 ": ping\n\n"
                                                 "event: status\ndata: {\"status\":\"Success\"}\n\n");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].type, "output");
  EXPECT_EQ(events[0].data, "a\nb");
  EXPECT_EQ(events[0].id, "12");
  EXPECT_EQ(events[1].type, "status");
  EXPECT_EQ(events[1].data, "{\"status\":\"Success\"}");
  EXPECT_EQ(parser.last_event_id(), "12");
}

TEST(EventStreamParserTest, SameEventsInAnySplit) {
  std::string body = "event: output\r\nid: 0000000000c0ffee-9\r\ndata:  two spaces\r\n\r\n";
  for (size_t split = 0; split <= body.size(); ++split) {
    EventStreamParser parser;
    std::vector<ServerSentEvent> events = ParseAll(parser, body.substr(0, split));
    std::vector<ServerSentEvent> rest = ParseAll(parser, body.substr(split));
    events.insert(events.end(), rest.begin(), rest.end());
    ASSERT_EQ(events.size(), 1u) << split;
    EXPECT_EQ(events[0].data, " two spaces") << split;
    EXPECT_EQ(parser.last_event_id(), "0000000000c0ffee-9") << split;
  }
}

TEST(EventStreamParserTest, SkipsEventsWithoutData) {
  EventStreamParser parser;
  EXPECT_TRUE(ParseAll(parser, "event: output\nid: 7\n\n").empty());
  EXPECT_EQ(parser.last_event_id(), "7");
}

TEST(EventStreamParserTest, DefaultTypeIsMessage) {
  EventStreamParser parser;
  std::vector<ServerSentEvent> events = ParseAll(parser, "data\n\n");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, "message");
  EXPECT_EQ(events[0].data, "");
}

TEST(EventStreamParserTest, KeepsUnfinishedEvent) {
  EventStreamParser parser;
  EXPECT_TRUE(ParseAll(parser, "event: output\ndata: a\n").empty());
  EXPECT_EQ(ParseAll(parser, "\n").size(), 1u);
}

}  // namespace
}  // namespace webjobs
