package digiswitch

import (
	"errors"

	ds "github.com/kios-h2h/kios/client/digiswitch"
	"github.com/kios-h2h/kios/internal/bill"
	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/deposit"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store"
)

// rcOf maps a core error to the dialect's rc and message: the one place this is decided. ok is
// false for an error that is not a refusal but a fault.
func rcOf(err error) (rc, msg string, ok bool) {
	if fe, isField := core.IsFieldError(err); isField {
		return ds.RCPayload, "Field " + fe.Field + " " + fe.Reason, true
	}
	for _, m := range rcTable {
		if errors.Is(err, m.err) {
			return m.rc, m.msg, true
		}
	}
	return "", "", false
}

var rcTable = []struct {
	err     error
	rc, msg string
}{
	{order.ErrReferenceConflict, ds.RCRefConflict, "ref_id sudah digunakan untuk transaksi lain"},
	{store.ErrVariantNotFound, ds.RCProduct, "Kode produk tidak ditemukan"},
	{catalog.ErrInactive, ds.RCProduct, "Produk sedang tidak aktif"},
	{catalog.ErrNoPrice, ds.RCProduct, "Produk tidak tersedia untuk akun Anda"},
	{catalog.ErrCutoff, ds.RCCutoff, "Produk sedang cut-off"},
	{catalog.ErrOutOfStock, ds.RCOutOfStock, "Stok produk habis"},
	{order.ErrMultiRefused, ds.RCMulti, "Produk yang sama ke nomor yang sama sudah dibeli hari ini (produk tidak multi)"},
	{order.ErrPriceAboveMax, ds.RCPriceAboveMax, "Harga produk melebihi max_price"},
	{order.ErrInsufficientBalance, ds.RCBalance, "Saldo tidak cukup"},
	{order.ErrNotFound, ds.RCNotFound, "Transaksi tidak ditemukan"},
	{bill.ErrNotInquired, ds.RCNotFound, "Transaksi tidak ditemukan: lakukan inq-pasca dengan ref_id ini lebih dulu"},
	{bill.ErrNotPaid, ds.RCNotFound, "Tagihan sudah dicek (inq-pasca) tetapi belum dibayar"},
	{bill.ErrExpired, ds.RCBillUnavailable, "Inquiry dibuat pada hari lain; lakukan inq-pasca lagi hari ini"},
	{bill.ErrUnavailable, ds.RCBillUnavailable, "Tagihan tidak tersedia atau sudah dibayar"},
	{bill.ErrCustomer, ds.RCDestination, "Nomor pelanggan salah"},
	{bill.ErrBillerDown, ds.RCBillerTimeout, "Biller tidak menjawab; tidak ada biaya, silakan coba lagi"},
	{deposit.ErrAmount, ds.RCPayload, "amount harus antara 10000 dan 1000000000000"},
	{deposit.ErrNoFreeAmount, ds.RCDepositRefused, "Tiket deposit ditolak: semua nominal unik untuk jumlah ini sedang dipakai; coba jumlah lain"},
	{deposit.ErrTooManyOpen, ds.RCDepositRefused, "Tiket deposit ditolak: terlalu banyak tiket yang masih terbuka"},
}
