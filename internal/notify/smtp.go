package notify

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"strings"
	"time"
)

// SMTP sends the notice by email, with the standard library's net/smtp: STARTTLS whenever the
// server offers it (implicit TLS on port 465), then AUTH PLAIN when a username is set. net/smtp
// refuses to send a password over a connection that is not encrypted, except to localhost: a
// misconfigured relay fails loudly rather than leaking the password.
type SMTP struct {
	Addr     string // host:port, e.g. smtp.example.com:587
	From     string // "Toko Kios <toko@example.com>" or a bare address
	Username string // "" for a relay that takes mail without logging in
	Password string
	Subject  string        // default "Pesanan Anda"
	Timeout  time.Duration // for the whole exchange; default 30 s
	// TLSConfig replaces the default (the host's name checked against the system roots).
	TLSConfig *tls.Config
}

// Notify mails m.Text to m.Email. A message without an email is not this notifier's: nil.
func (s SMTP) Notify(ctx context.Context, m Message) error {
	if strings.TrimSpace(m.Email) == "" {
		return nil
	}
	to, err := mail.ParseAddress(m.Email)
	if err != nil {
		return fmt.Errorf("email notice: bad address %q: %w", m.Email, err)
	}
	from, err := mail.ParseAddress(s.From)
	if err != nil {
		return fmt.Errorf("email notice: bad sender %q: %w", s.From, err)
	}
	host, port, err := net.SplitHostPort(s.Addr)
	if err != nil {
		return fmt.Errorf("email notice: server address %q: %w", s.Addr, err)
	}
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	tlsConf := s.TLSConfig
	if tlsConf == nil {
		tlsConf = &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", s.Addr)
	if err != nil {
		return fmt.Errorf("email notice: %w", err)
	}
	// net/smtp takes no context: the deadline bounds every read and write of the exchange.
	deadline, _ := ctx.Deadline()
	_ = conn.SetDeadline(deadline)
	if port == "465" {
		conn = tls.Client(conn, tlsConf)
	}
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("email notice: %w", err)
	}
	defer c.Close()
	if err := s.send(c, tlsConf, port == "465", from, to, m.Text); err != nil {
		return fmt.Errorf("email notice to %s: %w", to.Address, err)
	}
	return nil
}

func (s SMTP) send(c *smtp.Client, tlsConf *tls.Config, implicitTLS bool, from, to *mail.Address, text string) error {
	if err := c.Hello("localhost"); err != nil {
		return err
	}
	if ok, _ := c.Extension("STARTTLS"); ok && !implicitTLS {
		if err := c.StartTLS(tlsConf); err != nil {
			return err
		}
	}
	if s.Username != "" {
		host := tlsConf.ServerName
		if err := c.Auth(smtp.PlainAuth("", s.Username, s.Password, host)); err != nil {
			return err
		}
	}
	if err := c.Mail(from.Address); err != nil {
		return err
	}
	if err := c.Rcpt(to.Address); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(s.compose(from, to, text)); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

// compose writes the message: UTF-8 text, quoted-printable (buyers' names and the store's
// messages are not ASCII-only), the subject encoded as RFC 2047 asks.
func (s SMTP) compose(from, to *mail.Address, text string) []byte {
	subject := s.Subject
	if subject == "" {
		subject = "Pesanan Anda"
	}
	var id [12]byte
	_, _ = rand.Read(id[:])
	domain := "kios.invalid"
	if i := strings.LastIndexByte(from.Address, '@'); i >= 0 {
		domain = from.Address[i+1:]
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: %s\r\n", from.String())
	fmt.Fprintf(&b, "To: %s\r\n", to.String())
	fmt.Fprintf(&b, "Subject: %s\r\n", mime.QEncoding.Encode("utf-8", subject))
	fmt.Fprintf(&b, "Date: %s\r\n", time.Now().Format(time.RFC1123Z))
	fmt.Fprintf(&b, "Message-ID: <%s@%s>\r\n", hex.EncodeToString(id[:]), domain)
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
	qp := quotedprintable.NewWriter(&b)
	_, _ = qp.Write([]byte(strings.ReplaceAll(text, "\n", "\r\n")))
	_ = qp.Close()
	b.WriteString("\r\n")
	return b.Bytes()
}

// Multi sends each notice through every notifier (WhatsApp and email). A buyer told through
// one channel has been told: only when every notifier failed is it an error (the notice is sent
// again later, through all of them). A channel that failed while another worked is logged, not
// retried, so a flaky mail server cannot make a buyer receive the same WhatsApp message again
// and again.
type Multi struct {
	Notifiers []Notifier
	Logger    *slog.Logger
}

// Notify sends m through each notifier.
func (mu Multi) Notify(ctx context.Context, m Message) error {
	var errs []error
	for _, n := range mu.Notifiers {
		if err := n.Notify(ctx, m); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) == len(mu.Notifiers) && len(errs) > 0 {
		return errors.Join(errs...)
	}
	for _, err := range errs {
		if mu.Logger != nil {
			mu.Logger.Warn("buyer notice: one channel failed, another delivered", "err", err)
		}
	}
	return nil
}
