#include "cli/serve_config.h"

#include "cli/listen_address.h"
#include "package/message_value.h"

namespace webjobs {
namespace {

Error InvalidRunner(std::string_view text, std::string_view problem) {
  return InvalidArgument("invalid --runner value " + QuoteForMessage(text) + ": " +
                         std::string(problem) + "; expected EXT=COMMAND such as .rb=ruby");
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
  return config;
}

}  // namespace webjobs
