package checkid_test

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/checkid"
)

func md5hex(s string) string { h := md5.Sum([]byte(s)); return hex.EncodeToString(h[:]) }

// vipFake answers POST /api/game-feature as VIP Reseller's get-nickname is documented
// (docs/SUPPLIERS.md): a form with key, sign = md5(API ID + API key), type, code, target and
// additional_target; {"result": true, "data": NICKNAME} or {"result": false, "message": …}.
// IDs ending in 0000 do not exist; "slow" hangs past the checker's timeout.
func vipFake(t *testing.T, apiID, apiKey string) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/api/game-feature" || r.ParseForm() != nil {
			http.Error(w, "not found", 404)
			return
		}
		f := r.PostForm
		switch {
		case f.Get("key") != apiKey || f.Get("sign") != md5hex(apiID+apiKey):
			fmt.Fprint(w, `{"result":false,"data":null,"message":"Invalid API key or sign"}`)
		case f.Get("type") != "get-nickname" || f.Get("code") != "mobile-legends" || f.Get("additional_target") == "":
			fmt.Fprint(w, `{"result":false,"data":null,"message":"Permintaan tidak sesuai"}`)
		case f.Get("target") == "slow":
			<-r.Context().Done()
		case strings.HasSuffix(f.Get("target"), "0000"):
			fmt.Fprint(w, `{"result":false,"data":null,"message":"Nickname tidak ditemukan"}`)
		default:
			fmt.Fprintf(w, `{"result":true,"data":"VIP %s-%s","message":"Berhasil mendapatkan nickname"}`, f.Get("target"), f.Get("additional_target"))
		}
	}))
}

// apigamesFake answers GET /merchant/{merchant}/cek-username/{game}?user_id=&signature= as
// Apigames documents it: {"status":1,"rc":0,"message":"Data Found","data":{"is_valid":true,
// "username":…}}, is_valid false for an ID that does not exist, status 0 when the check did not run.
func apigamesFake(t *testing.T, merchant, secret string) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		switch {
		case r.Method != http.MethodGet || r.URL.Path != "/merchant/"+merchant+"/cek-username/mobilelegend":
			http.Error(w, "not found", 404)
		case q.Get("signature") != md5hex(merchant+secret):
			fmt.Fprint(w, `{"status":0,"rc":4,"message":"","error_msg":"Signature tidak valid"}`)
		case strings.HasSuffix(q.Get("user_id"), "00001234"):
			fmt.Fprint(w, `{"status":1,"rc":0,"message":"Data Not Found","data":{"is_valid":false,"username":""},"ts":1650529145}`)
		default:
			fmt.Fprintf(w, `{"status":1,"rc":0,"message":"Data Found","data":{"is_valid":true,"username":"AG %s"},"ts":1650529102}`, q.Get("user_id"))
		}
	}))
}

type fees struct {
	mu  sync.Mutex
	got []string
}

func (f *fees) record(_ context.Context, provider string, fee int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.got = append(f.got, fmt.Sprintf("%s:%d", provider, fee))
}

func TestMarketProviders(t *testing.T) {
	t.Parallel()
	vipSrv := vipFake(t, "VIPID", "vipkey")
	defer vipSrv.Close()
	agSrv := apigamesFake(t, "M123", "secret")
	defer agSrv.Close()
	vip := checkid.NewVIPReseller(checkid.MarketConfig{BaseURL: vipSrv.URL + "/api", ID: "VIPID", Key: "vipkey", Fee: 50})
	ag := checkid.NewApigames(checkid.MarketConfig{BaseURL: agSrv.URL, ID: "M123", Key: "secret", Fee: 25})
	ctx := context.Background()

	// Each alone: valid, invalid, a game it does not check.
	r, err := vip.Check(ctx, "mobile-legends", "12345678(1234)")
	if err != nil || !r.Valid || r.Nickname != "VIP 12345678-1234" || r.Fee != 50 {
		t.Fatalf("vip valid: %+v %v", r, err)
	}
	if r, err := vip.Check(ctx, "mobile-legends", "12340000(1234)"); err != nil || r.Valid || r.Fee != 50 {
		t.Fatalf("vip invalid: %+v %v", r, err)
	}
	if _, err := vip.Check(ctx, "pubg", "123"); !errors.Is(err, checkid.ErrUnsupported) {
		t.Fatalf("vip unsupported: %v", err)
	}
	r, err = ag.Check(ctx, "mobile-legends", "12345678(1234)")
	if err != nil || !r.Valid || r.Nickname != "AG 123456781234" || r.Fee != 25 {
		t.Fatalf("apigames valid: %+v %v", r, err)
	}
	if r, err := ag.Check(ctx, "mobile-legends", "12300000(1234)"); err != nil || r.Valid {
		t.Fatalf("apigames invalid: %+v %v", r, err)
	}
	// A wrong key is no answer about the ID (never "not found"): the next provider is asked.
	badVIP := checkid.NewVIPReseller(checkid.MarketConfig{BaseURL: vipSrv.URL + "/api", ID: "VIPID", Key: "wrong"})
	if _, err := badVIP.Check(ctx, "mobile-legends", "12345678(1234)"); err == nil {
		t.Fatal("vip with a wrong key answered")
	}
	badAG := checkid.NewApigames(checkid.MarketConfig{BaseURL: agSrv.URL, ID: "M123", Key: "wrong"})
	if _, err := badAG.Check(ctx, "mobile-legends", "12345678(1234)"); err == nil {
		t.Fatal("apigames with a wrong key answered")
	}

	// Through the checker: VIP first; it hangs past the timeout for "slow", so Apigames answers;
	// fees are recorded once per paid answer, never for a cached one.
	var f fees
	c := checkid.New(checkid.Options{Timeout: 200 * time.Millisecond, Burst: 100, OnFee: f.record}, badVIP, vip, ag)
	if r, err := c.Check(ctx, "shop", "mobile-legends", "12345678(1234)"); err != nil || r.Provider != "vip" || !r.Valid {
		t.Fatalf("checker: %+v %v", r, err)
	}
	start := time.Now()
	r, err = c.Check(ctx, "shop", "mobile-legends", "slow(1234)")
	if err != nil || r.Provider != "apigames" || r.Nickname != "AG slow1234" {
		t.Fatalf("timeout → next provider: %+v %v", r, err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("failover took %v", took)
	}
	if r, err := c.Check(ctx, "shop", "mobile-legends", "12340000(1234)"); err != nil || r.Valid || r.Provider != "vip" {
		t.Fatalf("invalid is final: %+v %v", r, err)
	}
	for i := 0; i < 3; i++ { // cached: neither asked nor charged again
		if _, err := c.Check(ctx, "shop", "mobile-legends", "12345678(1234)"); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Check(ctx, "shop", "mobile-legends", "12340000(1234)"); err != nil {
			t.Fatal(err)
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if want := "vip:50 apigames:25 vip:50"; strings.Join(f.got, " ") != want {
		t.Errorf("fees %v, want %s", f.got, want)
	}
}
