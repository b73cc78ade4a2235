package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/kios-h2h/kios/internal/core"
)

// runSettingsSet sets one of the operator's settings (an empty value: its default again).
func runSettingsSet(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("settings set")
	pos, svc, err := e.start(ctx, fs, args, "NAME", "VALUE")
	if err != nil {
		return err
	}
	if err := svc.SetSetting(ctx, pos[0], pos[1]); err != nil {
		if fe, ok := core.IsFieldError(err); ok {
			return usagef("%s", fe.Error())
		}
		if errors.Is(err, core.ErrUnknownSetting) {
			return usagef("%v", err)
		}
		return err
	}
	if pos[1] == "" {
		fmt.Fprintf(e.Stdout, "%s is back to its default\n", pos[0])
		return nil
	}
	fmt.Fprintf(e.Stdout, "%s set\n", pos[0])
	return nil
}

func runSettingsList(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("settings list")
	asJSON := jsonFlag(fs)
	_, svc, err := e.start(ctx, fs, args)
	if err != nil {
		return err
	}
	ss, err := svc.Settings(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		return e.writeJSON(ss)
	}
	tw := e.table()
	fmt.Fprintln(tw, "NAME\tVALUE\tDEFAULT\tABOUT")
	for _, s := range ss {
		def := s.Default
		if !s.Set {
			def = "(in use)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", s.Name, s.Value, def, s.Help)
	}
	return tw.Flush()
}

// runBankAdd adds the distributor's account at a bank (or replaces the bank's account): the
// Digiflazz deposit endpoint, the member area and the text channels name it at once.
func runBankAdd(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("bank add")
	var a core.BankAccount
	fs.StringVar(&a.Bank, "bank", "", "the bank's name, e.g. BCA (one account per bank)")
	fs.StringVar(&a.AccountNo, "account-no", "", "the account number")
	fs.StringVar(&a.Holder, "holder", "", "the account holder's name")
	fs.StringVar(&a.PaymentMethod, "payment-method", "", `what deposit answers call the way to pay (default "Transfer Bank")`)
	_, svc, err := e.start(ctx, fs, args)
	if err != nil {
		return err
	}
	a, err = svc.AddBankAccount(ctx, a)
	if err != nil {
		if fe, ok := core.IsFieldError(err); ok {
			return usagef("--%s %s", flagOf(fe.Field), fe.Reason)
		}
		return err
	}
	fmt.Fprintf(e.Stdout, "%s %s a.n. %s saved; deposits name it from now on\n", a.Bank, a.AccountNo, a.Holder)
	return nil
}

// flagOf is the flag of a field a core error names.
func flagOf(field string) string {
	switch field {
	case "account_no":
		return "account-no"
	case "payment_method":
		return "payment-method"
	}
	return field
}

func runBankList(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("bank list")
	asJSON := jsonFlag(fs)
	_, svc, err := e.start(ctx, fs, args)
	if err != nil {
		return err
	}
	bs, err := svc.BankAccounts(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		if bs == nil {
			bs = []core.BankAccount{}
		}
		return e.writeJSON(bs)
	}
	tw := e.table()
	fmt.Fprintln(tw, "BANK\tACCOUNT-NO\tHOLDER\tPAYMENT-METHOD")
	for _, b := range bs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", b.Bank, b.AccountNo, b.Holder, b.PaymentMethod)
	}
	return tw.Flush()
}

func runBankRemove(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("bank remove")
	pos, svc, err := e.start(ctx, fs, args, "BANK")
	if err != nil {
		return err
	}
	if err := svc.RemoveBankAccount(ctx, pos[0]); err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "the account at %s is removed\n", pos[0])
	return nil
}
