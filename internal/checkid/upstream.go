package checkid

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	bsclient "github.com/kios-h2h/kios/client/basstore"
)

// Upstream asks a supplier that is itself a Kios: its reseller API's POST /api/v1/check-id (a
// Kios extension of the BASSTORE API; client/basstore's CheckID). It is the first provider the
// issue names: the upstream that will sell the item checks the ID it will sell to.
//
// Its answers: data {"valid": true, "nickname", "data"} is a valid ID; 422 ("ID tidak
// ditemukan") an ID that does not exist, final; 404 (a code the upstream does not know, or an
// upstream that is BASSTORE itself, which has no such endpoint) ErrUnsupported; anything else (a
// 429 of the upstream's own rate limit, 503 when its providers could not answer, a timeout, a
// refused token) an error: the next provider is asked.
type Upstream struct {
	// Label names the provider in logs, results and the ledger ("supplier:NAME").
	Label  string
	Client *bsclient.Client
	// Code maps a Kios product code to the code the upstream knows: the SKU of one of the
	// product's variants mapped to that supplier (core.Service.UpstreamCheckCode). An error is
	// "not sold there": ErrUnsupported. Nil sends the product code as it is.
	Code func(ctx context.Context, product string) (string, error)
	// Fee is what the upstream charges per answered check, in rupiah (a Kios charges nothing).
	Fee int64
}

// Name is the label.
func (u *Upstream) Name() string { return u.Label }

// Check asks the upstream.
func (u *Upstream) Check(ctx context.Context, product, destination string) (Result, error) {
	code := product
	if u.Code != nil {
		c, err := u.Code(ctx, product)
		if err != nil {
			return Result{}, fmt.Errorf("%w: %w", ErrUnsupported, err)
		}
		code = c
	}
	ans, err := u.Client.CheckID(ctx, code, destination)
	var api *bsclient.APIError
	switch {
	case errors.As(err, &api) && api.Code == http.StatusUnprocessableEntity:
		return Result{Valid: false, Destination: destination, Fee: u.Fee}, nil
	case errors.As(err, &api) && api.Code == http.StatusNotFound:
		return Result{}, fmt.Errorf("%w: %s", ErrUnsupported, api.Message)
	case err != nil:
		return Result{}, err
	case !ans.Valid:
		// A valid answer always says valid; anything else is not an answer to trust.
		return Result{}, fmt.Errorf("%s: check-id answered 200 with valid false", u.Label)
	}
	return Result{Valid: true, Nickname: ans.Nickname, Destination: ans.Data, Fee: u.Fee}, nil
}
