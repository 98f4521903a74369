// Fuzzes EventStreamParser with arbitrary bytes and chunk boundaries.
//
// Checks, for every input:
// - parsing it whole and in chunks (sizes 0 to 16, chosen by the first
//   byte) gives the same events and the same last event id;
// - no event has an empty data field, and no type is empty;
// - data never contains CR, because CR ends a line.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "cli/event_stream_parser.h"

namespace {

using webjobs::EventStreamParser;
using webjobs::ServerSentEvent;

void Check(bool condition) {
  if (!condition) std::abort();
}

struct Parsed {
  std::vector<ServerSentEvent> events;
  std::string last_id;
};

Parsed Parse(std::string_view input, uint8_t chunk_seed, bool whole) {
  EventStreamParser parser;
  Parsed parsed;
  auto sink = [&](const ServerSentEvent& event) { parsed.events.push_back(event); };
  if (whole) {
    parser.Feed(input, sink);
  } else {
    size_t pos = 0;
    size_t step = 0;
    while (pos < input.size()) {
      size_t size = (chunk_seed + step * 5) % 17;
      ++step;
      parser.Feed(input.substr(pos, size), sink);
      pos += size;
    }
  }
  parsed.last_id = parser.last_event_id();
  return parsed;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  Parsed whole = Parse(input, 0, true);
  Parsed chunked = Parse(input, data[0], false);

  Check(whole.events.size() == chunked.events.size());
  for (size_t i = 0; i < whole.events.size(); ++i) {
    const ServerSentEvent& a = whole.events[i];
    const ServerSentEvent& b = chunked.events[i];
    Check(a.type == b.type && a.data == b.data && a.id == b.id);
    Check(!a.type.empty());
    Check(a.data.find('\r') == std::string::npos);
  }
  Check(whole.last_id == chunked.last_id);
  return 0;
}
