package digiflazz

import (
	"crypto/md5" //nolint:gosec // the dialect's sign formula is md5; it is not a choice Kios makes
	"crypto/subtle"
	"encoding/hex"
	"strings"
)

// Sign suffixes of the endpoints whose suffix is a constant. A transaction is signed with its
// ref_id and inquiry-pln with its customer_no.
const (
	SuffixBalance   = "depo"      // cek-saldo
	SuffixPriceList = "pricelist" // price-list
	SuffixDeposit   = "deposit"   // deposit
)

// Sign returns lower-case hex md5(username + apiKey + suffix), the request signature.
func Sign(username, apiKey, suffix string) string {
	h := md5.New()
	h.Write([]byte(username))
	h.Write([]byte(apiKey))
	h.Write([]byte(suffix))
	return hex.EncodeToString(h.Sum(nil))
}

// SignMatches compares a presented sign with the expected one in constant time. Hex case is
// ignored: some clients send upper-case digests.
func SignMatches(presented, username, apiKey, suffix string) bool {
	want := Sign(username, apiKey, suffix)
	return subtle.ConstantTimeCompare([]byte(strings.ToLower(presented)), []byte(want)) == 1
}
