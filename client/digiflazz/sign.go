package digiflazz

import "github.com/kios-h2h/kios/client/flazz"

// Sign suffixes of the endpoints whose suffix is a constant. A transaction is signed with its
// ref_id and inquiry-pln with its customer_no.
const (
	SuffixBalance   = "depo"      // cek-saldo
	SuffixPriceList = "pricelist" // price-list
	SuffixDeposit   = "deposit"   // deposit
)

// Sign returns lower-case hex md5(username + apiKey + suffix), the request signature.
func Sign(username, apiKey, suffix string) string { return flazz.Sign(username, apiKey, suffix) }

// SignMatches compares a presented sign with the expected one in constant time. Hex case is
// ignored: some clients send upper-case digests.
func SignMatches(presented, username, apiKey, suffix string) bool {
	return flazz.SignMatches(presented, username, apiKey, suffix)
}
