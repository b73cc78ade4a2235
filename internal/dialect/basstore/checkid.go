package basstore

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/checkid"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/reseller"
)

// PathCheckID is Kios's extension of the BASSTORE API: the game-ID / nickname check.
const PathCheckID = "/api/v1/check-id"

// checkIDRequest is POST /api/v1/check-id: a variant or product code and the destination.
type checkIDRequest struct {
	Code string `json:"code"`
	Data string `json:"data"`
}

var (
	errIDNotFound = errors.New("ID tidak ditemukan")
	errNoCheck    = errors.New("ID check unavailable")
)

// checkID answers {"valid", "nickname", "data"}: 404 for an unknown code, 422 "ID tidak
// ditemukan" for an ID that does not exist, 503 when no provider could answer.
func (h *handler) checkID(ctx context.Context, w http.ResponseWriter, r *http.Request, rs *reseller.Reseller) (any, error) {
	var req checkIDRequest
	if err := h.decodeBody(w, r, &req); err != nil {
		return nil, err
	}
	req.Code, req.Data = strings.TrimSpace(req.Code), strings.TrimSpace(req.Data)
	if req.Code == "" {
		return nil, &core.FieldError{Field: "code", Reason: "is required"}
	}
	if req.Data == "" {
		return nil, &core.FieldError{Field: "data", Reason: "is required"}
	}
	product := req.Code
	if v, err := h.svc.Variant(ctx, req.Code); err == nil {
		product = v.ProductCode
	} else if !errors.Is(err, catalog.ErrVariantNotFound) {
		return nil, err
	} else if _, err := h.svc.Product(ctx, req.Code); err != nil {
		return nil, err
	}
	res, err := h.check.Check(ctx, "reseller:"+rs.Username, product, req.Data)
	switch {
	case errors.Is(err, checkid.ErrRateLimited):
		return nil, errRateLimited
	case errors.Is(err, checkid.ErrNoAnswer):
		h.log.Warn("check-id: no provider answered", "product", product, "err", err)
		return nil, errNoCheck
	case err != nil:
		return nil, err
	case !res.Valid:
		return nil, errIDNotFound
	}
	return res, nil
}
