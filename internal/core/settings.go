package core

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/kios-h2h/kios/internal/store"
)

// SettingSellerName is the seller_name the Digiflazz dialect's price list gives every product.
const SettingSellerName = "seller_name"

// Setting describes one of the operator's settings.
type Setting struct {
	Name    string `json:"name"`
	Value   string `json:"value"`   // the value in force: the operator's, or the default
	Default string `json:"default"` // the value when the operator has set none
	Set     bool   `json:"set"`     // the operator has set it
	Help    string `json:"help"`
	// check, if set, validates a value the operator sets.
	check func(string) error
}

// settingDefs are the settings there are, with their defaults.
var settingDefs = map[string]Setting{
	SettingSellerName: {Default: "KIOS", Help: "seller_name in the Digiflazz dialect's price list"},
	SettingRoutingPolicy: {Default: string(PolicyCheapest),
		Help:  "how suppliers of the same priority are ordered: cheapest, fastest, most_reliable or balanced (a product's own policy overrides it)",
		check: func(v string) error { _, err := ParseRoutingPolicy(v); return err }},
}

// ErrUnknownSetting is a setting name Kios does not have.
var ErrUnknownSetting = errors.New("unknown setting")

// Settings lists every setting with its value in force, by name.
func (s *Service) Settings(ctx context.Context) ([]Setting, error) {
	set, err := s.db.Settings(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Setting, 0, len(settingDefs))
	for name, d := range settingDefs {
		d.Name, d.Value = name, d.Default
		if v, ok := set[name]; ok {
			d.Value, d.Set = v, true
		}
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// SetSetting sets a setting; an empty value gives it its default again. The change commits with
// the audit row on ctx (store.WithAudit).
func (s *Service) SetSetting(ctx context.Context, name, value string) error {
	def, ok := settingDefs[name]
	if !ok {
		return fmt.Errorf("%w %q (known: %s)", ErrUnknownSetting, name, strings.Join(settingNames(), ", "))
	}
	value = strings.TrimSpace(value)
	if def.check != nil && value != "" {
		if err := def.check(value); err != nil {
			return err
		}
	}
	if err := plainText(name, value); err != nil {
		return err
	}
	if utf8.RuneCountInString(value) > 64 {
		return &FieldError{name, "must be at most 64 characters"}
	}
	return s.db.Batch(ctx, func(tx *store.Tx) error {
		if value == "" {
			_, err := tx.SettingClear(ctx, name)
			return err
		}
		return tx.SettingPut(ctx, name, value)
	})
}

func settingNames() []string {
	names := make([]string, 0, len(settingDefs))
	for n := range settingDefs {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// SellerName is the seller_name in force, read on every call so a change shows at once.
func (s *Service) SellerName(ctx context.Context) (string, error) {
	v, ok, err := s.db.Setting(ctx, SettingSellerName)
	if err != nil || !ok {
		return settingDefs[SettingSellerName].Default, err
	}
	return v, nil
}

// BankAccount is an account of the distributor's that resellers transfer deposits to: the deposit
// endpoints, the member area's Deposit page and the text channels' ticket name it.
type BankAccount struct {
	Bank          string `json:"bank"`
	AccountNo     string `json:"account_no"`
	Holder        string `json:"holder,omitempty"`
	PaymentMethod string `json:"payment_method"`
}

// BankSource lists the distributor's bank accounts.
type BankSource interface {
	BankAccounts(ctx context.Context) ([]BankAccount, error)
}

// Banks is a fixed list of accounts: a BankSource for tests.
type Banks []BankAccount

// BankAccounts returns the list.
func (b Banks) BankAccounts(context.Context) ([]BankAccount, error) { return b, nil }

// DefaultPaymentMethod is an account's payment_method when the operator gives none.
const DefaultPaymentMethod = "Transfer Bank"

// BankAccounts lists the distributor's accounts, in the order they were added, read on every call
// so a change shows at once: the Service is the BankSource the server gives its dialects and pages.
func (s *Service) BankAccounts(ctx context.Context) ([]BankAccount, error) {
	rows, err := s.db.BankAccounts(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]BankAccount, len(rows))
	for i, r := range rows {
		out[i] = BankAccount{Bank: r.Bank, AccountNo: r.AccountNo, Holder: r.Holder, PaymentMethod: r.PaymentMethod}
		if out[i].PaymentMethod == "" {
			out[i].PaymentMethod = DefaultPaymentMethod
		}
	}
	return out, nil
}

// AddBankAccount adds the account of a bank (its name kept upper case), or replaces the bank's
// account. The change commits with the audit row on ctx.
func (s *Service) AddBankAccount(ctx context.Context, a BankAccount) (BankAccount, error) {
	a.Bank = strings.ToUpper(strings.TrimSpace(a.Bank))
	a.AccountNo = strings.TrimSpace(a.AccountNo)
	a.Holder = strings.TrimSpace(a.Holder)
	a.PaymentMethod = strings.TrimSpace(a.PaymentMethod)
	switch {
	case a.Bank == "":
		return a, &FieldError{"bank", "is required"}
	case a.AccountNo == "":
		return a, &FieldError{"account_no", "is required"}
	case a.Holder == "":
		return a, &FieldError{"holder", "is required"}
	}
	if err := plainText("bank", a.Bank, "account_no", a.AccountNo, "holder", a.Holder, "payment_method", a.PaymentMethod); err != nil {
		return a, err
	}
	for _, f := range [][2]string{{"bank", a.Bank}, {"account_no", a.AccountNo}, {"holder", a.Holder}, {"payment_method", a.PaymentMethod}} {
		if utf8.RuneCountInString(f[1]) > 64 {
			return a, &FieldError{f[0], "must be at most 64 characters"}
		}
	}
	err := s.db.Batch(ctx, func(tx *store.Tx) error {
		return tx.BankAccountPut(ctx, store.BankAccount{Bank: a.Bank, AccountNo: a.AccountNo, Holder: a.Holder, PaymentMethod: a.PaymentMethod})
	})
	if a.PaymentMethod == "" {
		a.PaymentMethod = DefaultPaymentMethod
	}
	return a, err
}

// ErrNoBankAccount is a bank with no account of the distributor's.
var ErrNoBankAccount = errors.New("no account at that bank")

// RemoveBankAccount removes the account of a bank. Nothing removed is ErrNoBankAccount, and the
// audit row on ctx is not written.
func (s *Service) RemoveBankAccount(ctx context.Context, bank string) error {
	bank = strings.ToUpper(strings.TrimSpace(bank))
	return s.db.Batch(ctx, func(tx *store.Tx) error {
		gone, err := tx.BankAccountRemove(ctx, bank)
		if err == nil && !gone {
			err = fmt.Errorf("%w %s", ErrNoBankAccount, bank)
		}
		return err
	})
}
