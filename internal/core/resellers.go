package core

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/kios-h2h/kios/internal/callbackurl"
	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/reseller"
	"github.com/kios-h2h/kios/internal/store"
)

// NewReseller is what creating a reseller takes.
type NewReseller struct {
	Username   string // derived from Name when empty
	Name       string
	Email      string
	Phone      string
	Membership string // catalog.DefaultTier when empty
	AllowIPs   []netip.Prefix
	// Upline, when set, makes the reseller a downline of that username (issue 21), charged
	// Markup rupiah over the upline's price by default.
	Upline string
	Markup int64
}

// Credentials are shown once, at creation or rotation.
type Credentials struct {
	Reseller *reseller.Reseller
	Token    string
	APIKey   string
	// Password is the member-area password, when the caller also made one (package member).
	Password string
}

// CreateReseller creates a reseller with a fresh token and api key, and its ledger accounts.
func (s *Service) CreateReseller(ctx context.Context, n NewReseller) (Credentials, error) {
	n.Name = strings.TrimSpace(n.Name)
	if n.Name == "" {
		return Credentials{}, &FieldError{"name", "is required"}
	}
	if err := plainText("name", n.Name, "email", n.Email, "phone", n.Phone, "membership", n.Membership); err != nil {
		return Credentials{}, err
	}
	if n.Membership == "" {
		n.Membership = catalog.DefaultTier
	}
	explicit := n.Username != ""
	if explicit {
		if err := reseller.ValidateUsername(n.Username); err != nil {
			return Credentials{}, &FieldError{"username", err.Error()}
		}
	} else {
		n.Username = reseller.UsernameFrom(n.Name)
	}
	var tree store.Downline
	if n.Upline != "" {
		var err error
		if tree, err = s.downlinePlace(ctx, n.Upline, n.Markup); err != nil {
			return Credentials{}, err
		}
	} else if n.Markup != 0 {
		return Credentials{}, &FieldError{"markup", "needs an upline"}
	}
	token, key := reseller.NewToken(), reseller.NewAPIKey()
	base := n.Username
	for i := 0; ; i++ {
		r := &reseller.Reseller{
			Username: n.Username, Name: n.Name, Email: n.Email, Phone: n.Phone, Membership: n.Membership,
			Status: reseller.Active, TokenHash: reseller.HashToken(token), APIKey: key, AllowIPs: n.AllowIPs,
		}
		err := s.db.Batch(ctx, func(tx *store.Tx) error {
			if err := tx.ResellerInsert(ctx, r); err != nil || n.Upline == "" {
				return err
			}
			tree.ResellerID = r.ID
			if err := tx.DownlineInsert(ctx, tree); err != nil {
				return err
			}
			// Created now, outside any settlement (CommissionAccountEnsure).
			_, err := tx.CommissionAccountEnsure(ctx, tree.UplineID)
			return err
		})
		if err == nil {
			s.log.Info("reseller created", "reseller", r.Username)
			return Credentials{Reseller: r, Token: token, APIKey: key}, nil
		}
		if !errors.Is(err, reseller.ErrUsernameTaken) || explicit || i >= 50 {
			return Credentials{}, fmt.Errorf("create reseller %s: %w", n.Username, err)
		}
		n.Username = base + strconv.Itoa(i+2)
	}
}

// Reseller finds a reseller by username (the signed dialects authenticate this way).
func (s *Service) Reseller(ctx context.Context, username string) (*reseller.Reseller, error) {
	return s.cachedReseller(ctx, false, username)
}

// Authenticate finds the reseller a bearer token belongs to. It returns reseller.ErrNotFound for
// an unknown token. The lookup is by hash; the constant-time comparison guards the last step.
func (s *Service) Authenticate(ctx context.Context, token string) (*reseller.Reseller, error) {
	if token == "" {
		return nil, reseller.ErrNotFound
	}
	r, err := s.cachedReseller(ctx, true, reseller.HashToken(token))
	if err != nil {
		return nil, err
	}
	if !reseller.TokenMatches(token, r.TokenHash) {
		return nil, reseller.ErrNotFound
	}
	return r, nil
}

// RotateToken gives a reseller a new token; the old one stops working at once.
func (s *Service) RotateToken(ctx context.Context, username string) (Credentials, error) {
	r, err := s.db.ResellerByUsername(ctx, username)
	if err != nil {
		return Credentials{}, err
	}
	token := reseller.NewToken()
	if err := s.db.Batch(ctx, func(tx *store.Tx) error { return tx.ResellerSetTokenHash(ctx, r.ID, reseller.HashToken(token)) }); err != nil {
		return Credentials{}, fmt.Errorf("rotate token of %s: %w", username, err)
	}
	r.TokenHash = reseller.HashToken(token)
	return Credentials{Reseller: r, Token: token}, nil
}

// RotateAPIKey gives a reseller a new api key for signs.
func (s *Service) RotateAPIKey(ctx context.Context, username string) (Credentials, error) {
	r, err := s.db.ResellerByUsername(ctx, username)
	if err != nil {
		return Credentials{}, err
	}
	key := reseller.NewAPIKey()
	if err := s.db.Batch(ctx, func(tx *store.Tx) error { return tx.ResellerSetAPIKey(ctx, r.ID, key) }); err != nil {
		return Credentials{}, fmt.Errorf("rotate api key of %s: %w", username, err)
	}
	r.APIKey = key
	return Credentials{Reseller: r, APIKey: key}, nil
}

// AllowIP adds a CIDR to a reseller's allowlist.
func (s *Service) AllowIP(ctx context.Context, username string, p netip.Prefix) error {
	return s.withReseller(ctx, username, func(tx *store.Tx, r *reseller.Reseller) error { return tx.ResellerAllowIP(ctx, r.ID, p) })
}

// DenyIP removes a CIDR from a reseller's allowlist.
func (s *Service) DenyIP(ctx context.Context, username string, p netip.Prefix) error {
	return s.withReseller(ctx, username, func(tx *store.Tx, r *reseller.Reseller) error { return tx.ResellerDenyIP(ctx, r.ID, p) })
}

// SetStatus suspends or resumes a reseller.
func (s *Service) SetStatus(ctx context.Context, username string, st reseller.Status) error {
	return s.withReseller(ctx, username, func(tx *store.Tx, r *reseller.Reseller) error { return tx.ResellerSetStatus(ctx, r.ID, st) })
}

// SetMembership moves a reseller to another price tier.
func (s *Service) SetMembership(ctx context.Context, username, tier string) error {
	if strings.TrimSpace(tier) == "" {
		return &FieldError{"membership", "is required"}
	}
	return s.withReseller(ctx, username, func(tx *store.Tx, r *reseller.Reseller) error { return tx.ResellerSetMembership(ctx, r.ID, tier) })
}

// SetCallback sets a reseller's callback URL ("" removes it). A URL that CheckCallbackURL refuses
// is a FieldError of "url", saying why.
func (s *Service) SetCallback(ctx context.Context, username, url string) error {
	if url != "" {
		if err := s.CheckCallbackURL(url); err != nil {
			return &FieldError{Field: "url", Reason: strings.TrimPrefix(err.Error(), ErrCallbackURL.Error()+": ")}
		}
	}
	return s.withReseller(ctx, username, func(tx *store.Tx, r *reseller.Reseller) error { return tx.ResellerSetCallback(ctx, r.ID, url) })
}

// SetBalanceSlots splits a reseller's balance into slots more lock domains (0 to
// ledger.MaxSlots; 0 undoes the split) and shares its available balance out to them, so that
// that many more write loops take its orders at once (issue 23; docs/ARCHITECTURE.md, "One hot
// reseller"). For the few resellers whose traffic one write loop cannot carry.
func (s *Service) SetBalanceSlots(ctx context.Context, username string, slots int) error {
	if slots < 0 || slots > ledger.MaxSlots {
		return &FieldError{"slots", fmt.Sprintf("must be between 0 and %d", ledger.MaxSlots)}
	}
	r, err := s.db.ResellerByUsername(ctx, username)
	if err != nil {
		return err
	}
	// Under the reseller's own key, which covers all of its slots.
	err = s.inReseller(ctx, r.ID, func(tx *store.Tx) error {
		if err := tx.ResellerSlotsSet(ctx, r.ID, slots); err != nil {
			return err
		}
		return tx.SlotsSpread(ctx, r.ID, slots)
	})
	if err != nil {
		return fmt.Errorf("reseller %s: %w", username, err)
	}
	return nil
}

func (s *Service) withReseller(ctx context.Context, username string, fn func(*store.Tx, *reseller.Reseller) error) error {
	r, err := s.db.ResellerByUsername(ctx, username)
	if err != nil {
		return err
	}
	if err := s.db.Batch(ctx, func(tx *store.Tx) error { return fn(tx, r) }); err != nil {
		return fmt.Errorf("reseller %s: %w", username, err)
	}
	return nil
}

// Balance is a reseller's available balance: what it can spend now.
func (s *Service) Balance(ctx context.Context, resellerID int64) (int64, error) {
	return s.db.Balance(ctx, ledger.AvailableCode(resellerID))
}

// ErrAmount is returned for a deposit amount that is not positive, or above ledger.MaxAmount.
var ErrAmount = errors.New("amount must be a positive number of rupiah")

// Credit adds money a reseller paid in, as a posting from the deposits account.
func (s *Service) Credit(ctx context.Context, username string, amount int64, note string) (int64, error) {
	res, err := s.MoveDeposit(ctx, DepositMove{Username: username, Amount: amount, Note: note})
	return res.Balance, err
}

// Debit takes money back from a reseller's available balance (a correction). It fails with
// order.ErrInsufficientBalance rather than leave the balance negative.
func (s *Service) Debit(ctx context.Context, username string, amount int64, note string) (int64, error) {
	res, err := s.MoveDeposit(ctx, DepositMove{Username: username, Amount: amount, Note: note, Debit: true})
	return res.Balance, err
}

// DepositMove is a manual credit (or, with Debit, a debit) of a reseller's available balance.
type DepositMove struct {
	Username string
	Amount   int64
	Note     string // kept on the ledger posting
	Debit    bool
	// Reference, when set, makes the move idempotent for this reseller: a second move under it
	// moves nothing (the same amount and direction) or fails with ErrDepositReference.
	Reference string
}

// DepositResult is a move's outcome.
type DepositResult struct {
	Balance  int64 // the reseller's available balance after it
	Repeated bool  // the reference was used already for this very move: nothing moved now
}

// ErrDepositReference is returned for a reference already used for a different move.
var ErrDepositReference = errors.New("reference already used for a different amount or direction")

// MoveDeposit credits or debits a reseller, as a posting with the deposits account.
func (s *Service) MoveDeposit(ctx context.Context, m DepositMove) (DepositResult, error) {
	if m.Amount <= 0 || m.Amount > ledger.MaxAmount {
		return DepositResult{}, ErrAmount
	}
	if m.Reference != "" {
		if err := order.ValidateReference(m.Reference); err != nil {
			return DepositResult{}, &FieldError{"reference", err.Error()}
		}
	}
	r, err := s.db.ResellerByUsername(ctx, m.Username)
	if err != nil {
		return DepositResult{}, err
	}
	var out DepositResult
	err = s.inReseller(ctx, r.ID, func(tx *store.Tx) error {
		out = DepositResult{}
		ra, err := s.resellerAccounts(ctx, tx, r.ID)
		if err != nil {
			return err
		}
		txn := "deposit:" + reseller.NewSecret(8)
		if m.Reference != "" {
			claimed, prev, err := tx.DepositRefClaim(ctx, r.ID, m.Reference, store.DepositRef{Amount: m.Amount, Credit: !m.Debit, Txn: txn})
			if err != nil {
				return err
			}
			if !claimed {
				if prev.Amount != m.Amount || prev.Credit == m.Debit {
					return ErrDepositReference
				}
				out.Repeated = true
				out.Balance, err = tx.Balance(ctx, ledger.AvailableCode(r.ID))
				return err
			}
		}
		if m.Debit {
			err = tx.Transfer(ctx, txn, ra.available, s.sys.deposits, m.Amount, "debit: "+m.Note)
		} else {
			err = tx.Transfer(ctx, txn, s.sys.deposits, ra.available, m.Amount, "credit: "+m.Note)
		}
		if errors.Is(err, store.ErrInsufficientFunds) {
			return order.ErrInsufficientBalance
		}
		if err != nil {
			return err
		}
		out.Balance, err = tx.Balance(ctx, ledger.AvailableCode(r.ID))
		return err
	})
	if err != nil {
		return DepositResult{}, fmt.Errorf("deposit %s: %w", m.Username, err)
	}
	s.log.Info("deposit", "reseller", m.Username, "amount", m.Amount, "credit", !m.Debit, "balance", out.Balance,
		"reference", m.Reference, "repeated", out.Repeated)
	return out, nil
}

// ErrCallbackURL is a callback URL Kios will not POST to.
var ErrCallbackURL = errors.New("callback URL refused")

// CheckCallbackURL checks a callback URL as it is set (a reseller's, an order's cb_url), so a bad
// one is refused at once with a clear reason instead of failing delivery for a day: an absolute
// http(s) URL whose host is not a special-purpose address (see Config.CallbackPublicOnly).
func (s *Service) CheckCallbackURL(url string) error {
	if err := callbackurl.Check(url, !s.callbackPublicOnly); err != nil {
		return fmt.Errorf("%w: %w", ErrCallbackURL, err)
	}
	return nil
}
