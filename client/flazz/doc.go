// Package flazz holds what the Digiflazz family of H2H APIs share on the wire: the rc table and
// status words, the md5 request sign and the HMAC-SHA1 callback signature, the {"data": …}
// envelope, the requests whose shape is the same in every member, and the round trip of a JSON
// POST with its unknown-outcome rules.
//
// Kios speaks two members of the family: the Digiflazz buyer API (client/digiflazz) and the
// Digiswitch-style H2H 1.0 API (client/digiswitch). Each of those packages keeps its own field
// names and endpoints and re-exports what it takes from here, so its users need not import this
// package.
package flazz
