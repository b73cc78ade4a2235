// Package flazzserver holds what Kios's two server dialects of the Digiflazz family (Digiflazz at
// /v1/, Digiswitch-style at /v1/user/api/) decide the same way: which checks a signed request
// passes, which rc a core error is, which rc an order's state is, and the answer to a path the API
// does not have. Where the dialects differ on purpose (the order of the checks, the words of each
// refusal, how the answer is written) the difference is spelled out here or left to the dialect.
package flazzserver
