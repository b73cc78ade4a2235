package textcmd

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseValid(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		msg  string
		want Command
	}{
		{"S5.081234567890.1234", Command{Kind: Buy, Items: []Item{{Code: "S5", Dest: "081234567890"}}, PIN: "1234"}},
		{"s5*081234567890*1234", Command{Kind: Buy, Items: []Item{{Code: "s5", Dest: "081234567890"}}, PIN: "1234"}},
		{"S5#081234567890#12345678", Command{Kind: Buy, Items: []Item{{Code: "S5", Dest: "081234567890"}}, PIN: "12345678"}},
		{"  S5.0812.1234  ", Command{Kind: Buy, Items: []Item{{Code: "S5", Dest: "0812"}}, PIN: "1234"}},
		{"S5.2.081234567890.1234", Command{Kind: Buy, Items: []Item{{Code: "S5", Count: 2, Dest: "081234567890"}}, PIN: "1234"}},
		{"tsel10.0852111.123456 R#123456", Command{Kind: Buy, Items: []Item{{Code: "tsel10", Dest: "0852111"}}, PIN: "123456", Ref: "123456"}},
		{"S5.0852.1234 r#abc-1", Command{Kind: Buy, Items: []Item{{Code: "S5", Dest: "0852"}}, PIN: "1234", Ref: "abc-1"}},
		{"S5.0812,X5.0819.1234", Command{Kind: Buy, Items: []Item{{Code: "S5", Dest: "0812"}, {Code: "X5", Dest: "0819"}}, PIN: "1234"}},
		{"S5.3.0812,X5.0819,ML5.123(45).1234", Command{Kind: Buy, Items: []Item{{Code: "S5", Count: 3, Dest: "0812"}, {Code: "X5", Dest: "0819"}, {Code: "ML5", Dest: "123(45)"}}, PIN: "1234"}},
		{"MLBB_ID_5.12345678|1234.1234", Command{Kind: Buy, Items: []Item{{Code: "MLBB_ID_5", Dest: "12345678|1234"}}, PIN: "1234"}},
		{"H.1.0812.1234", Command{Kind: Buy, Items: []Item{{Code: "H", Count: 1, Dest: "0812"}}, PIN: "1234"}},
		{"SAL.1234", Command{Kind: Balance, PIN: "1234"}},
		{"sal.1234", Command{Kind: Balance, PIN: "1234"}},
		{"S.1234", Command{Kind: Balance, PIN: "1234"}},
		{"SALDO*1234", Command{Kind: Balance, PIN: "1234"}},
		{"H.S5.1234", Command{Kind: Price, Arg: "S5", PIN: "1234"}},
		{"ch.tsel.1234", Command{Kind: Price, Arg: "tsel", PIN: "1234"}},
		{"TIKET.100000.1234", Command{Kind: Ticket, Arg: "100000", Amount: 100000, PIN: "1234"}},
		{"CEK.081234567890.1234", Command{Kind: Check, Arg: "081234567890", PIN: "1234"}},
		{"LAP.1234", Command{Kind: Report, PIN: "1234"}},
		{"TUKAR.1234", Command{Kind: Exchange, PIN: "1234"}},
		{"REG.TokoAni.081234567890.100.1234", Command{Kind: Register, Name: "TokoAni", Phone: "081234567890", Amount: 100, PIN: "1234"}},
		{"reg*Toko_Ani*+6281234567890*0*1234", Command{Kind: Register, Name: "Toko_Ani", Phone: "6281234567890", Amount: 0, PIN: "1234"}},
		{"MP.ani.S5=100.1234", Command{Kind: SetMarkup, Arg: "ani", Markups: []MarkupItem{{"S5", 100}}, PIN: "1234"}},
		{"mp.Toko.Ani.S5=100,tsel=0.1234", Command{Kind: SetMarkup, Arg: "toko.ani", Markups: []MarkupItem{{"S5", 100}, {"tsel", 0}}, PIN: "1234"}},
		{"tukar*12345678", Command{Kind: Exchange, PIN: "12345678"}},
		{"TRANS.ani.50000.1234", Command{Kind: Transfer, Arg: "ani", Amount: 50000, PIN: "1234"}},
		{"trans*Toko.Ani*50000*1234 R#tr-1", Command{Kind: Transfer, Arg: "toko.ani", Amount: 50000, PIN: "1234", Ref: "tr-1"}},
		{"GP.1234.567890", Command{Kind: ChangePIN, PIN: "1234", NewPIN: "567890"}},
		{"help", Command{Kind: Help}},
		{"HELP", Command{Kind: Help}},
		{"?", Command{Kind: Help}},
	} {
		got, err := Parse(tc.msg)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.msg, err)
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Parse(%q) = %+v, want %+v", tc.msg, got, tc.want)
		}
	}
}

// malformed are messages that must be refused by the parser: nothing may run for them.
var malformed = []string{
	"", " ", "S5", "S5.0812", "S5.0812.", ".0812.1234", "S5..1234", "S5.0812..1234", "S5.0812.123", "S5.0812.123456789",
	"S5.0812.12a4", "S5.0812.PIN", "S5.0812.1234.5678.9", "S5.0.0812.1234", "S5.100.0812.1234", "S5.x.0812.1234",
	"S5.0812.1234 R#", "S5.0812.1234 X#1", "S5.0812.1234 R#a b", "S5 0812 1234", "S5.0812.1234 R#1 R#2",
	"S5.0812,.1234", ",S5.0812.1234", "S5.0812,X5.1234", "S5.0812,X5.0819", "S5.0812,,X5.0819.1234",
	"S5.08 12.1234", "S5.0812;DROP.1234", "S5.08'12.1234", "S5!.0812.1234", "S5.0812\x00.1234", "S5.0812.1234\x1b",
	"S5.\u0660\u0661.1234", "S5.0812.١٢٣٤", "SAL", "SAL.", "SAL.12", "SAL.abcd", "S.1234.5678.9", "LAP", "LAP.12345678901",
	"H.S5", "H.S5.1234.5", "H..1234", "TIKET.1234", "TIKET.abc.1234", "TIKET.0.1234", "TIKET.100.000.1234", "TIKET.1000000000000.1234",
	"CEK.1234", "CEK.08 12.1234", "GP.1234", "GP.1234.1234", "GP.1234.12", "GP.1234.12345678901", "HELP.1234",
	"S5.0812.1234 R#" + strings.Repeat("x", 41), strings.Repeat("S", 33) + ".0812.1234", "S5." + strings.Repeat("1", 65) + ".1234",
	strings.Repeat("S5.0812,", 11) + "S5.0812.1234", strings.Repeat("x", 1001), "SAL.1234 R#1", "help R#1", "UNKNOWN.1234",
	"H.S5.1234 R#1", "GP.1234.5678 R#1",
	"TRANS.ani.0.1234", "TRANS.ani.-5.1234", "TRANS.ani.5O00.1234", "TRANS.ani.1000000000000000.1234", "TRANS.a.5000.1234",
	"TRANS.ani!.5000.1234", "TRANS.ani.5000.12", "TRANS.ani.5000.1234 R#bad/ref",
	"TUKAR", "TUKAR.", "TUKAR.12", "TUKAR.abcd", "TUKAR.1234 R#1", "TUKAR.1.1234",
	"REG.Ani.0812.100.1234", "REG.Ani.081234567890.-1.1234", "REG.Ani!.081234567890.1.1234", "REG.Ani.081234567890.1.12",
	"REG.Ani.081234567890.1.1234 R#1", "REG.A.B.C.D.E.1234", "REG." + strings.Repeat("a", 65) + ".081234567890.1.1234",
	"MP.ani.S5.1234", "MP.ani.S5=.1234", "MP.ani.=5.1234", "MP.ani.S5=1,,S6=2.1234", "MP.ani.S5=x.1234", "MP.S5=1.1234",
	"MP.ani.S5=1.1234 R#1", "MP.ani.S5=1,S5=2.1234", "MP.ani.S!5=1.1234", "MP.ani.S5=1.12",
}

func TestParseMalformed(t *testing.T) {
	t.Parallel()
	if len(malformed) < 50 {
		t.Fatalf("only %d malformed messages", len(malformed))
	}
	for _, m := range malformed {
		if c, err := Parse(m); err == nil {
			t.Errorf("Parse(%q) = %+v, want an error", m, c)
		}
	}
}

func TestMask(t *testing.T) {
	t.Parallel()
	for msg, want := range map[string]string{
		"S5.081234567890.1234":       "S5.081234567890.****",
		"S5.0812,X5.0819.1234 R#abc": "S5.0812,X5.0819.**** R#abc",
		"GP.1234.5678":               "GP.****",
		"gp*1234*5678":               "gp*****",
		"SAL.1234":                   "SAL.****",
		"1234":                       "****",
		"HELP":                       "HELP",
		"S5.0812.12345 R#x extra":    "S5.0812.**** R#x extra",
		"CEK.081234567890.98765432":  "CEK.081234567890.****",
		"TIKET.100000.1234":          "TIKET.100000.****",
		"S5.2.081234567890.246810":   "S5.2.081234567890.****",
	} {
		if got := Mask(msg); got != want {
			t.Errorf("Mask(%q) = %q, want %q", msg, got, want)
		}
	}
}

// FuzzParse: the parser never panics, what it accepts is within bounds, and a message's mask
// never parses as a command needing a PIN (the PIN is gone from it).
func FuzzParse(f *testing.F) {
	for _, m := range append(malformed, "S5.081234567890.1234", "S5.2.0812.1234 R#x", "S5.0812,X5.0819.1234", "GP.1234.5678", "TIKET.100000.1234", "H.S.1234") {
		f.Add(m)
	}
	f.Fuzz(func(t *testing.T, msg string) {
		c, err := Parse(msg)
		if err != nil {
			return
		}
		if c.Kind != Help && !validPIN(c.PIN) {
			t.Fatalf("Parse(%q): PIN %q", msg, c.PIN)
		}
		if c.Kind == Buy && (len(c.Items) == 0 || len(c.Items) > MaxItems) {
			t.Fatalf("Parse(%q): %d items", msg, len(c.Items))
		}
		if c.Kind != Help {
			if mc, err := Parse(Mask(msg)); err == nil {
				t.Fatalf("Mask(%q) = %q parses as %+v", msg, Mask(msg), mc)
			}
		}
	})
}
