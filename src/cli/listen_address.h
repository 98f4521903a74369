// The --listen value of `webjobs serve`: ADDRESS:PORT.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace webjobs {

struct ListenAddress {
  std::string host;  // IPv6 addresses without their brackets
  int port = 0;
};

// Parses "HOST:PORT" or "[IPV6]:PORT" with a decimal port from 1 to 65535.
// Returns kInvalidArgument quoting the value and showing the expected form.
Result<ListenAddress> ParseListenAddress(std::string_view text);

// True for "localhost", 127.0.0.0/8 written as dotted quad, and "::1".
// Any other address exposes the unauthenticated API beyond this machine.
bool IsLoopbackHost(std::string_view host);

}  // namespace webjobs
