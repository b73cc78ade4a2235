package digiswitch

import _ "embed"

// openAPI is the dialect's OpenAPI 3.1 description; TestOpenAPI checks every golden request and
// answer against it.
//
//go:embed openapi.json
var openAPI []byte
