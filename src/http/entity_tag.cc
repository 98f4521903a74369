#include "http/entity_tag.h"

#include <fmt/format.h>

#include <cstdint>

namespace webjobs {
namespace {

constexpr uint64_t kFnvPrime = 1099511628211ull;

std::string_view TrimSpaces(std::string_view text) {
  size_t begin = text.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return {};
  size_t end = text.find_last_not_of(" \t");
  return text.substr(begin, end - begin + 1);
}

std::string_view StripWeakPrefix(std::string_view tag) {
  if (tag.size() >= 2 && tag[0] == 'W' && tag[1] == '/') tag.remove_prefix(2);
  return tag;
}

}  // namespace

void EntityTagBuilder::Add(std::string_view piece) {
  uint64_t hash = hash_;
  for (char ch : piece) {
    hash ^= static_cast<unsigned char>(ch);
    hash *= kFnvPrime;
  }
  hash_ = hash;
}

std::string EntityTagBuilder::Finish() const { return fmt::format("\"{:016x}\"", hash_); }

std::string MakeEntityTag(std::string_view content) {
  EntityTagBuilder builder;
  builder.Add(content);
  return builder.Finish();
}

bool IfNoneMatchMatches(std::string_view if_none_match, std::string_view entity_tag) {
  std::string_view expected = StripWeakPrefix(entity_tag);
  while (!if_none_match.empty()) {
    size_t comma = if_none_match.find(',');
    std::string_view item = TrimSpaces(if_none_match.substr(0, comma));
    if (item == "*" || (!item.empty() && StripWeakPrefix(item) == expected)) return true;
    if (comma == std::string_view::npos) break;
    if_none_match.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace webjobs
