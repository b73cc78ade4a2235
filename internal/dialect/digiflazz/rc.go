package digiflazz

import (
	"errors"

	wire "github.com/kios-h2h/kios/client/digiflazz"
	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
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
