package member_test

import (
	"context"
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
