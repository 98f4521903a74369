#include "cli/listen_address.h"

#include <charconv>

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

bool IsLoopbackHost(std::string_view host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

}  // namespace webjobs
