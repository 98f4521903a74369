#include "cli/event_stream_parser.h"

namespace webjobs {

void EventStreamParser::Feed(std::string_view bytes, const EventSink& sink) {
  for (char c : bytes) {
    if (after_cr_) {
      after_cr_ = false;
      if (c == '\n') continue;
    }
    if (c == '\r' || c == '\n') {
      after_cr_ = c == '\r';
      if (!line_too_long_) ProcessLine(line_, sink);
      line_.clear();
      line_too_long_ = false;
      continue;
    }
    if (line_too_long_) continue;
    if (line_.size() >= kMaxLineBytes) {
      line_too_long_ = true;
      line_.clear();
      continue;
    }
    line_ += c;
  }
}

void EventStreamParser::ProcessLine(std::string_view line, const EventSink& sink) {
  if (line.empty()) return Dispatch(sink);
  if (line.front() == ':') return;  // a comment, such as the host's ": ping"

  size_t colon = line.find(':');
  std::string_view field = line.substr(0, colon);
  std::string_view value;
  if (colon != std::string_view::npos) {
    value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  }
  if (field == "event") {
    type_.assign(value);
  } else if (field == "data") {
    data_.append(value);
    data_ += '\n';
  } else if (field == "id") {
    if (value.find('\0') == std::string_view::npos) id_buffer_.assign(value);
  }
}

void EventStreamParser::Dispatch(const EventSink& sink) {
  last_event_id_ = id_buffer_;
  if (data_.empty()) {
    type_.clear();
    return;
  }
  ServerSentEvent event;
  if (!type_.empty()) event.type = std::move(type_);
  data_.pop_back();  // the LF after the last data line
  event.data = std::move(data_);
  event.id = last_event_id_;
  type_.clear();
  data_.clear();
  sink(event);
}

}  // namespace webjobs
