#include "cli/serve_config.h"

#include "cli/listen_address.h"
#include "package/message_value.h"

namespace webjobs {
namespace {

Error InvalidRunner(std::string_view text, std::string_view problem) {
  return InvalidArgument("invalid --runner value " + QuoteForMessage(text) + ": " +
                         std::string(problem) + "; expected EXT=COMMAND such as .rb=ruby");
}

// Applies the TLS and timeout flags, then checks that TLS has both files
// and that plain HTTP stays on loopback unless the network is trusted.
Status ApplyTransport(const ServeFlags& flags, HostConfig& config) {
  if (flags.tls_certificate_file) config.tls_certificate_file = *flags.tls_certificate_file;
  if (flags.tls_key_file) config.tls_key_file = *flags.tls_key_file;
  if (flags.trusted_network) config.trusted_network = true;
  if (flags.read_timeout_seconds) {
    config.read_timeout = std::chrono::seconds(*flags.read_timeout_seconds);
  }
  if (flags.write_timeout_seconds) {
    config.write_timeout = std::chrono::seconds(*flags.write_timeout_seconds);
  }
  if (flags.http_threads) config.http_threads = *flags.http_threads;

  if (config.tls_certificate_file.empty() && !config.tls_key_file.empty()) {
    return InvalidArgument("a TLS key file (--tls-key or WEBJOBS_TLS_KEY) was given without a "
                           "certificate; add --tls-cert FILE");
  }
  if (!config.tls_certificate_file.empty() && config.tls_key_file.empty()) {
    return InvalidArgument("a TLS certificate file (--tls-cert or WEBJOBS_TLS_CERT) was given "
                           "without its key; add --tls-key FILE");
  }
  bool tls = !config.tls_certificate_file.empty();
  if (!tls && !config.trusted_network && !IsLoopbackHost(config.listen_address)) {
    return InvalidArgument(
        "not listening on " + QuoteForMessage(config.listen_address) +
        " with plain HTTP: it is not a loopback address (or a name that resolves only to "
        "loopback), so other machines could read and change the API's traffic; serve HTTPS with "
        "--tls-cert FILE --tls-key FILE, or pass --trusted-network if every machine that can "
        "reach this address may use the API");
  }
  return Status::Ok();
}

void ApplyLimits(const ServeFlags& flags, HostConfig& config) {
  if (flags.max_upload_bytes) config.max_upload_bytes = *flags.max_upload_bytes;
  if (flags.max_unpacked_bytes) config.max_unpacked_bytes = *flags.max_unpacked_bytes;
  if (flags.max_zip_entries) config.max_zip_entries = *flags.max_zip_entries;
  if (flags.max_event_streams) config.max_event_streams = *flags.max_event_streams;
  if (flags.max_compression_ratio) config.max_compression_ratio = *flags.max_compression_ratio;
}

}  // namespace

Result<std::pair<std::string, std::string>> ParseRunnerFlag(std::string_view text) {
  size_t equals = text.find('=');
  if (equals == std::string_view::npos) return InvalidRunner(text, "the '=' is missing");
  std::string extension(text.substr(0, equals));
  std::string command(text.substr(equals + 1));

  if (!extension.empty() && extension.front() != '.') extension.insert(0, ".");
  if (extension.size() < 2) return InvalidRunner(text, "the extension is empty");
  if (extension.find_first_of("/= \t", 1) != std::string::npos ||
      extension.find('.', 1) != std::string::npos) {
    return InvalidRunner(text, "the extension must be one word such as .rb");
  }
  if (command.find_first_not_of(" \t") == std::string::npos) {
    return InvalidRunner(text, "the command is empty");
  }
  return std::make_pair(std::move(extension), std::move(command));
}

Result<HostConfig> BuildHostConfig(const ServeFlags& flags) {
  HostConfig config;
  config.root = DefaultRoot();
  ApplyEnvironment(config);

  if (flags.root) config.root = *flags.root;
  if (flags.listen) {
    Result<ListenAddress> listen = ParseListenAddress(*flags.listen);
    if (!listen.ok()) return listen.error();
    config.listen_address = listen->host;
    config.listen_port = listen->port;
  }
  for (const std::string& runner : flags.runners) {
    Result<std::pair<std::string, std::string>> parsed = ParseRunnerFlag(runner);
    if (!parsed.ok()) return parsed.error();
    config.extra_runners[parsed->first] = parsed->second;
  }
  if (flags.instance_id) {
    if (flags.instance_id->empty()) {
      return InvalidArgument("invalid --instance-id value \"\": give a short name such as web01");
    }
    config.instance_id = *flags.instance_id;
  }
  if (flags.log_level) config.log_level = *flags.log_level;
  ApplyLimits(flags, config);
  if (Status transport = ApplyTransport(flags, config); !transport.ok()) return transport.error();
  return config;
}

}  // namespace webjobs
