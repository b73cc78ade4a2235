// Package digiswitch holds the wire types and a Go client of the Digiswitch-style H2H 1.0 API
// that Kios serves under /v1/user/api/ (price-list, cek-saldo, deposit, transaction, token).
//
// Every call is a POST with a JSON body that carries username and an md5 sign; every answer is
// HTTP 200 with one key, "data". A refusal is {"data":{"rc":"41","status":"Gagal","message":…}}.
// The same types are used by the server (internal/dialect/digiswitch) and by Client, so each JSON
// shape is defined once. See README.md for each request and answer.
package digiswitch
