package digiflazz

import (
	"github.com/kios-h2h/kios/internal/dialect/flazzserver"
	"github.com/kios-h2h/kios/internal/order"
)

// refusalOf turns a core error into the dialect's rc and message (flazzserver decides which).
// An error it does not know is a server fault.
func refusalOf(err error) *refusal {
	if ref, ok := flazzserver.RefusalOf(err); ok {
		return refuse(ref.RC, ref.Digiflazz)
	}
	return faultOf(err)
}

// rcOfOrder is the rc of an order's state.
func rcOfOrder(s order.Status) string { return flazzserver.RCOfOrder(s) }
