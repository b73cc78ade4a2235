package digiflazz

import (
	"errors"

	wire "github.com/kios-h2h/kios/client/digiflazz"
	"github.com/kios-h2h/kios/internal/bill"
	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/deposit"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store"
)

// refusalOf turns a core error into the dialect's rc and message: the one place that does. An
// error it does not know is a server fault.
func refusalOf(err error) *refusal {
	if fe, ok := core.IsFieldError(err); ok {
		return refuse(wire.RCPayload, "Payload error: "+fe.Field+" "+fe.Reason)
	}
	switch {
	case errors.Is(err, order.ErrReferenceConflict):
		return refuse(wire.RCRefConflict, "Ref ID sudah dipakai untuk transaksi lain")
	case errors.Is(err, store.ErrVariantNotFound), errors.Is(err, catalog.ErrInactive), errors.Is(err, catalog.ErrNoPrice):
		return refuse(wire.RCProduct, "SKU tidak ditemukan atau non-aktif")
	case errors.Is(err, order.ErrInsufficientBalance):
		return refuse(wire.RCBalance, "Saldo tidak cukup")
	case errors.Is(err, catalog.ErrCutoff):
		return refuse(wire.RCCutoff, "Produk sedang cut-off")
	case errors.Is(err, order.ErrMultiRefused):
		return refuse(wire.RCMulti, "Produk yang sama ke nomor yang sama sudah dibeli hari ini")
	case errors.Is(err, catalog.ErrOutOfStock):
		return refuse(wire.RCOutOfStock, "Stok produk habis")
	case errors.Is(err, order.ErrPriceAboveMax):
		return refuse(wire.RCPriceAboveMax, "Harga melebihi max_price")
	case errors.Is(err, order.ErrNotFound):
		return refuse(wire.RCNotFound, "Transaksi tidak ditemukan")
	case errors.Is(err, bill.ErrNotInquired):
		return refuse(wire.RCNotFound, "Transaksi tidak ditemukan: lakukan inq-pasca dengan ref_id ini lebih dulu")
	case errors.Is(err, bill.ErrNotPaid):
		return refuse(wire.RCNotFound, "Tagihan sudah dicek (inq-pasca) tetapi belum dibayar")
	case errors.Is(err, bill.ErrExpired):
		return refuse(wire.RCBillUnavailable, "Inquiry dibuat pada hari lain; lakukan inq-pasca lagi hari ini")
	case errors.Is(err, bill.ErrUnavailable):
		return refuse(wire.RCBillUnavailable, "Tagihan belum tersedia atau sudah dibayar")
	case errors.Is(err, bill.ErrCustomer):
		return refuse(wire.RCDestination, "Nomor pelanggan salah")
	case errors.Is(err, bill.ErrBillerDown):
		return refuse(wire.RCBillerTimeout, "Biller tidak menjawab; tidak ada biaya, silakan coba lagi")
	case errors.Is(err, deposit.ErrAmount):
		return refuse(wire.RCPayload, "Payload error: amount harus antara 10000 dan 1000000000000")
	case errors.Is(err, deposit.ErrNoFreeAmount):
		return refuse(wire.RCDepositRefused, "Tiket deposit ditolak: semua nominal unik untuk jumlah ini sedang dipakai; coba jumlah lain")
	case errors.Is(err, deposit.ErrTooManyOpen):
		return refuse(wire.RCDepositRefused, "Tiket deposit ditolak: terlalu banyak tiket yang masih terbuka")
	}
	return faultOf(err)
}

// rcOfOrder is the rc and status word of an order's state.
func rcOfOrder(s order.Status) string {
	switch s {
	case order.Success:
		return wire.RCSuccess
	case order.Failed:
		return wire.RCFailed
	}
	return wire.RCPending
}
