#include "http/openapi_document.h"

#include <cstddef>

extern "C" {
extern const char webjobs_openapi_document_begin[];
extern const char webjobs_openapi_document_end[];
}

namespace webjobs {

std::string_view OpenApiDocument() {
  return std::string_view(
      webjobs_openapi_document_begin,
      static_cast<size_t>(webjobs_openapi_document_end - webjobs_openapi_document_begin));
}

}  // namespace webjobs
