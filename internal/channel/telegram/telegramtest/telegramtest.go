// Package telegramtest is a local fake of the Telegram Bot API (https://core.telegram.org/bots/api),
// enough for the text channel's tests: getMe, getUpdates (long polling with offsets, refused
// while a webhook is set, as Telegram does), setWebhook, deleteWebhook and sendMessage, at
// {base}/bot{token}/{method}, taking form, multipart or JSON parameters and answering
// {"ok":true,"result":…} or {"ok":false,"error_code":N,"description":"…"}.
package telegramtest

import (
	"encoding/json"
	"mime"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Sent is a message the bot sent.
type Sent struct {
	ChatID  int64
	Text    string
	ReplyTo int // reply_parameters.message_id; 0 for none
}

// Server is the fake Bot API.
type Server struct {
	URL   string
	Token string

	mu        sync.Mutex
	updates   []map[string]any // not yet confirmed by an offset
	nextID    int64
	sent      []Sent
	webhook   string
	secret    string
	polls     int
	news      chan struct{} // signalled on a new update or sent message
	failSends int
}

// New starts a fake for a bot with token, closed when the test ends.
func New(t testing.TB, token string) *Server {
	s := &Server{Token: token, nextID: 1000, news: make(chan struct{}, 1)}
	srv := httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(srv.Close)
	s.URL = srv.URL
	return s
}

func (s *Server) signal() {
	select {
	case s.news <- struct{}{}:
	default:
	}
}

// Message queues a text message from user from in chat (a private chat when chat == from),
// sent at date, and returns its update.
func (s *Server) Message(chat, from int64, msgID int, text string, date time.Time) map[string]any {
	chatType := "private"
	if chat != from {
		chatType = "group"
	}
	msg := map[string]any{
		"message_id": msgID,
		"from":       map[string]any{"id": from, "is_bot": false, "first_name": "Budi"},
		"chat":       map[string]any{"id": chat, "type": chatType},
		"date":       date.Unix(),
		"text":       text,
	}
	return s.Push(msg)
}

// Push queues an update holding message msg (any shape, for odd cases) and returns it.
func (s *Server) Push(msg map[string]any) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID++
	u := map[string]any{"update_id": s.nextID, "message": msg}
	s.updates = append(s.updates, u)
	s.signal()
	return u
}

// Redeliver queues an update again under the same update_id, as Telegram does when a fetch
// was not confirmed.
func (s *Server) Redeliver(u map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.updates = append(s.updates, u)
	s.signal()
}

// FailSends makes the next n sendMessage calls fail with 502 (a flaky network).
func (s *Server) FailSends(n int) {
	s.mu.Lock()
	s.failSends = n
	s.mu.Unlock()
}

// Sent returns the messages sent so far.
func (s *Server) Sent() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Sent(nil), s.sent...)
}

// Webhook returns the webhook URL and secret token set, if any.
func (s *Server) Webhook() (string, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.webhook, s.secret
}

// Polls counts getUpdates calls.
func (s *Server) Polls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.polls
}

// WaitSent waits until at least n messages were sent and returns them.
func (s *Server) WaitSent(t testing.TB, n int) []Sent {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		if got := s.Sent(); len(got) >= n {
			return got
		}
		select {
		case <-s.news:
		case <-time.After(50 * time.Millisecond):
		case <-deadline:
			t.Fatalf("waited for %d sent messages, have %+v", n, s.Sent())
		}
	}
}

// WaitFor waits until cond holds (checked on every change and every 50 ms).
func (s *Server) WaitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for !cond() {
		select {
		case <-s.news:
		case <-time.After(50 * time.Millisecond):
		case <-deadline:
			t.Fatalf("waited for %s", what)
		}
	}
}

func (s *Server) reply(w http.ResponseWriter, result any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "result": result})
}

func fail(w http.ResponseWriter, code int, desc string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]any{"ok": false, "error_code": code, "description": desc})
}

// params reads a method's parameters from a query, a form (urlencoded or multipart) or JSON.
func params(r *http.Request) (map[string]string, error) {
	out := map[string]string{}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		var m map[string]any
		if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
			return nil, err
		}
		for k, v := range m {
			if s, ok := v.(string); ok {
				out[k] = s
			} else {
				b, _ := json.Marshal(v)
				out[k] = string(b)
			}
		}
		return out, nil
	case "multipart/form-data":
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			return nil, err
		}
	default:
		if err := r.ParseForm(); err != nil {
			return nil, err
		}
	}
	for k, v := range r.Form {
		out[k] = v[0]
	}
	return out, nil
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	token, method, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 {
		fail(w, http.StatusNotFound, "Not Found")
		return
	}
	if token != s.Token {
		fail(w, http.StatusUnauthorized, "Unauthorized")
		return
	}
	p, err := params(r)
	if err != nil {
		fail(w, http.StatusBadRequest, "Bad Request: "+err.Error())
		return
	}
	switch method {
	case "getMe":
		id, _ := strconv.ParseInt(strings.Split(token, ":")[0], 10, 64)
		s.reply(w, map[string]any{"id": id, "is_bot": true, "first_name": "Kios", "username": "kios_bot"})
	case "getUpdates":
		s.getUpdates(w, r, p)
	case "setWebhook":
		if p["url"] == "" || !strings.HasPrefix(p["url"], "https://") && !strings.HasPrefix(p["url"], "http://") {
			fail(w, http.StatusBadRequest, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
			return
		}
		s.mu.Lock()
		s.webhook, s.secret = p["url"], p["secret_token"]
		s.mu.Unlock()
		s.signal()
		s.reply(w, true)
	case "deleteWebhook":
		s.mu.Lock()
		s.webhook, s.secret = "", ""
		s.mu.Unlock()
		s.reply(w, true)
	case "sendMessage":
		s.sendMessage(w, p)
	default:
		fail(w, http.StatusNotFound, "Not Found: method not found")
	}
}

func (s *Server) getUpdates(w http.ResponseWriter, r *http.Request, p map[string]string) {
	offset, _ := strconv.ParseInt(p["offset"], 10, 64)
	timeout, _ := strconv.Atoi(p["timeout"])
	deadline := time.After(time.Duration(timeout) * time.Second)
	for {
		s.mu.Lock()
		s.polls++
		if s.webhook != "" {
			s.mu.Unlock()
			fail(w, http.StatusConflict, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first")
			return
		}
		// An offset confirms every update below it.
		kept := s.updates[:0]
		for _, u := range s.updates {
			if u["update_id"].(int64) >= offset {
				kept = append(kept, u)
			}
		}
		s.updates = kept
		out := append([]map[string]any(nil), kept...)
		s.mu.Unlock()
		if len(out) > 0 || timeout == 0 {
			s.reply(w, out)
			return
		}
		select {
		case <-s.news:
		case <-time.After(50 * time.Millisecond):
		case <-deadline:
			s.reply(w, []any{})
			return
		case <-r.Context().Done():
			return
		}
	}
}

func (s *Server) sendMessage(w http.ResponseWriter, p map[string]string) {
	chat, err := strconv.ParseInt(p["chat_id"], 10, 64)
	if err != nil {
		fail(w, http.StatusBadRequest, "Bad Request: chat not found")
		return
	}
	if strings.TrimSpace(p["text"]) == "" {
		fail(w, http.StatusBadRequest, "Bad Request: message text is empty")
		return
	}
	if len([]rune(p["text"])) > 4096 {
		fail(w, http.StatusBadRequest, "Bad Request: message is too long")
		return
	}
	var rp struct {
		MessageID int `json:"message_id"`
	}
	if v := p["reply_parameters"]; v != "" {
		if err := json.Unmarshal([]byte(v), &rp); err != nil {
			fail(w, http.StatusBadRequest, "Bad Request: can't parse reply parameters JSON object")
			return
		}
	}
	s.mu.Lock()
	if s.failSends > 0 {
		s.failSends--
		s.mu.Unlock()
		fail(w, http.StatusBadGateway, "Bad Gateway")
		return
	}
	s.sent = append(s.sent, Sent{ChatID: chat, Text: p["text"], ReplyTo: rp.MessageID})
	n := len(s.sent)
	s.mu.Unlock()
	s.signal()
	s.reply(w, map[string]any{"message_id": 5000 + n, "chat": map[string]any{"id": chat, "type": "private"}, "date": time.Now().Unix(), "text": p["text"]})
}
