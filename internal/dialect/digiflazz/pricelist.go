package digiflazz

import (
	"net/http"
	"strings"
	"time"

	wire "github.com/kios-h2h/kios/client/digiflazz"
	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/dialect/flazzserver"
	"github.com/kios-h2h/kios/internal/reseller"
)

// priceList serves price-list: the prepaid or postpaid products with the reseller's own prices.
func (h *handler) priceList(w http.ResponseWriter, r *http.Request) {
	var req wire.PriceListRequest
	if ref := h.decode(w, r, &req); ref != nil {
		h.refuseSimple(w, r, ref)
		return
	}
	res, ref := h.authenticate(r.Context(), r, req.Username, req.Sign, wire.SuffixPriceList)
	if ref != nil {
		h.refuseSimple(w, r, ref)
		return
	}
	var kind catalog.Kind
	switch req.Cmd {
	case "", wire.CmdPrepaid: // clients written for the first API version send no cmd
		kind = catalog.Prepaid
	case wire.CmdPasca:
		kind = catalog.Postpaid
	default:
		h.refuseSimple(w, r, refuse(wire.RCPayload, `Payload error: cmd harus "prepaid" atau "pasca"`))
		return
	}
	now := h.svc.Now()
	full := !req.Filtered()
	if full && !h.lists.Allowed(flazzserver.ListKey{Reseller: res.ID}, now) {
		h.refuseSimple(w, r, refuse(wire.RCPriceListLimited, "Anda sudah melakukan pengecekan daftar harga. Silakan coba beberapa saat lagi"))
		return
	}
	items, err := h.items(r, res, kind, &req, now)
	if err != nil {
		h.refuseSimple(w, r, faultOf(err))
		return
	}
	if full {
		h.lists.Served(flazzserver.ListKey{Reseller: res.ID}, now)
	}
	h.write(w, http.StatusOK, items)
}

// items lists the variants of kind that match the request's filters, priced for the reseller's
// tier. A variant without a price for the tier is not for sale to it and is left out.
func (h *handler) items(r *http.Request, res *reseller.Reseller, kind catalog.Kind, req *wire.PriceListRequest, now time.Time) (any, error) {
	ctx := r.Context()
	products, err := h.svc.Products(ctx)
	if err != nil {
		return nil, err
	}
	byCode := make(map[string]*catalog.Product, len(products))
	for i := range products {
		byCode[products[i].Code] = &products[i]
	}
	variants, err := h.svc.Variants(ctx, catalog.VariantFilter{Kind: kind, Code: req.Code})
	if err != nil {
		return nil, err
	}
	// The caller's own prices (a downline's are its upline's plus markups: core.Pricer).
	pr, err := h.svc.PricerFor(ctx, res)
	if err != nil {
		return nil, err
	}
	seller := h.opts.SellerName
	if h.opts.Seller != nil {
		if seller, err = h.opts.Seller.SellerName(ctx); err != nil {
			return nil, err
		}
	}
	prepaid := make([]wire.PrepaidItem, 0, len(variants))
	pasca := make([]wire.PascaItem, 0)
	for i := range variants {
		v := &variants[i]
		p := byCode[v.ProductCode]
		if p == nil || !matches(req.Category, p.Category) || !matches(req.Brand, p.Brand) || !matches(req.Type, v.Type) {
			continue
		}
		buyerOK := v.Active && v.ProductActive && !v.Down
		sellerOK := buyerOK && !v.InCutoff(now) && (v.UnlimitedStock || v.Stock > 0)
		name := strings.TrimSpace(v.ProductName + " " + v.Name)
		if kind == catalog.Postpaid {
			pasca = append(pasca, wire.PascaItem{
				ProductName: name, Category: p.Category, Brand: p.Brand, SellerName: seller,
				Admin: v.Admin, Commission: v.Commission, BuyerSKUCode: v.Code,
				BuyerProductStatus: buyerOK, SellerProductStatus: sellerOK, Desc: v.Description,
			})
			continue
		}
		price, ok := pr.PriceFor(&v.Variant)
		if !ok {
			continue
		}
		prepaid = append(prepaid, wire.PrepaidItem{
			ProductName: name, Category: p.Category, Brand: p.Brand, Type: v.Type, SellerName: seller,
			Price: price, BuyerSKUCode: v.Code, BuyerProductStatus: buyerOK, SellerProductStatus: sellerOK,
			UnlimitedStock: v.UnlimitedStock, Stock: v.Stock, Multi: v.Multi,
			StartCutOff: v.CutoffStart.String(), EndCutOff: v.CutoffEnd.String(), Desc: v.Description,
		})
	}
	if kind == catalog.Postpaid {
		return pasca, nil
	}
	return prepaid, nil
}

// matches applies an optional filter, ignoring case ("Pulsa" = "PULSA").
func matches(filter, value string) bool {
	return filter == "" || strings.EqualFold(strings.TrimSpace(filter), value)
}
