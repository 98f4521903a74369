#include "cli/listen_address.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <charconv>
#include <cstring>
#include <optional>

#include "package/message_value.h"

namespace webjobs {
namespace {

Error InvalidListen(std::string_view text, std::string_view problem) {
  return InvalidArgument("invalid --listen value " + QuoteForMessage(text) + ": " +
                         std::string(problem) +
                         "; expected ADDRESS:PORT such as 127.0.0.1:8420 or [::1]:8420, with a "
                         "port from 1 to 65535");
}

}  // namespace

Result<ListenAddress> ParseListenAddress(std::string_view text) {
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return InvalidListen(text, "the port is missing");
  std::string_view host = text.substr(0, colon);
  std::string_view port_text = text.substr(colon + 1);

  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return InvalidListen(text, "write an IPv6 address in brackets");
  }
  if (host.empty()) return InvalidListen(text, "the address is missing");

  int port = 0;
  auto [end, error] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || error != std::errc() || end != port_text.data() + port_text.size() ||
      port < 1 || port > 65535) {
    return InvalidListen(text, "the port is not a number from 1 to 65535");
  }
  return ListenAddress{std::string(host), port};
}

namespace {

bool IsLoopbackIpv4(const in_addr& address) { return (ntohl(address.s_addr) >> 24) == 127; }

bool IsLoopbackIpv6(const in6_addr& address) {
  if (IN6_IS_ADDR_LOOPBACK(&address)) return true;
  if (!IN6_IS_ADDR_V4MAPPED(&address)) return false;
  in_addr mapped{};
  std::memcpy(&mapped, &address.s6_addr[12], sizeof mapped);
  return IsLoopbackIpv4(mapped);
}

// nullopt when `host` is not an IP address literal.
std::optional<bool> IsLoopbackLiteral(const std::string& host) {
  in_addr ipv4{};
  if (inet_pton(AF_INET, host.c_str(), &ipv4) == 1) return IsLoopbackIpv4(ipv4);
  in6_addr ipv6{};
  if (inet_pton(AF_INET6, host.c_str(), &ipv6) == 1) return IsLoopbackIpv6(ipv6);
  return std::nullopt;
}

}  // namespace

bool IsLoopbackHost(std::string_view host) {
  std::string name(host);
  if (std::optional<bool> literal = IsLoopbackLiteral(name)) return *literal;

  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* addresses = nullptr;
  if (getaddrinfo(name.c_str(), nullptr, &hints, &addresses) != 0) return false;
  bool all_loopback = addresses != nullptr;
  for (addrinfo* entry = addresses; entry != nullptr; entry = entry->ai_next) {
    if (entry->ai_family == AF_INET) {
      all_loopback &= IsLoopbackIpv4(reinterpret_cast<sockaddr_in*>(entry->ai_addr)->sin_addr);
    } else if (entry->ai_family == AF_INET6) {
      all_loopback &= IsLoopbackIpv6(reinterpret_cast<sockaddr_in6*>(entry->ai_addr)->sin6_addr);
    } else {
      all_loopback = false;
    }
  }
  freeaddrinfo(addresses);
  return all_loopback;
}

}  // namespace webjobs
