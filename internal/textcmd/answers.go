package textcmd

import (
	"strings"
	"time"

	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/order"
)

// HelpLine is the answer to HELP and to anything that is not a command.
const HelpLine = "Format: KODE.TUJUAN.PIN beli | KODE.2.TUJUAN.PIN beli ke-2 hari ini | " +
	"KODE.TUJUAN,KODE.TUJUAN.PIN beberapa | ... R#REF referensi sendiri (kirim ulang = cek status) | " +
	"SAL.PIN saldo | H.KODE.PIN harga | TIKET.NOMINAL.PIN deposit | CEK.TUJUAN.PIN status | " +
	"LAP.PIN laporan hari ini | GP.PINLAMA.PINBARU ganti PIN | TRANS.ID.JUMLAH.PIN transfer saldo ke downline | TUKAR.PIN tukar komisi ke saldo | " +
	"REG.NAMA.NOHP.MARKUP.PIN daftar downline | MP.ID.KODE=N,KODE=N.PIN markup downline"

// num writes an amount the market's way: 1.000.000 (no currency sign; downline software reads it).
func num(n int64) string {
	s := ledger.FormatRupiah(n)
	if neg, ok := strings.CutPrefix(s, "-Rp "); ok {
		return "-" + neg
	}
	return strings.TrimPrefix(s, "Rp ")
}

// Amount writes an amount as every answer does: 1.000.000.
func Amount(n int64) string { return num(n) }

var wib = time.FixedZone("WIB", 7*3600)

// clock writes a time in WIB: "14:05 WIB".
func clock(t time.Time) string { return t.In(wib).Format("15:04") + " WIB" }

// stamp writes a date and time in WIB: "05/12 14:05".
func stamp(t time.Time) string { return t.In(wib).Format("02/01 15:04") }

// head is how every order's answer begins: `R#REF KODE.TUJUAN`.
func head(ref, code, dest string) string { return "R#" + ref + " " + code + "." + dest }

// acceptAnswer answers an order taken (or still pending when asked again).
func acceptAnswer(o *order.Order, balance int64) string {
	return head(o.Reference, o.VariantCode, o.Destination) + " sedang diproses. Harga: " + num(o.Price) + ". Saldo: " + num(balance)
}

// FinalAnswer is the answer pushed when an order settles, and the answer to a status check of a
// final order.
func FinalAnswer(o *order.Order, balance int64) string {
	h := head(o.Reference, o.VariantCode, o.Destination)
	switch o.Status {
	case order.Success:
		sn := o.SN
		if sn == "" {
			sn = "-"
		}
		return h + " BERHASIL. SN: " + sn + ". Harga: " + num(o.Price) + ". Saldo: " + num(balance)
	case order.Failed:
		s := h + " GAGAL. Saldo dikembalikan: " + num(o.Price) + ". Saldo: " + num(balance)
		if m := strings.TrimSpace(o.Message); m != "" {
			s += ". Ket: " + m
		}
		return s
	}
	return acceptAnswer(o, balance)
}

// RefusalAnswer answers a purchase that was not taken (nothing was charged): why says it, as
// RefusalReason words a core error. The Otomax "via IP" dialect answers with the same line.
func RefusalAnswer(ref, code, dest, why string, balance int64) string {
	return head(ref, code, dest) + " GAGAL. " + why + ". Saldo: " + num(balance)
}

// RefusalReason says in Indonesian why the core refused an order of code to dest; "" for an
// error that is not a refusal (the store failed).
func RefusalReason(err error, code, dest string) string {
	return refusalReason(err, Item{Code: code, Dest: dest})
}

// BalanceAnswer answers SAL: the reseller's balance.
func BalanceAnswer(username string, balance int64) string {
	return "Saldo " + username + ": " + num(balance)
}

// statusWord is an order's status in a list.
func statusWord(s order.Status) string {
	switch s {
	case order.Success:
		return "BERHASIL"
	case order.Failed:
		return "GAGAL"
	}
	return "PROSES"
}
