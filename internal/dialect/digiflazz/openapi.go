package digiflazz

import _ "embed"

// openAPI is the dialect's OpenAPI 3.1 description; TestOpenAPI checks requests and answers
// against it.
//
//go:embed openapi.json
var openAPI []byte
