package payment

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
)

// moota reads Moota-style bank mutation webhooks (https://moota.co, API v2 "Webhook"): a POST
// whose body is a JSON array of mutations, signed in the Signature header with hex
// HMAC-SHA256(raw body, the webhook's secret token). Each credit ("CR") mutation becomes a
// Notice matched to an open ticket by its unique amount; debits are ignored.
type moota struct{ c Config }

// MootaSignatureHeader carries the body's signature.
const MootaSignatureHeader = "Signature"

type mootaMutation struct {
	MutationID    any `json:"mutation_id"`
	AccountNumber any `json:"account_number"`
	Date          any `json:"date"`
	Description   any `json:"description"`
	Note          any `json:"note"`
	Amount        any `json:"amount"`
	Type          any `json:"type"`
	Balance       any `json:"balance"`
}

// MaxMutations bounds one webhook's batch.
const MaxMutations = 500

func (m *moota) Create(context.Context, Charge) (*Instructions, error) { return nil, ErrNoCreate }

func (m *moota) Callback(_ context.Context, h http.Header, body []byte) ([]Notice, error) {
	if !equalHex(h.Get(MootaSignatureHeader), HMACSHA256(m.c.Secret, body)) {
		return nil, ErrSignature
	}
	var muts []mootaMutation
	if err := jsonBody(h, body, &muts); err != nil {
		return nil, err
	}
	if len(muts) > MaxMutations {
		return nil, malformed("%d mutations in one webhook, at most %d", len(muts), MaxMutations)
	}
	seen := map[string]bool{}
	var out []Notice
	for i, mu := range muts {
		id, err := text("mutation_id", mu.MutationID, true)
		if err != nil {
			return nil, malformed("mutation %d: %v", i, err)
		}
		typ, err := text("type", mu.Type, true)
		if err != nil {
			return nil, malformed("mutation %d: %v", i, err)
		}
		desc, err := text("description", mu.Description, false)
		if err != nil {
			desc = ""
		}
		amount, err := rupiah("amount", mu.Amount, false)
		if err != nil {
			return nil, malformed("mutation %d: %v", i, err)
		}
		switch strings.ToUpper(typ) {
		case "CR":
		case "DB":
			continue
		default:
			return nil, malformed("mutation %d: type %q, want CR or DB", i, typ)
		}
		if seen[id] {
			continue
		}
		seen[id] = true
		out = append(out, Notice{Reference: id, Status: Paid, Amount: amount, Mutation: true, Method: "transfer", Detail: desc})
	}
	return out, nil
}

func (m *moota) Ack() (string, string) { return "application/json", `{"success":true}` }

// MootaWebhookBody builds a webhook body of credit mutations, as Moota sends it.
func MootaWebhookBody(muts ...MootaMutationSpec) []byte {
	var arr []map[string]any
	for _, m := range muts {
		typ := m.Type
		if typ == "" {
			typ = "CR"
		}
		arr = append(arr, map[string]any{"mutation_id": m.ID, "bank_id": "Vd4Rk2y8", "account_number": "1234567890", "bank_type": "bca",
			"date": "2026-12-05 20:10:00", "description": m.Description, "note": "", "amount": m.Amount, "type": typ, "balance": 5000000,
			"created_at": "2026-12-05 20:10:00", "updated_at": "2026-12-05 20:10:00", "token": "abc"})
	}
	b, _ := json.Marshal(arr)
	return b
}

// MootaMutationSpec is one mutation for MootaWebhookBody.
type MootaMutationSpec struct {
	ID          string
	Amount      int64
	Type        string // "CR" (default) or "DB"
	Description string
}
