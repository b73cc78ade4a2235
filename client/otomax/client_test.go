package otomax_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/kios-h2h/kios/client/otomax"
)

// center is a fake Otomax center on 127.0.0.1: it checks the sign as a center does and answers
// from a function of the parsed request.
type center struct {
	srv    *httptest.Server
	mu     sync.Mutex
	seen   []otomax.Request
	answer func(r otomax.Request) (int, string)
}

const (
	member = "M1"
	pin    = "1234"
	pass   = "s3cr3t"
)

func newCenter(t *testing.T, answer func(otomax.Request) (int, string)) *center {
	c := &center{answer: answer}
	c.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		switch req.URL.Path {
		case otomax.PathBalance:
			q := req.URL.Query()
			if !otomax.SignEqual(q.Get("sign"), otomax.SignBalance(q.Get("memberID"), pin, pass)) {
				_, _ = w.Write([]byte("Sign salah"))
				return
			}
			_, _ = w.Write([]byte("Saldo Anda Rp 1.250.000"))
		case otomax.PathTrx:
			r, err := otomax.ParseRequest(req.URL.Query())
			if err != nil {
				_, _ = w.Write([]byte("Format salah"))
				return
			}
			if !otomax.SignEqual(r.Sign, otomax.Sign(r.MemberID, r.Product, r.Dest, r.RefID, pin, pass)) {
				_, _ = w.Write([]byte("GAGAL. Sign salah"))
				return
			}
			c.mu.Lock()
			c.seen = append(c.seen, r)
			c.mu.Unlock()
			code, text := c.answer(r)
			w.WriteHeader(code)
			_, _ = w.Write([]byte(text))
		default:
			http.NotFound(w, req)
		}
	}))
	t.Cleanup(c.srv.Close)
	return c
}

func TestBuyThenCheck(t *testing.T) {
	c := newCenter(t, func(r otomax.Request) (int, string) {
		if r.Check {
			return 200, "R#" + r.RefID + " " + r.Product + ". " + r.Dest + " SUCCESS. SN: 998877. SISA SALDO: 100.000 - 5.500 = 94.500"
		}
		return 200, "TRX " + r.Product + " ke " + r.Dest + " segera diproses Saldo=100000"
	})
	cl := otomax.New(c.srv.URL, member, pin, pass)
	ctx := context.Background()
	trx := otomax.Trx{Product: "S5", Dest: "081234567890", RefID: "k-1"}
	r, err := cl.Buy(ctx, trx)
	if err != nil || r.Status != otomax.StatusPending {
		t.Fatalf("Buy = %+v, %v; want pending", r, err)
	}
	r, err = cl.Check(ctx, trx)
	if err != nil || r.Status != otomax.StatusSuccess || r.SN != "998877" || r.Price != 5500 {
		t.Fatalf("Check = %+v, %v; want success SN 998877 price 5500", r, err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.seen) != 2 || c.seen[0].Check || !c.seen[1].Check || c.seen[0].RefID != c.seen[1].RefID {
		t.Fatalf("center saw %+v; want a purchase then a check of the same refID", c.seen)
	}
	if c.seen[0].PIN != "" || c.seen[0].Password != "" {
		t.Fatal("pin or password sent in the query without WithPlainCredentials")
	}
}

func TestPlainCredentialsAndQty(t *testing.T) {
	c := newCenter(t, func(r otomax.Request) (int, string) { return 200, "R#" + r.RefID + " DANA. 0812 SUKSES. SN: 1." })
	cl := otomax.New(c.srv.URL, member, pin, pass, otomax.WithPlainCredentials())
	r, err := cl.Buy(context.Background(), otomax.Trx{Product: "DANA", Dest: "0812", RefID: "k-3", Qty: 25000})
	if err != nil || r.Status != otomax.StatusSuccess {
		t.Fatalf("Buy = %+v, %v", r, err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	last := c.seen[len(c.seen)-1]
	if last.PIN != pin || last.Password != pass || last.Qty != 25000 {
		t.Fatalf("center saw %+v; want pin, password and qty 25000", last)
	}
}

func TestAnswersThatSayNothing(t *testing.T) {
	for name, answer := range map[string]func(otomax.Request) (int, string){
		"another refID": func(r otomax.Request) (int, string) { return 200, "R#other S5. 0812 SUCCESS. SN: 1." },
		"two outcomes":  func(r otomax.Request) (int, string) { return 200, "R#" + r.RefID + " GAGAL lalu SUKSES" },
		"gibberish":     func(r otomax.Request) (int, string) { return 200, "\x00\x01???" },
	} {
		t.Run(name, func(t *testing.T) {
			c := newCenter(t, answer)
			r, err := otomax.New(c.srv.URL, member, pin, pass).Buy(context.Background(), otomax.Trx{Product: "S5", Dest: "0812", RefID: "k-4"})
			if err != nil || r.Status != otomax.StatusUnknown {
				t.Fatalf("Buy = %+v, %v; want StatusUnknown", r, err)
			}
		})
	}
	for name, code := range map[string]int{"HTTP 500": 500, "HTTP 502": 502, "HTTP 404": 404, "HTTP 429": 429} {
		t.Run(name, func(t *testing.T) {
			c := newCenter(t, func(r otomax.Request) (int, string) { return code, "oops" })
			_, err := otomax.New(c.srv.URL, member, pin, pass).Buy(context.Background(), otomax.Trx{Product: "S5", Dest: "0812", RefID: "k-5"})
			if !errors.Is(err, otomax.ErrUnknownOutcome) {
				t.Fatalf("err = %v, want ErrUnknownOutcome", err)
			}
		})
	}
}

func TestTimeoutIsUnknownAndRefusedIsNotSent(t *testing.T) {
	release := make(chan struct{})
	c := newCenter(t, func(r otomax.Request) (int, string) { <-release; return 200, "SUKSES" })
	defer close(release)
	cl := otomax.New(c.srv.URL, member, pin, pass, otomax.WithHTTPClient(&http.Client{Timeout: 200 * time.Millisecond}))
	_, err := cl.Buy(context.Background(), otomax.Trx{Product: "S5", Dest: "0812", RefID: "k-6"})
	if !errors.Is(err, otomax.ErrUnknownOutcome) {
		t.Fatalf("timeout: err = %v, want ErrUnknownOutcome", err)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	_, err = otomax.New("http://"+addr, member, pin, pass).Buy(context.Background(), otomax.Trx{Product: "S5", Dest: "0812", RefID: "k-7"})
	if err == nil || errors.Is(err, otomax.ErrUnknownOutcome) {
		t.Fatalf("refused connection: err = %v, want a not-sent error", err)
	}
}

func TestBalance(t *testing.T) {
	c := newCenter(t, nil)
	got, err := otomax.New(c.srv.URL, member, pin, pass).Balance(context.Background())
	if err != nil || got != 1250000 {
		t.Fatalf("Balance = %d, %v; want 1250000", got, err)
	}
	if _, err := otomax.New(c.srv.URL, member, "0000", pass).Balance(context.Background()); err == nil {
		t.Fatal("a wrong pin read a balance")
	}
}
