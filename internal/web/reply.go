package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/kios-h2h/kios/client/otomax"
	"github.com/kios-h2h/kios/internal/admin"
	"github.com/kios-h2h/kios/internal/supplier"
)

// maxSampleReply bounds a sample reply pasted into the test box: replies are one line.
const maxSampleReply = 4 << 10

// replyPatterns are an otomax supplier's own patterns (empty lists: the defaults).
func replyPatterns(texts string) (otomax.PatternTexts, error) {
	if strings.TrimSpace(texts) == "" {
		return otomax.PatternTexts{}, nil
	}
	return otomax.ParsePatternTexts(texts)
}

// ReplyTest is a sample reply run through an otomax supplier's patterns.
type ReplyTest struct {
	Supplier string `json:"supplier"`
	Reply    string `json:"reply"`
	Status   string `json:"status"` // success, failed, pending, unknown
	SN       string `json:"sn"`
	Price    int64  `json:"price"`
	Balance  int64  `json:"balance"` // -1: none stated
	RefID    string `json:"ref_id"`
	// Customer: a failure the order caused (customer patterns), not the supplier's.
	Customer bool `json:"customer"`
	// Meaning says what Kios does with such a reply.
	Meaning string `json:"meaning"`
}

// testReply runs reply through supplier name's patterns, as its connector reads replies.
func (h *handler) testReply(r *http.Request, name, reply string) (*ReplyTest, error) {
	sup, err := h.svc.SupplierByName(r.Context(), name)
	if err != nil {
		return nil, err
	}
	if sup.Kind != supplier.KindOtomax {
		return nil, errors.New("only otomax suppliers read free-text replies")
	}
	t, err := replyPatterns(sup.ReplyPatterns)
	if err != nil {
		return nil, err
	}
	p, err := otomax.CompilePatterns(t)
	if err != nil {
		return nil, err
	}
	got := p.Parse(reply)
	out := &ReplyTest{Supplier: name, Reply: reply, Status: got.Status.String(), SN: got.SN, Price: got.Price, Balance: got.Balance, RefID: got.RefID,
		Customer: got.Customer}
	switch got.Status {
	case otomax.StatusSuccess:
		out.Meaning = "a success: the order settles with this SN and cost"
	case otomax.StatusFailed:
		out.Meaning = "a failure: to a purchase, nothing was bought (another supplier may sell); to a status check, only when the reply names the purchase's reference or destination"
	case otomax.StatusPending:
		out.Meaning = "pending: Kios asks again later"
	default:
		out.Meaning = "unknown: Kios asks again (check=1), never buys elsewhere, never refunds"
	}
	return out, nil
}

// replyTestPost is the test box of the suppliers page: POST /admin/suppliers/{name}/reply-test
// with reply; the page is rendered again with what the patterns read. It changes nothing.
func (h *handler) replyTestPost(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	reply := strings.TrimSpace(r.PostFormValue("reply"))
	if len(reply) > maxSampleReply {
		reply = reply[:maxSampleReply]
	}
	data := map[string]any{"Suppliers": h.suppliers(r)}
	res, err := h.testReply(r, r.PathValue("name"), reply)
	if err != nil {
		h.failed(w, r, "/admin/suppliers", err)
		return
	}
	data["Test"] = res
	h.render(w, r, id, "suppliers", "Suppliers", data)
}

// apiReplyTest is the same over the admin API: POST /admin/api/suppliers/{name}/reply-test
// with {"reply": "…"}.
func (h *handler) apiReplyTest(w http.ResponseWriter, r *http.Request, _ *admin.Identity) {
	var req struct {
		Reply string `json:"reply"`
	}
	if !decode(w, r, &req) {
		return
	}
	if len(req.Reply) > maxSampleReply {
		writeError(w, http.StatusBadRequest, "reply is longer than 4096 bytes", "reply")
		return
	}
	res, err := h.testReply(r, r.PathValue("name"), strings.TrimSpace(req.Reply))
	if err != nil {
		if errors.Is(err, supplier.ErrNotFound) {
			h.fail(w, r, err)
			return
		}
		writeError(w, http.StatusBadRequest, err.Error(), "reply")
		return
	}
	writeJSON(w, http.StatusOK, res)
}
