package admin

import (
	"context"
	"errors"
	"net/netip"
	"time"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/member"
	"github.com/kios-h2h/kios/internal/reseller"
)

func fieldErr(field, reason string) error { return &core.FieldError{Field: field, Reason: reason} }

// ResellerView is a reseller as admins see it: never its token hash or api key.
type ResellerView struct {
	ID          int64    `json:"id"`
	Username    string   `json:"username"`
	Name        string   `json:"name"`
	Email       string   `json:"email"`
	Phone       string   `json:"phone"`
	Membership  string   `json:"membership"`
	Status      string   `json:"status"`
	CallbackURL string   `json:"callback_url"`
	AllowIPs    []string `json:"allow_ips"`
	Balance     int64    `json:"balance"`
	Held        int64    `json:"held"`
	// Slots is how many balance slots the balance is split into (0: none); Balance and Held
	// are the sums over them.
	Slots     int       `json:"slots"`
	CreatedAt time.Time `json:"created_at"`
}

func viewOf(r *reseller.Reseller, balance, held int64) ResellerView {
	ips := make([]string, 0, len(r.AllowIPs))
	for _, p := range r.AllowIPs {
		ips = append(ips, p.String())
	}
	return ResellerView{ID: r.ID, Username: r.Username, Name: r.Name, Email: r.Email, Phone: r.Phone, Membership: r.Membership,
		Status: string(r.Status), CallbackURL: r.CallbackURL, AllowIPs: ips, Balance: balance, Held: held, Slots: r.Slots, CreatedAt: r.CreatedAt}
}

// Resellers lists every reseller with balances.
func (s *Service) Resellers(ctx context.Context) ([]ResellerView, error) {
	list, err := s.svc.ResellerList(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]ResellerView, 0, len(list))
	for i := range list {
		out = append(out, viewOf(&list[i].Reseller, list[i].Balance, list[i].Held))
	}
	return out, nil
}

// Reseller finds one reseller with balances.
func (s *Service) Reseller(ctx context.Context, username string) (ResellerView, error) {
	r, err := s.svc.ResellerByUsername(ctx, username)
	if err != nil {
		return ResellerView{}, err
	}
	bal, err := s.svc.AccountBalance(ctx, ledger.AvailableCode(r.ID))
	if err != nil {
		return ResellerView{}, err
	}
	held, err := s.svc.AccountBalance(ctx, ledger.HeldCode(r.ID))
	if err != nil {
		return ResellerView{}, err
	}
	return viewOf(r, bal, held), nil
}

// CreateReseller creates a reseller; its token and api key are in the result, shown once.
func (s *Service) CreateReseller(ctx context.Context, by Actor, n core.NewReseller) (core.Credentials, error) {
	cr, err := s.svc.CreateReseller(ctx, n)
	if err != nil {
		return cr, err
	}
	s.audit(ctx, by, "reseller.create", "reseller:"+cr.Reseller.Username, nil, viewOf(cr.Reseller, 0, 0))
	cr.Password, err = member.SetPassword(ctx, s.svc, cr.Reseller.Username, s.opts.BcryptCost)
	if err != nil {
		return cr, err
	}
	return cr, nil
}

// SetResellerPassword gives a reseller a new member-area password, returned once; its member
// sessions end.
func (s *Service) SetResellerPassword(ctx context.Context, by Actor, username string) (string, error) {
	pw, err := member.SetPassword(ctx, s.svc, username, s.opts.BcryptCost)
	if err != nil {
		return "", err
	}
	s.audit(ctx, by, "reseller.set-password", "reseller:"+username, nil, map[string]string{"password": "set"})
	return pw, nil
}

// RotateToken gives a reseller a new token, returned once.
func (s *Service) RotateToken(ctx context.Context, by Actor, username string) (core.Credentials, error) {
	cr, err := s.svc.RotateToken(ctx, username)
	if err != nil {
		return cr, err
	}
	s.audit(ctx, by, "reseller.rotate-token", "reseller:"+username, nil, map[string]string{"token": "rotated"})
	return cr, nil
}

// RotateAPIKey gives a reseller a new api key, returned once.
func (s *Service) RotateAPIKey(ctx context.Context, by Actor, username string) (core.Credentials, error) {
	cr, err := s.svc.RotateAPIKey(ctx, username)
	if err != nil {
		return cr, err
	}
	s.audit(ctx, by, "reseller.rotate-api-key", "reseller:"+username, nil, map[string]string{"api_key": "rotated"})
	return cr, nil
}

// AllowIP adds a CIDR or address to a reseller's allowlist; deny removes it instead.
func (s *Service) AllowIP(ctx context.Context, by Actor, username, cidr string, deny bool) (ResellerView, error) {
	p, err := reseller.ParsePrefix(cidr)
	if err != nil {
		return ResellerView{}, fieldErr("cidr", "must be an IP address or CIDR")
	}
	return s.changeReseller(ctx, by, username, map[bool]string{false: "reseller.allow-ip", true: "reseller.deny-ip"}[deny],
		func() error {
			if deny {
				return s.svc.DenyIP(ctx, username, p)
			}
			return s.svc.AllowIP(ctx, username, p)
		})
}

// SetStatus suspends or resumes a reseller.
func (s *Service) SetStatus(ctx context.Context, by Actor, username string, st reseller.Status) (ResellerView, error) {
	if st != reseller.Active && st != reseller.Suspended {
		return ResellerView{}, fieldErr("status", "must be active or suspended")
	}
	action := "reseller.resume"
	if st == reseller.Suspended {
		action = "reseller.suspend"
	}
	return s.changeReseller(ctx, by, username, action, func() error { return s.svc.SetStatus(ctx, username, st) })
}

// SetMembership moves a reseller to another price tier.
func (s *Service) SetMembership(ctx context.Context, by Actor, username, tier string) (ResellerView, error) {
	return s.changeReseller(ctx, by, username, "reseller.membership", func() error { return s.svc.SetMembership(ctx, username, tier) })
}

// SetBalanceSlots splits a reseller's balance into slots (0: none; core.Service.SetBalanceSlots).
func (s *Service) SetBalanceSlots(ctx context.Context, by Actor, username string, slots int) (ResellerView, error) {
	return s.changeReseller(ctx, by, username, "reseller.slots", func() error { return s.svc.SetBalanceSlots(ctx, username, slots) })
}

// SetCallback sets a reseller's callback URL.
func (s *Service) SetCallback(ctx context.Context, by Actor, username, url string) (ResellerView, error) {
	return s.changeReseller(ctx, by, username, "reseller.callback", func() error { return s.svc.SetCallback(ctx, username, url) })
}

func (s *Service) changeReseller(ctx context.Context, by Actor, username, action string, change func() error) (ResellerView, error) {
	before, err := s.Reseller(ctx, username)
	if err != nil {
		return ResellerView{}, err
	}
	if err := change(); err != nil {
		return ResellerView{}, err
	}
	after, err := s.Reseller(ctx, username)
	if err != nil {
		return ResellerView{}, err
	}
	s.audit(ctx, by, action, "reseller:"+username, before, after)
	return after, nil
}

// Deposit credits (or, with m.Debit, takes back) a reseller's balance. With m.Reference, a
// repeat of the same move moves nothing and is not audited again (Repeated).
func (s *Service) Deposit(ctx context.Context, by Actor, m core.DepositMove) (core.DepositResult, error) {
	before, err := s.Reseller(ctx, m.Username)
	if err != nil {
		return core.DepositResult{}, err
	}
	note := m.Note
	// The posting's memo names the admin too, so the ledger alone says who moved the money.
	m.Note = note + " (by " + by.Name + ")"
	action := "deposit.credit"
	if m.Debit {
		action = "deposit.debit"
	}
	res, err := s.svc.MoveDeposit(ctx, m)
	if errors.Is(err, core.ErrAmount) {
		return core.DepositResult{}, fieldErr("amount", "must be a positive number of rupiah")
	}
	if err != nil {
		return core.DepositResult{}, err
	}
	if !res.Repeated {
		after := map[string]any{"balance": res.Balance, "amount": m.Amount, "note": note}
		if m.Reference != "" {
			after["reference"] = m.Reference
		}
		s.audit(ctx, by, action, "reseller:"+m.Username, map[string]any{"balance": before.Balance}, after)
	}
	return res, nil
}

// AllowPrefix parses an allowlist entry for a new reseller.
func AllowPrefix(s string) (netip.Prefix, error) { return reseller.ParsePrefix(s) }
