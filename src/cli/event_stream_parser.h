// An incremental parser of a text/event-stream body (server-sent events,
// as the WHATWG HTML standard defines the format): lines end with CR LF,
// LF or CR; "field: value" lines build an event; a blank line dispatches
// it; lines that start with ':' are comments.
//
// Only the fields `event`, `data` and `id` are used; `retry` and unknown
// fields are ignored. An event without data is not dispatched, as in a
// browser. Feeding a body in any split gives the same events.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace webjobs {

struct ServerSentEvent {
  std::string type = "message";  // the `event` field, "message" when absent
  std::string data;              // `data` lines joined with LF
  std::string id;                // the last event id when the event was dispatched
};

class EventStreamParser {
 public:
  using EventSink = std::function<void(const ServerSentEvent&)>;

  // Parses `bytes` and calls `sink` for each event they complete.
  void Feed(std::string_view bytes, const EventSink& sink);

  // The id to resume from (the Last-Event-ID header of a reconnection).
  const std::string& last_event_id() const { return last_event_id_; }
  // Bytes of the line not yet ended (tests).
  size_t buffered_bytes() const { return line_.size(); }

 private:
  void ProcessLine(std::string_view line, const EventSink& sink);
  void Dispatch(const EventSink& sink);

  // A line longer than this is dropped, so a stream without line ends
  // cannot exhaust memory.
  static constexpr size_t kMaxLineBytes = 16 << 20;

  std::string line_;
  bool line_too_long_ = false;
  bool after_cr_ = false;  // the previous byte was CR, so an LF now ends nothing
  std::string type_;
  std::string data_;
  std::string id_buffer_;
  std::string last_event_id_;
};

}  // namespace webjobs
