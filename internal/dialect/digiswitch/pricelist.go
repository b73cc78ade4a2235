package digiswitch

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	ds "github.com/kios-h2h/kios/client/digiswitch"
	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/dialect/flazzserver"
)

// priceListRequest adds the field name Digiflazz clients send for the command.
type priceListRequest struct {
	ds.PriceListRequest
	Cmd string `json:"cmd"`
}

func (h *handler) priceList(w http.ResponseWriter, r *http.Request) {
	var req priceListRequest
	if err := h.decode(w, r, &req); err != nil {
		h.refuse(w, ds.ErrorData{}, ds.RCPayload, err.Error())
		return
	}
	if req.Command == "" {
		req.Command = req.Cmd
	}
	if err := required("username", req.Username, "sign", req.Sign, "command", req.Command); err != nil {
		h.refuse(w, ds.ErrorData{}, ds.RCPayload, err.Error())
		return
	}
	command := strings.ToLower(strings.TrimSpace(req.Command))
	kind := catalog.Prepaid
	switch command {
	case ds.CommandPrepaid:
	case ds.CommandPasca, "postpaid":
		command, kind = ds.CommandPasca, catalog.Postpaid
	default:
		h.refuse(w, ds.ErrorData{}, ds.RCPayload, `Field command harus "prepaid" atau "pasca"`)
		return
	}
	res := h.authenticate(w, r, req.Username, req.Sign, ds.SuffixPriceList, ds.ErrorData{})
	if res == nil {
		return
	}
	code := strings.TrimSpace(req.Code)
	full := code == ""
	if full && !h.lists.Allowed(flazzserver.ListKey{Reseller: res.ID, Command: command}, h.svc.Now()) {
		h.refuse(w, ds.ErrorData{}, ds.RCPriceListLimited,
			"Daftar harga lengkap hanya dapat diambil sekali tiap "+every(h.opts.PriceListEvery)+"; gunakan filter code")
		return
	}
	// The caller's own prices (a downline's are its upline's plus markups: core.Pricer).
	pr, err := h.svc.PricerFor(r.Context(), res)
	if err != nil {
		h.fail(w, r, ds.ErrorData{}, err)
		return
	}
	// The answer is the same for every caller of a price key (a tier, or one downline): kept
	// encoded (see package pricecache). Waiting callers share one build, so it must not end with
	// its first caller's context.
	ctx := context.WithoutCancel(r.Context())
	body, err := h.prices.Get(command+"\x00"+pr.CacheKey()+"\x00"+code, h.svc.PriceListVersion, h.svc.Now, func() ([]byte, error) {
		items, err := h.listItems(ctx, kind, code, pr)
		if err != nil {
			return nil, err
		}
		return json.Marshal(ds.Envelope[any]{Data: items})
	})
	if err != nil {
		h.fail(w, r, ds.ErrorData{}, err)
		return
	}
	h.listed(res.ID, command, full)
	h.writeEncoded(w, http.StatusOK, body)
}

// listItems builds a price list of kind (one code, or all when code is ""), at pr's prices.
func (h *handler) listItems(ctx context.Context, kind catalog.Kind, code string, pr *core.Pricer) (any, error) {
	variants, err := h.svc.Variants(ctx, catalog.VariantFilter{Kind: kind, Code: code})
	if err != nil {
		return nil, err
	}
	products, err := h.svc.Products(ctx)
	if err != nil {
		return nil, err
	}
	byCode := make(map[string]catalog.Product, len(products))
	for _, p := range products {
		byCode[p.Code] = p
	}
	if kind == catalog.Postpaid {
		items := make([]ds.PascaItem, 0, len(variants))
		for _, v := range variants {
			p := byCode[v.ProductCode]
			items = append(items, ds.PascaItem{Name: v.Name, Category: p.Category, Brand: p.Brand, Admin: v.Admin,
				Commission: v.Commission, Code: v.Code, Status: v.Active && v.ProductActive && !v.Down, Desc: v.Description})
		}
		return items, nil
	}
	items := make([]ds.PrepaidItem, 0, len(variants))
	for _, v := range variants {
		price, ok := pr.PriceFor(&v.Variant)
		if !ok {
			continue // not sold to this tier
		}
		p := byCode[v.ProductCode]
		items = append(items, ds.PrepaidItem{Name: itemName(v.ProductName, v.Name), Category: p.Category, Brand: p.Brand,
			Type: v.Type, Price: price, Code: v.Code, Status: v.Active && v.ProductActive && !v.Down, UnlimitedStock: v.UnlimitedStock,
			Stock: v.Stock, Multi: v.Multi, StartCutOff: v.CutoffStart.String(), EndCutOff: v.CutoffEnd.String(), Desc: v.Description})
	}
	return items, nil
}

// itemName names a variant as price lists do ("Telkomsel 5rb"): the variant's own name when it
// already says the product, else the product's name before it.
func itemName(product, variant string) string {
	if product == "" || strings.HasPrefix(strings.ToLower(variant), strings.ToLower(product)) {
		return variant
	}
	return product + " " + variant
}

// listed records that a full list of command was served.
func (h *handler) listed(resellerID int64, command string, full bool) {
	if full {
		h.lists.Served(flazzserver.ListKey{Reseller: resellerID, Command: command}, h.svc.Now())
	}
}

// every says a duration the way the message reads: "5 menit".
func every(d time.Duration) string {
	if d >= time.Minute && d%time.Minute == 0 {
		return strconv.Itoa(int(d/time.Minute)) + " menit"
	}
	return d.String()
}
