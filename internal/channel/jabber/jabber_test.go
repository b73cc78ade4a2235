package jabber_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"log/slog"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/channel"
	"github.com/kios-h2h/kios/internal/channel/jabber"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/textcmd"
	"github.com/kios-h2h/kios/internal/textcmd/texttest"
	"github.com/xmppo/go-xmpp"
)

// server is the real XMPP server .ci/prosody.sh starts; the Jabber tests need it.
func server(t *testing.T) (string, *tls.Config) {
	t.Helper()
	addr := os.Getenv("KIOS_TEST_XMPP")
	if addr == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("KIOS_TEST_XMPP is not set: CI must run the Jabber tests against prosody (. .ci/prosody.sh)")
		}
		t.Skip("KIOS_TEST_XMPP is not set: run `. .ci/prosody.sh` to test the Jabber channel against a real prosody")
	}
	tc := &tls.Config{ServerName: "localhost", MinVersion: tls.VersionTLS12}
	pem, err := os.ReadFile(os.Getenv("KIOS_TEST_XMPP_CA"))
	if err != nil {
		t.Fatalf("KIOS_TEST_XMPP_CA: %v", err)
	}
	tc.RootCAs = x509.NewCertPool()
	if !tc.RootCAs.AppendCertsFromPEM(pem) {
		t.Fatal("KIOS_TEST_XMPP_CA holds no certificate")
	}
	return addr, tc
}

// person is a chat client logged in to the test server, collecting what Kios says to it.
type person struct {
	c   *xmpp.Client
	got chan string
}

func login(t *testing.T, addr string, tc *tls.Config, user string) *person {
	t.Helper()
	o := xmpp.Options{Host: addr, User: user + "@localhost", Password: user + "-test-pw", Resource: "phone",
		NoTLS: true, StartTLS: true, TLSConfig: tc, Session: true, Status: "chat", DialTimeout: 10 * time.Second,
		Mechanism: "PLAIN"} // see jabber.connect: go-xmpp's SCRAM and Prosody 0.12 disagree under TLS 1.3
	c, err := o.NewClient()
	if err != nil {
		t.Fatalf("login %s: %v", user, err)
	}
	p := &person{c: c, got: make(chan string, 32)}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			st, err := c.Recv()
			if err != nil {
				return
			}
			if m, ok := st.(xmpp.Chat); ok && m.Text != "" && strings.HasPrefix(m.Remote, "kios@localhost") {
				select {
				case p.got <- m.Text:
				default: // nobody listens any more
				}
			}
		}
	}()
	// go-xmpp's Close reads the stream itself and so races a Recv in flight: end the stream,
	// wait for the reader to see it, then close (as jabber.Transport.Run does).
	t.Cleanup(func() {
		_, _ = c.SendOrg("</stream:stream>")
		select {
		case <-done:
			_ = c.Close()
		case <-time.After(5 * time.Second):
		}
	})
	return p
}

func (p *person) say(t *testing.T, text string) {
	t.Helper()
	if _, _, err := p.c.Send(xmpp.Chat{Remote: "kios@localhost", Type: "chat", Text: text}); err != nil {
		t.Fatal(err)
	}
}

func (p *person) hear(t *testing.T, pattern string) string {
	t.Helper()
	select {
	case m := <-p.got:
		if !regexp.MustCompile(pattern).MatchString(m) {
			t.Fatalf("heard %q, want %q", m, pattern)
		}
		return m
	case <-time.After(20 * time.Second):
		t.Fatalf("heard nothing, want %q", pattern)
	}
	return ""
}

// A reseller bound on Jabber chats with Kios through a real prosody: it buys (the accept, then
// the final answer pushed on the same chat), asks its balance, opens a deposit ticket and reads
// today's report; an unbound account gets one refusal. Backends run one after the other: they
// share the server's accounts.
func TestJabberThroughProsody(t *testing.T) {
	addr, tc := server(t)
	for _, be := range storetest.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			k := texttest.New(t, be)
			k.Bind(t, textcmd.Jabber, "budi@localhost")
			cfg := channel.Config{Kind: channel.Jabber, JID: "kios@localhost", Password: "kios-test-pw", Server: addr}
			if err := cfg.Check(); err != nil {
				t.Fatal(err)
			}
			tr := jabber.New(cfg, k.Eng, jabber.Options{TLSConfig: tc, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
			k.Run(t, map[string]textcmd.Sender{textcmd.Jabber: tr})
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan struct{})
			go func() { _ = tr.Run(ctx); close(done) }()
			t.Cleanup(func() { cancel(); <-done })
			select {
			case <-tr.Connected():
			case <-time.After(20 * time.Second):
				t.Fatal("kios did not log in")
			}

			budi := login(t, addr, tc, "budi")
			budi.say(t, "X5.081234567890.1234 R#j1-"+be.Name)
			budi.hear(t, `^R#j1-\w+ X5\.081234567890 sedang diproses\. Harga: 5\.100\. Saldo: 94\.900$`)
			budi.hear(t, `^R#j1-\w+ X5\.081234567890 BERHASIL\. SN: \S+\. Harga: 5\.100\. Saldo: 94\.900$`)
			budi.say(t, "SAL.1234")
			budi.hear(t, `^Saldo budi: 94\.900$`)
			budi.say(t, "TIKET.50000.1234")
			budi.hear(t, `^Tiket DEP-\S+: transfer tepat 50\.\d{3} ke Transfer Bank, berita DEP-`)
			budi.say(t, "LAP.1234")
			budi.hear(t, `^Laporan \d\d/\d\d/\d{4}: 1 transaksi, 1 berhasil \(5\.100\), 0 gagal, 0 proses\. Saldo: 94\.900$`)
			budi.say(t, "X5.0812.9999")
			budi.hear(t, `^PIN salah \(1/5\)\.$`)

			eve := login(t, addr, tc, "eve")
			eve.say(t, "SAL.1234")
			eve.hear(t, `^Akun ini belum terdaftar\.$`)
			if k.Balance(t) != texttest.Funds-5100 {
				t.Fatalf("balance %d", k.Balance(t))
			}
			k.CheckLedger(t)
		})
	}
}
