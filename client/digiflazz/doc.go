// Package digiflazz holds the wire types of the Digiflazz buyer API and a Go client for it. Kios
// serves the same API at "/v1/" (internal/dialect/digiflazz uses these types), so one client talks
// to Digiflazz itself or to a Kios server, depending only on the base URL.
//
// Every call is a POST of a JSON body carrying username and sign = md5(username + apiKey +
// suffix); every answer is {"data": …}. Outcomes are rc strings: "00" success, "03" and "99"
// pending, anything else a failure. Errors from the client are either an *RCError (a definite
// refusal) or wrap ErrUnknownOutcome (the request may or may not have been acted on).
package digiflazz
