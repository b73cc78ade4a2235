package member_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/kios-h2h/kios/internal/member"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/textcmd"
	"golang.org/x/crypto/bcrypt"
)

// A reseller lists its bound text identities (not another's), revokes one with its password
// (after which that identity is refused), and sets its PIN, which text orders then take.
func TestTextIdentitiesAndPIN(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, bk storetest.Backend) {
		e := setup(t, bk, member.Options{})
		ctx := context.Background()
		eng := textcmd.New(e.svc, textcmd.Options{PinCost: bcrypt.MinCost})
		for _, b := range []struct{ user, ch, id string }{{"shop", "telegram", "555"}, {"shop", "jabber", "shop@example.com"}, {"other", "telegram", "777"}} {
			if _, _, err := eng.Bind(ctx, b.user, b.ch, b.id); err != nil {
				t.Fatal(err)
			}
		}
		br := e.mustLogin(t)
		var ids []struct {
			Channel string `json:"channel"`
			ID      string `json:"id"`
			BoundAt string `json:"bound_at"`
		}
		br.json(t, "GET", "/member/api/text/identities", nil, 200, &ids)
		if len(ids) != 2 || ids[0].ID != "555" || ids[1].ID != "shop@example.com" || ids[0].BoundAt == "" {
			t.Fatalf("identities %+v", ids)
		}
		br.json(t, "POST", "/member/api/text/unbind", map[string]any{"password": "wrong", "channel": "telegram", "id": "555"}, 403, nil)
		br.json(t, "POST", "/member/api/text/unbind", map[string]any{"password": e.pw, "channel": "telegram", "id": "777"}, 404, nil)
		br.json(t, "POST", "/member/api/text/unbind", map[string]any{"password": e.pw, "channel": "sms", "id": "1"}, 400, nil)
		br.json(t, "POST", "/member/api/text/unbind", map[string]any{"password": e.pw, "channel": "telegram", "id": "555"}, 200, &ids)
		if len(ids) != 1 || ids[0].Channel != "jabber" {
			t.Fatalf("after unbind %+v", ids)
		}
		if got, err := eng.Answer(ctx, textcmd.Message{Channel: "telegram", Sender: "555", Text: "SAL.1234"}); err != nil || got != "Akun ini belum terdaftar." {
			t.Fatalf("revoked identity answered %q %v", got, err)
		}
		br.json(t, "POST", "/member/api/text/pin", map[string]any{"password": e.pw, "pin": "12"}, 400, nil)
		br.json(t, "POST", "/member/api/text/pin", map[string]any{"password": "wrong", "pin": "8642"}, 403, nil)
		br.json(t, "POST", "/member/api/text/pin", map[string]any{"password": e.pw, "pin": "8642"}, 200, nil)
		if got, err := eng.Answer(ctx, textcmd.Message{Channel: "jabber", Sender: "shop@example.com", Text: "SAL.8642"}); err != nil || got != "Saldo shop: 0" {
			t.Fatalf("balance with the new PIN: %q %v", got, err)
		}
	})
}

// The Profil page does the same for people: it lists the reseller's own chat identities (not
// another's), revokes one only with the password, and sets the PIN, refusing a bad one with the
// text channels' own message.
func TestTextOnProfilePage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, bk storetest.Backend) {
		e := setup(t, bk, member.Options{})
		ctx := context.Background()
		eng := textcmd.New(e.svc, textcmd.Options{PinCost: bcrypt.MinCost})
		for _, b := range []struct{ user, ch, id string }{{"shop", "telegram", "555"}, {"shop", "whatsapp", "6281234567890"}, {"other", "telegram", "777"}} {
			if _, _, err := eng.Bind(ctx, b.user, b.ch, b.id); err != nil {
				t.Fatal(err)
			}
		}
		br := e.mustLogin(t)
		_, page := br.page(t, "/member/profil")
		if !strings.Contains(page, "6281234567890") || !strings.Contains(page, `value="555"`) || strings.Contains(page, "777") ||
			!strings.Contains(page, "Transaksi lewat chat") || !strings.Contains(page, " WIB") {
			t.Fatalf("profile page does not list the identities:\n%s", page)
		}
		if st, _ := br.form(t, "/member/profil/text-unbind", url.Values{"password": {"wrong"}, "channel": {"telegram"}, "id": {"555"}}); st != 303 {
			t.Fatalf("unbind with a wrong password: %d", st)
		}
		if got, _ := eng.Answer(ctx, textcmd.Message{Channel: "telegram", Sender: "555", Text: "SAL.1234"}); got == "Akun ini belum terdaftar." {
			t.Fatal("revoked without the password")
		}
		if st, _ := br.form(t, "/member/profil/text-unbind", url.Values{"password": {e.pw}, "channel": {"telegram"}, "id": {"777"}}); st != 303 {
			t.Fatalf("unbind another's: %d", st)
		}
		if _, page := br.page(t, "/member/profil"); !strings.Contains(page, "tidak terikat ke akun Anda") {
			t.Fatalf("no refusal shown for another's identity:\n%s", page)
		}
		if got, _ := eng.Answer(ctx, textcmd.Message{Channel: "telegram", Sender: "777", Text: "SAL.1234"}); got == "Akun ini belum terdaftar." {
			t.Fatal("another reseller's identity revoked")
		}
		if st, _ := br.form(t, "/member/profil/text-unbind", url.Values{"password": {e.pw}, "channel": {"telegram"}, "id": {"555"}}); st != 303 {
			t.Fatalf("unbind: %d", st)
		}
		if got, _ := eng.Answer(ctx, textcmd.Message{Channel: "telegram", Sender: "555", Text: "SAL.1234"}); got != "Akun ini belum terdaftar." {
			t.Fatalf("revoked identity answered %q", got)
		}
		if _, page := br.page(t, "/member/profil"); strings.Contains(page, `value="555"`) || !strings.Contains(page, "Akun chat dicabut") {
			t.Fatalf("after unbind:\n%s", page)
		}
		br.form(t, "/member/profil/text-pin", url.Values{"password": {e.pw}, "pin": {"12"}})
		if _, page := br.page(t, "/member/profil"); !strings.Contains(page, "PIN harus 4-8 angka.") {
			t.Fatalf("bad PIN not refused on the page:\n%s", page)
		}
		br.form(t, "/member/profil/text-pin", url.Values{"password": {e.pw}, "pin": {"8642"}})
		if got, err := eng.Answer(ctx, textcmd.Message{Channel: "whatsapp", Sender: "6281234567890", Text: "SAL.8642"}); err != nil || got != "Saldo shop: 0" {
			t.Fatalf("balance with the PIN set on the page: %q %v", got, err)
		}
	})
}
