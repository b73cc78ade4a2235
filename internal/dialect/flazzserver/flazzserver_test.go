package flazzserver_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/kios-h2h/kios/client/flazz"
	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/dialect/flazzserver"
	"github.com/kios-h2h/kios/internal/order"
)

func TestRefusalOf(t *testing.T) {
	t.Parallel()
	for err, rc := range map[error]string{
		fmt.Errorf("place: %w", order.ErrInsufficientBalance): flazz.RCBalance,
		catalog.ErrCutoff:          flazz.RCCutoff,
		order.ErrReferenceConflict: flazz.RCRefConflict,
	} {
		ref, ok := flazzserver.RefusalOf(err)
		if !ok || ref.RC != rc || ref.Digiflazz == "" || ref.Digiswitch == "" {
			t.Errorf("%v: %+v %v", err, ref, ok)
		}
	}
	if _, ok := flazzserver.RefusalOf(errors.New("disk full")); ok {
		t.Error("a fault taken for a refusal")
	}
}

func TestMeterNumber(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{"12345678901": true, "123456789012": true, "1234567890": false, "1234567890a": false, "": false} {
		if flazzserver.MeterNumber(s) != want {
			t.Errorf("%q: want %v", s, want)
		}
	}
}

func TestUnknown(t *testing.T) {
	t.Parallel()
	w := httptest.NewRecorder()
	status, d := flazzserver.Unknown(w, httptest.NewRequest(http.MethodGet, "/v1/x", nil))
	if status != http.StatusMethodNotAllowed || w.Header().Get("Allow") != http.MethodPost || d.RC != flazz.RCPayload || d.Status != flazz.StatusFailed {
		t.Fatalf("GET: %d %+v", status, d)
	}
	status, d = flazzserver.Unknown(httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/v1/x", nil))
	if status != http.StatusNotFound || d.Message != "Endpoint tidak dikenal: /v1/x" {
		t.Fatalf("POST: %d %+v", status, d)
	}
}

func TestListLimit(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC)
	l := flazzserver.NewListLimit(5 * time.Minute)
	k := flazzserver.ListKey{Reseller: 1, Command: "prepaid"}
	if !l.Allowed(k, now) {
		t.Fatal("first list refused")
	}
	l.Served(k, now)
	if l.Allowed(k, now.Add(4*time.Minute)) || !l.Allowed(flazzserver.ListKey{Reseller: 1, Command: "pasca"}, now) ||
		!l.Allowed(flazzserver.ListKey{Reseller: 2, Command: "prepaid"}, now) {
		t.Fatal("allowance not per key")
	}
	if !l.Allowed(k, now.Add(5*time.Minute)) {
		t.Fatal("refused after the interval")
	}
	off := flazzserver.NewListLimit(-1)
	off.Served(k, now)
	if !off.Allowed(k, now) {
		t.Fatal("a negative interval still limits")
	}
}
