// Package otomax holds the wire of the Otomax/IRS "via IP" H2H dialect and a Go client for it.
//
// Otomax and IRS centers let a downline's software buy over HTTP GET:
//
//	GET {base}/trx?memberID=&product=&dest=&refID=&sign=   (also qty; &check=1 asks the status)
//	GET {base}/balance?memberID=&sign=
//
// where sign is the SHA-1 of a "|"-joined string starting with "OtomaX", base64 encoded. The
// answer is one line of free text, the same reply the center sends on its text channels, e.g.
// "R#123 S5. 0812... SUCCESS. SN: 123. SISA SALDO: 100.000 - 5.500 = 94.500". At the final state
// the center calls the downline's report-back URL by GET with serverid, clientid, statuscode
// (1 success, 2 failed), kp, msisdn, sn and msg.
//
// Because replies are free text, every center words them its own way; an Otomax operator
// configures regular expressions per supplier to read status, SN and price. Patterns does the
// same here, with defaults for the common reply shapes (see README.md for the sources). A reply
// the patterns cannot read, or that reads as two outcomes at once, is StatusUnknown: ask again,
// never buy elsewhere, never refund.
//
// The same types serve Kios's server side (a reseller connecting by this dialect) and its
// supplier side (Kios buying from an Otomax/IRS center).
package otomax
