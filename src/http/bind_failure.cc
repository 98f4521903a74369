#include "http/bind_failure.h"

#include <netdb.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <cerrno>
#include <memory>
#include <system_error>

#include "process/unique_fd.h"

namespace webjobs {
namespace {

std::string ErrnoText(int error) {
  return std::error_code(error, std::system_category()).message();
}

}  // namespace

std::string DescribeBindFailure(const std::string& address, int port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  std::string service = std::to_string(port);
  int resolved = ::getaddrinfo(address.c_str(), service.c_str(), &hints, &found);
  if (resolved != 0) return std::string("cannot resolve the address: ") + ::gai_strerror(resolved);
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> addresses(found, &::freeaddrinfo);

  UniqueFd probe(::socket(found->ai_family, found->ai_socktype | SOCK_CLOEXEC, found->ai_protocol));
  if (!probe.valid()) return "cannot create a socket: " + ErrnoText(errno);
  int yes = 1;
  ::setsockopt(probe.get(), SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  if (::bind(probe.get(), found->ai_addr, found->ai_addrlen) != 0) return ErrnoText(errno);
  if (::listen(probe.get(), 1) != 0) return ErrnoText(errno);
  return "the bind failed, but a second attempt succeeded; try again";
}

}  // namespace webjobs
