// Finding out why a listening socket could not be bound. httplib 0.11 only
// reports that binding failed, so the bind is repeated on a probe socket to
// read errno.
#pragma once

#include <string>

namespace webjobs {

// Resolves `address` and binds a probe socket to it and `port` with the
// options httplib uses (SO_REUSEADDR), then closes it. Returns the reason
// the bind fails, for example "Address already in use" or the resolver's
// message for an unknown host, or a generic sentence when the probe binds
// fine (the port was freed meanwhile).
std::string DescribeBindFailure(const std::string& address, int port);

}  // namespace webjobs
