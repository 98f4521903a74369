// The OpenAPI 3.1 description of the REST API (docs/openapi.yaml),
// embedded in this binary at build time and served at
// GET /api/openapi.yaml.
#pragma once

#include <string_view>

namespace webjobs {

// The YAML text of docs/openapi.yaml as it was when the binary was built.
std::string_view OpenApiDocument();

}  // namespace webjobs
