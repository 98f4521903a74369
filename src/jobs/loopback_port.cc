#include "jobs/loopback_port.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace webjobs {
namespace {

Error SocketError(const char* call) {
  return IoError(std::string("cannot pick a free loopback port for WEBJOBS_PORT: ") + call +
                 " failed: " + std::strerror(errno));
}

}  // namespace

Result<int> PickFreeLoopbackPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return SocketError("socket");

  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  Result<int> port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    port = SocketError("bind");
  } else if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    port = SocketError("getsockname");
  } else {
    port = static_cast<int>(ntohs(address.sin_port));
  }
  ::close(fd);
  return port;
}

}  // namespace webjobs
