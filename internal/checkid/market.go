package checkid

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// The market's check-ID services, as the top-up shops call them (wire and sources in
// docs/SUPPLIERS.md, "Check-ID providers"): VIP Reseller's `game-feature` `get-nickname` and
// Apigames' `cek-username`. Each answers for the games in its Games map only (ErrUnsupported for
// the rest, so the next provider is asked), and a reply that is not a clear yes or no is an
// error, never an invalid ID: a wrong key must not make every buyer's ID "not found".

// MarketConfig configures a market provider.
type MarketConfig struct {
	Name    string // as logs, results and the ledger's account name it; e.g. "vip"
	BaseURL string // VIP Reseller: "https://vip-reseller.co.id/api"; Apigames: "https://v1.apigames.id"
	ID      string // VIP Reseller: API ID; Apigames: merchant ID
	Key     string // VIP Reseller: API key; Apigames: secret key
	// Games maps a Kios product code to the provider's game code; nil takes the provider's
	// defaults (DefaultVIPGames, DefaultApigamesGames).
	Games map[string]string
	// Fee is what the provider charges per answered check, in rupiah (posted in the ledger
	// by the Checker's OnFee).
	Fee    int64
	Client *http.Client // default: http.DefaultClient (the Checker's timeout bounds each call)
}

// DefaultVIPGames are VIP Reseller's codes for the games Kios's demo catalog sells.
var DefaultVIPGames = map[string]string{
	"mobile-legends": "mobile-legends",
	"free-fire":      "free-fire",
	"genshin-impact": "genshin-impact",
	"valorant":       "valorant",
}

// DefaultApigamesGames: Apigames documents mobilelegend, freefire and higgs.
var DefaultApigamesGames = map[string]string{
	"mobile-legends": "mobilelegend",
	"free-fire":      "freefire",
	"higgs-domino":   "higgs",
}

// splitDest parses a Kios destination "USERID(ZONE)" (or a bare ID) into its two parts.
func splitDest(d string) (id, zone string) {
	if i := strings.IndexByte(d, '('); i >= 0 && strings.HasSuffix(d, ")") {
		return d[:i], d[i+1 : len(d)-1]
	}
	return d, ""
}

func md5hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

func (c *MarketConfig) client() *http.Client {
	if c.Client != nil {
		return c.Client
	}
	return http.DefaultClient
}

// do sends req and decodes a JSON answer into out; any status but 200 is an error.
func (c *MarketConfig) do(req *http.Request, out any) error {
	resp, err := c.client().Do(req)
	if err != nil {
		return fmt.Errorf("%s: %w", c.Name, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return fmt.Errorf("%s: read answer: %w", c.Name, err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: HTTP %d: %.200s", c.Name, resp.StatusCode, body)
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("%s: answer is not the expected JSON: %w", c.Name, err)
	}
	return nil
}

// VIPReseller checks IDs with VIP Reseller's game-feature API, type get-nickname.
type VIPReseller struct{ c MarketConfig }

// NewVIPReseller returns the provider; cfg.Games nil takes DefaultVIPGames.
func NewVIPReseller(cfg MarketConfig) *VIPReseller {
	if cfg.Games == nil {
		cfg.Games = DefaultVIPGames
	}
	if cfg.Name == "" {
		cfg.Name = "vip"
	}
	return &VIPReseller{c: cfg}
}

// Name is the configured name.
func (p *VIPReseller) Name() string { return p.c.Name }

// vipAnswer is game-feature's reply: result true with the nickname in data (a string; some
// answers nest it in an object), or result false with the reason in message.
type vipAnswer struct {
	Result  bool            `json:"result"`
	Data    json.RawMessage `json:"data"`
	Message string          `json:"message"`
}

// vipNotAnAnswer are result-false messages about the account or the service rather than the
// ID: a wrong key, an unlisted IP, an empty balance, maintenance. They pass the question on.
var vipNotAnAnswer = regexp.MustCompile(`(?i)\b(key|sign|signature|ip|saldo|balance|maintenance|gangguan|limit|akses|access|not active|tidak aktif|api)\b`)

// Check posts the form and reads the answer.
func (p *VIPReseller) Check(ctx context.Context, product, destination string) (Result, error) {
	game, ok := p.c.Games[product]
	if !ok {
		return Result{}, ErrUnsupported
	}
	id, zone := splitDest(destination)
	form := url.Values{"key": {p.c.Key}, "sign": {md5hex(p.c.ID + p.c.Key)}, "type": {"get-nickname"}, "code": {game}, "target": {id}}
	if zone != "" {
		form.Set("additional_target", zone)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(p.c.BaseURL, "/")+"/game-feature", strings.NewReader(form.Encode()))
	if err != nil {
		return Result{}, fmt.Errorf("%s: %w", p.c.Name, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	var a vipAnswer
	if err := p.c.do(req, &a); err != nil {
		return Result{}, err
	}
	if !a.Result {
		if a.Message == "" || vipNotAnAnswer.MatchString(a.Message) {
			return Result{}, fmt.Errorf("%s: %w: %q", p.c.Name, errNotAnAnswer, a.Message)
		}
		return Result{Valid: false, Destination: destination, Fee: p.c.Fee}, nil
	}
	nick := vipNickname(a.Data)
	if nick == "" {
		return Result{}, fmt.Errorf("%s: %w: result true without a nickname", p.c.Name, errNotAnAnswer)
	}
	return Result{Valid: true, Nickname: nick, Destination: destination, Fee: p.c.Fee}, nil
}

// vipNickname reads data as a string, or an object's nickname, username or name.
func vipNickname(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return strings.TrimSpace(s)
	}
	var o struct{ Nickname, Username, Name string }
	if json.Unmarshal(raw, &o) == nil {
		for _, v := range []string{o.Nickname, o.Username, o.Name} {
			if v = strings.TrimSpace(v); v != "" {
				return v
			}
		}
	}
	return ""
}

// errNotAnAnswer: the provider replied, but not with a yes or a no about the ID.
var errNotAnAnswer = errors.New("reply is no answer about the ID")

// Apigames checks IDs with Apigames' cek-username.
type Apigames struct{ c MarketConfig }

// NewApigames returns the provider; cfg.Games nil takes DefaultApigamesGames.
func NewApigames(cfg MarketConfig) *Apigames {
	if cfg.Games == nil {
		cfg.Games = DefaultApigamesGames
	}
	if cfg.Name == "" {
		cfg.Name = "apigames"
	}
	return &Apigames{c: cfg}
}

// Name is the configured name.
func (p *Apigames) Name() string { return p.c.Name }

// apigamesAnswer is cek-username's reply: status 1 when the check ran, data.is_valid the
// answer; status 0 (with error_msg) when it did not.
type apigamesAnswer struct {
	Status  int    `json:"status"`
	RC      int    `json:"rc"`
	Message string `json:"message"`
	Error   string `json:"error_msg"`
	Data    *struct {
		IsValid  bool   `json:"is_valid"`
		Username string `json:"username"`
	} `json:"data"`
}

// Check asks GET /merchant/{merchant}/cek-username/{game}?user_id=&signature=. Apigames takes
// a Mobile Legends ID with its zone appended (no separator), as the shops that use it send it.
func (p *Apigames) Check(ctx context.Context, product, destination string) (Result, error) {
	game, ok := p.c.Games[product]
	if !ok {
		return Result{}, ErrUnsupported
	}
	id, zone := splitDest(destination)
	q := url.Values{"user_id": {id + zone}, "signature": {md5hex(p.c.ID + p.c.Key)}}
	u := strings.TrimRight(p.c.BaseURL, "/") + "/merchant/" + url.PathEscape(p.c.ID) + "/cek-username/" + url.PathEscape(game) + "?" + q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return Result{}, fmt.Errorf("%s: %w", p.c.Name, err)
	}
	var a apigamesAnswer
	if err := p.c.do(req, &a); err != nil {
		return Result{}, err
	}
	if a.Status != 1 || a.Data == nil {
		return Result{}, fmt.Errorf("%s: %w: status %d %q", p.c.Name, errNotAnAnswer, a.Status, a.Message+a.Error)
	}
	if !a.Data.IsValid {
		return Result{Valid: false, Destination: destination, Fee: p.c.Fee}, nil
	}
	nick := strings.TrimSpace(a.Data.Username)
	if nick == "" {
		return Result{}, fmt.Errorf("%s: %w: valid without a username", p.c.Name, errNotAnAnswer)
	}
	return Result{Valid: true, Nickname: nick, Destination: destination, Fee: p.c.Fee}, nil
}
