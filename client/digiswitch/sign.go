package digiswitch

import (
	"crypto/md5" //nolint:gosec // the dialect's sign formula is md5; it is not a choice Kios makes
	"encoding/hex"
)

// Sign suffixes of the endpoints whose suffix is a constant. The transaction sign uses the
// request's ref_id and the token sign its customer_no.
const (
	SuffixPriceList = "pricelist" // price-list
	SuffixDeposit   = "depo"      // cek-saldo and deposit
)

// Sign returns lower-case hex md5(username + apiKey + suffix), the dialect's request signature.
func Sign(username, apiKey, suffix string) string {
	h := md5.New()
	h.Write([]byte(username))
	h.Write([]byte(apiKey))
	h.Write([]byte(suffix))
	return hex.EncodeToString(h.Sum(nil))
}
