// Exit codes of the client commands. `webjobs serve` uses the host's codes
// instead (host/host.h: 0, 64 for invalid flags, 70 when it cannot start).
#pragma once

namespace webjobs {

inline constexpr int kExitSuccess = 0;
inline constexpr int kExitRequestFailed = 1;  // the host rejected the request, or a run failed
inline constexpr int kExitCliUsage = 2;       // invalid command line
inline constexpr int kExitUnreachable = 3;    // no host responds at the URL

}  // namespace webjobs
