package digiswitch

import "github.com/kios-h2h/kios/client/flazz"

// Sign suffixes of the endpoints whose suffix is a constant. The transaction sign uses the
// request's ref_id and the token sign its customer_no.
const (
	SuffixPriceList = "pricelist" // price-list
	SuffixDeposit   = "depo"      // cek-saldo and deposit
)

// Sign returns lower-case hex md5(username + apiKey + suffix), the dialect's request signature.
func Sign(username, apiKey, suffix string) string { return flazz.Sign(username, apiKey, suffix) }
