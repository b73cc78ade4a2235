// Package notify tells storefront buyers what became of their invoice (issue 19): a Notifier
// sends one message to a phone number (and an email, when one was given). Log, the default,
// only logs it; Fonnte sends it by WhatsApp through a Fonnte-style HTTP gateway (POST
// {url}/send, header Authorization: TOKEN, form fields target, message, countryCode), the shape
// most Indonesian WhatsApp gateways copy.
package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Message is one notice to a buyer.
type Message struct {
	Phone string // 08…
	Email string // "" when none was given
	Text  string
}

// Notifier sends a message; an error means it was not sent (the caller tries again later).
type Notifier interface {
	Notify(ctx context.Context, m Message) error
}

// Log is the default notifier: it logs the message and sends nothing.
type Log struct{ Logger *slog.Logger }

// Notify logs m.
func (l Log) Notify(_ context.Context, m Message) error {
	l.Logger.Info("buyer notice (log notifier: nothing sent)", "phone", m.Phone, "email", m.Email, "text", m.Text)
	return nil
}

// ErrRefused is a gateway's answer that it did not send the message.
var ErrRefused = errors.New("whatsapp gateway refused the message")

// Fonnte sends WhatsApp messages through a Fonnte-style gateway.
type Fonnte struct {
	URL    string // e.g. https://api.fonnte.com/send
	Token  string // the device's token, sent as the Authorization header
	Client *http.Client
}

// Notify posts m.Text to m.Phone. A 2xx answer whose JSON says "status": false is ErrRefused.
func (f Fonnte) Notify(ctx context.Context, m Message) error {
	client := f.Client
	if client == nil {
		client = &http.Client{Timeout: 15 * time.Second}
	}
	form := url.Values{"target": {m.Phone}, "message": {m.Text}, "countryCode": {"62"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, f.URL, strings.NewReader(form.Encode()))
	if err != nil {
		return fmt.Errorf("whatsapp notice: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", f.Token)
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("whatsapp notice: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("whatsapp notice: HTTP %d: %w", resp.StatusCode, ErrRefused)
	}
	var ans struct {
		Status *bool  `json:"status"`
		Reason string `json:"reason"`
	}
	if json.Unmarshal(body, &ans) == nil && ans.Status != nil && !*ans.Status {
		return fmt.Errorf("whatsapp notice: %s: %w", ans.Reason, ErrRefused)
	}
	return nil
}
