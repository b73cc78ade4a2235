package notify_test

import (
	"bufio"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"

	"github.com/kios-h2h/kios/internal/notify"
)

// smtpFake is a tiny SMTP server on loopback: enough of RFC 5321 for net/smtp (EHLO, AUTH
// PLAIN, MAIL, RCPT, DATA, QUIT, RSET, NOOP), no STARTTLS. It keeps what it received; a
// recipient at refuse.example is refused with 550.
type smtpFake struct {
	ln   net.Listener
	mu   sync.Mutex
	auth []string // "user:password" per AUTH PLAIN
	mail []smtpMail
	wg   sync.WaitGroup
}

type smtpMail struct {
	from, to string
	data     string
}

func newSMTPFake(t *testing.T) *smtpFake {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &smtpFake{ln: ln}
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			f.wg.Add(1)
			go func() { defer f.wg.Done(); f.serve(c) }()
		}
	}()
	t.Cleanup(func() { ln.Close(); f.wg.Wait() })
	return f
}

func (f *smtpFake) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	say := func(s string) { _, _ = io.WriteString(c, s+"\r\n") }
	say("220 fake ESMTP")
	var cur smtpMail
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		verb := strings.ToUpper(strings.SplitN(line, " ", 2)[0])
		switch verb {
		case "EHLO", "HELO":
			say("250-fake greets you")
			say("250 AUTH PLAIN")
		case "AUTH":
			parts := strings.Fields(line)
			raw, _ := base64.StdEncoding.DecodeString(parts[len(parts)-1])
			fields := strings.Split(string(raw), "\x00")
			f.mu.Lock()
			f.auth = append(f.auth, fields[1]+":"+fields[2])
			f.mu.Unlock()
			say("235 2.7.0 ok")
		case "MAIL":
			cur = smtpMail{from: line}
			say("250 ok")
		case "RCPT":
			if strings.Contains(line, "refuse.example") {
				say("550 5.1.1 no such user")
				continue
			}
			cur.to = line
			say("250 ok")
		case "DATA":
			say("354 go ahead")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				b.WriteString(l)
			}
			cur.data = b.String()
			f.mu.Lock()
			f.mail = append(f.mail, cur)
			f.mu.Unlock()
			say("250 ok queued")
		case "QUIT":
			say("221 bye")
			return
		default:
			say("250 ok")
		}
	}
}

func (f *smtpFake) sent() []smtpMail {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]smtpMail(nil), f.mail...)
}

func TestSMTPSends(t *testing.T) {
	t.Parallel()
	f := newSMTPFake(t)
	s := notify.SMTP{Addr: f.ln.Addr().String(), From: "Toko Kios <toko@kios.example>", Username: "toko", Password: "rahasia",
		Subject: "Pesanan TOKO-1: sukses ✓"}
	ctx := context.Background()
	text := "Pesanan Anda sukses.\nSN: 1234-5678 — terima kasih"
	if err := s.Notify(ctx, notify.Message{Phone: "081234567890", Email: "budi@example.com", Text: text}); err != nil {
		t.Fatal(err)
	}
	got := f.sent()
	if len(got) != 1 || !strings.Contains(got[0].from, "<toko@kios.example>") || !strings.Contains(got[0].to, "<budi@example.com>") {
		t.Fatalf("sent %+v", got)
	}
	msg, err := mail.ReadMessage(strings.NewReader(got[0].data))
	if err != nil {
		t.Fatal(err)
	}
	subject, err := new(mimeDecoder).decode(msg.Header.Get("Subject"))
	if err != nil || subject != "Pesanan TOKO-1: sukses ✓" || msg.Header.Get("To") != "<budi@example.com>" ||
		!strings.Contains(msg.Header.Get("Content-Type"), "utf-8") {
		t.Fatalf("headers %v (subject %q %v)", msg.Header, subject, err)
	}
	body, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if err != nil || strings.ReplaceAll(strings.TrimSpace(string(body)), "\r\n", "\n") != text {
		t.Fatalf("body %q %v", body, err)
	}
	f.mu.Lock()
	if len(f.auth) != 1 || f.auth[0] != "toko:rahasia" {
		t.Errorf("auth %v", f.auth)
	}
	f.mu.Unlock()

	// No email given: nothing to send, and no error.
	if err := s.Notify(ctx, notify.Message{Phone: "081234567890", Text: "x"}); err != nil || len(f.sent()) != 1 {
		t.Fatalf("without an email: %v, %d sent", err, len(f.sent()))
	}
	// A refused recipient and a server that is not there are errors (the notice is tried again).
	if err := s.Notify(ctx, notify.Message{Email: "x@refuse.example", Text: "x"}); err == nil || !strings.Contains(err.Error(), "550") {
		t.Fatalf("refused recipient: %v", err)
	}
	dead := notify.SMTP{Addr: "127.0.0.1:1", From: "toko@kios.example"}
	if err := dead.Notify(ctx, notify.Message{Email: "budi@example.com", Text: "x"}); err == nil {
		t.Fatal("no server, no error")
	}
	if err := s.Notify(ctx, notify.Message{Email: "not an address", Text: "x"}); err == nil {
		t.Fatal("a bad address was sent")
	}
}

type failing struct{ n int }

func (f *failing) Notify(context.Context, notify.Message) error { f.n++; return errors.New("down") }

type counting struct{ n int }

func (c *counting) Notify(context.Context, notify.Message) error { c.n++; return nil }

// TestMulti: a notice told through one channel is told; it is an error only when every channel
// failed.
func TestMulti(t *testing.T) {
	t.Parallel()
	bad, good := &failing{}, &counting{}
	m := notify.Multi{Notifiers: []notify.Notifier{bad, good}}
	if err := m.Notify(context.Background(), notify.Message{Phone: "0812", Text: "x"}); err != nil || bad.n != 1 || good.n != 1 {
		t.Fatalf("one channel failed: %v (%d, %d)", err, bad.n, good.n)
	}
	if err := (notify.Multi{Notifiers: []notify.Notifier{bad, &failing{}}}).Notify(context.Background(), notify.Message{}); err == nil {
		t.Fatal("every channel failed, no error")
	}
}

type mimeDecoder struct{}

func (mimeDecoder) decode(s string) (string, error) { return new(mime.WordDecoder).DecodeHeader(s) }
