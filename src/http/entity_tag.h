// Entity tags for the list and history responses, so pollers can send
// If-None-Match and get 304 Not Modified while nothing changed.
// Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace webjobs {

// Returns a strong entity tag for `content`: the 64-bit FNV-1a hash in hex,
// in double quotes ("\"9f2c...\""). Equal content gives equal tags in every
// process and on every machine.
std::string MakeEntityTag(std::string_view content);

// Builds the same tag as MakeEntityTag() from content given in pieces:
// adding "ab" then "c" gives the tag of "abc".
class EntityTagBuilder {
 public:
  void Add(std::string_view piece);
  std::string Finish() const;

 private:
  uint64_t hash_ = 14695981039346656037ull;  // the FNV-1a offset basis
};

// Returns true when an If-None-Match header value matches `entity_tag`:
// the value is "*" or one of its comma-separated tags equals `entity_tag`,
// ignoring a weak "W/" prefix (RFC 9110 compares If-None-Match weakly).
bool IfNoneMatchMatches(std::string_view if_none_match, std::string_view entity_tag);

}  // namespace webjobs
