// Fuzzes the parser of the history query parameters (limit, before,
// status, since, until). The input is a query string split at '&' and the
// first '=' of each pair, without percent-decoding. An accepted query,
// written in its canonical form, must parse again to the same canonical
// form.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "http/history_query.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);

  httplib::Params params;
  while (true) {
    size_t amp = input.find('&');
    std::string_view pair = input.substr(0, amp);
    size_t equals = pair.find('=');
    if (equals == std::string_view::npos) {
      params.emplace(std::string(pair), std::string());
    } else {
      params.emplace(std::string(pair.substr(0, equals)), std::string(pair.substr(equals + 1)));
    }
    if (amp == std::string_view::npos) break;
    input.remove_prefix(amp + 1);
  }

  auto query = webjobs::ParseHistoryQuery(params);
  if (!query.ok()) return 0;

  httplib::Params canonical = webjobs::HistoryQueryParams(*query);
  auto reparsed = webjobs::ParseHistoryQuery(canonical);
  if (!reparsed.ok()) std::abort();
  if (webjobs::HistoryQueryParams(*reparsed) != canonical) std::abort();
  if (query->limit && (*query->limit < 1 || *query->limit > webjobs::kMaxHistoryPageSize)) {
    std::abort();
  }
  return 0;
}
