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

// True for an IP address in 127.0.0.0/8, for ::1 and ::ffff:127.x.x.x,
// and for a host name whose addresses (from getaddrinfo) are all loopback.
// False for any other address, and for a name that does not resolve. A
// server bound to a host that is not loopback is reachable from other
// machines.
bool IsLoopbackHost(std::string_view host);

}  // namespace webjobs
