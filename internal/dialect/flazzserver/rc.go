package flazzserver

import (
	"errors"

	"github.com/kios-h2h/kios/client/flazz"
	"github.com/kios-h2h/kios/internal/bill"
	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/deposit"
	"github.com/kios-h2h/kios/internal/order"
)

// Refusal is a core error as a refusal: its rc, the same in both dialects, and each dialect's
// words for it.
type Refusal struct {
	RC         string
	Digiflazz  string
	Digiswitch string
}

// RefusalOf maps a core error to its refusal: the one place this is decided. ok is false for an
// error that is not a refusal but a fault.
func RefusalOf(err error) (ref Refusal, ok bool) {
	if fe, isField := core.IsFieldError(err); isField {
		what := fe.Field + " " + fe.Reason
		return Refusal{flazz.RCPayload, "Payload error: " + what, "Field " + what}, true
	}
	for _, m := range refusals {
		if errors.Is(err, m.err) {
			return m.Refusal, true
		}
	}
	return Refusal{}, false
}

var refusals = []struct {
	err error
	Refusal
}{
	{order.ErrReferenceConflict, Refusal{flazz.RCRefConflict,
		"Ref ID sudah dipakai untuk transaksi lain",
		"ref_id sudah digunakan untuk transaksi lain"}},
	{order.ErrReferenceArchived, Refusal{flazz.RCRefConflict,
		"Ref ID sudah dipakai untuk transaksi yang sudah diarsipkan",
		"ref_id sudah digunakan untuk transaksi yang sudah diarsipkan"}},
	{catalog.ErrVariantNotFound, Refusal{flazz.RCProduct,
		"SKU tidak ditemukan atau non-aktif",
		"Kode produk tidak ditemukan"}},
	{catalog.ErrInactive, Refusal{flazz.RCProduct,
		"SKU tidak ditemukan atau non-aktif",
		"Produk sedang tidak aktif"}},
	{catalog.ErrNoPrice, Refusal{flazz.RCProduct,
		"SKU tidak ditemukan atau non-aktif",
		"Produk tidak tersedia untuk akun Anda"}},
	{catalog.ErrDisrupted, Refusal{flazz.RCDisrupted,
		"Produk sedang gangguan",
		"Produk sedang gangguan"}},
	{catalog.ErrWrongOperator, Refusal{flazz.RCWrongOperator,
		"Nomor tidak sesuai operator",
		"Nomor tidak sesuai operator"}},
	{catalog.ErrIDNotFound, Refusal{flazz.RCDestination,
		"ID tidak ditemukan",
		"ID tujuan tidak ditemukan"}},
	{catalog.ErrCutoff, Refusal{flazz.RCCutoff,
		"Produk sedang cut-off",
		"Produk sedang cut-off"}},
	{catalog.ErrOutOfStock, Refusal{flazz.RCOutOfStock,
		"Stok produk habis",
		"Stok produk habis"}},
	{order.ErrMultiRefused, Refusal{flazz.RCMulti,
		"Produk yang sama ke nomor yang sama sudah dibeli hari ini",
		"Produk yang sama ke nomor yang sama sudah dibeli hari ini (produk tidak multi)"}},
	{order.ErrPriceAboveMax, Refusal{flazz.RCPriceAboveMax,
		"Harga melebihi max_price",
		"Harga produk melebihi max_price"}},
	{order.ErrInsufficientBalance, Refusal{flazz.RCBalance,
		"Saldo tidak cukup",
		"Saldo tidak cukup"}},
	{order.ErrNotFound, Refusal{flazz.RCNotFound,
		"Transaksi tidak ditemukan",
		"Transaksi tidak ditemukan"}},
	{bill.ErrNotInquired, Refusal{flazz.RCNotFound,
		"Transaksi tidak ditemukan: lakukan inq-pasca dengan ref_id ini lebih dulu",
		"Transaksi tidak ditemukan: lakukan inq-pasca dengan ref_id ini lebih dulu"}},
	{bill.ErrNotPaid, Refusal{flazz.RCNotFound,
		"Tagihan sudah dicek (inq-pasca) tetapi belum dibayar",
		"Tagihan sudah dicek (inq-pasca) tetapi belum dibayar"}},
	{bill.ErrExpired, Refusal{flazz.RCBillUnavailable,
		"Inquiry dibuat pada hari lain; lakukan inq-pasca lagi hari ini",
		"Inquiry dibuat pada hari lain; lakukan inq-pasca lagi hari ini"}},
	{bill.ErrUnavailable, Refusal{flazz.RCBillUnavailable,
		"Tagihan belum tersedia atau sudah dibayar",
		"Tagihan tidak tersedia atau sudah dibayar"}},
	{bill.ErrCustomer, Refusal{flazz.RCDestination,
		"Nomor pelanggan salah",
		"Nomor pelanggan salah"}},
	{bill.ErrBillerDown, Refusal{flazz.RCBillerTimeout,
		"Biller tidak menjawab; tidak ada biaya, silakan coba lagi",
		"Biller tidak menjawab; tidak ada biaya, silakan coba lagi"}},
	{deposit.ErrAmount, Refusal{flazz.RCPayload,
		"Payload error: amount harus antara 10000 dan 1000000000000",
		"amount harus antara 10000 dan 1000000000000"}},
	{deposit.ErrNoFreeAmount, Refusal{flazz.RCDepositRefused,
		"Tiket deposit ditolak: semua nominal unik untuk jumlah ini sedang dipakai; coba jumlah lain",
		"Tiket deposit ditolak: semua nominal unik untuk jumlah ini sedang dipakai; coba jumlah lain"}},
	{deposit.ErrTooManyOpen, Refusal{flazz.RCDepositRefused,
		"Tiket deposit ditolak: terlalu banyak tiket yang masih terbuka",
		"Tiket deposit ditolak: terlalu banyak tiket yang masih terbuka"}},
}

// RCOfOrder is the rc of an order's state: success 00, failed 02, pending 03.
func RCOfOrder(s order.Status) string {
	switch s {
	case order.Success:
		return flazz.RCSuccess
	case order.Failed:
		return flazz.RCFailed
	}
	return flazz.RCPending
}
