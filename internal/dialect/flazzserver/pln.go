package flazzserver

import "strings"

// MeterNumber reports whether s looks like a PLN meter number (11 digits) or customer id (12).
func MeterNumber(s string) bool {
	if len(s) != 11 && len(s) != 12 {
		return false
	}
	return strings.Trim(s, "0123456789") == ""
}

// ReservedRef reports whether a ref_id would be signed exactly as another endpoint's request, so
// that a sign captured there (a balance check, a price list, a deposit, a PLN inquiry of a meter
// number) would buy with it. A transaction's sign covers only its ref_id: such ref_ids are
// refused (rc 40), in both signed dialects, whichever suffixes either uses.
func ReservedRef(ref string) bool {
	switch ref {
	case "depo", "pricelist", "deposit":
		return true
	}
	return MeterNumber(ref)
}

// ReservedRefMessage is why ReservedRef refused, in Indonesian for the reseller.
const ReservedRefMessage = "ref_id tidak boleh \"depo\", \"pricelist\", \"deposit\" atau nomor pelanggan PLN (11–12 angka): tanda tangannya sama dengan endpoint lain"
