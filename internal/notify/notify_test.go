package notify_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/kios-h2h/kios/internal/notify"
)

func TestFonnteSends(t *testing.T) {
	t.Parallel()
	var got map[string]string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			t.Error(err)
		}
		got = map[string]string{"auth": r.Header.Get("Authorization"), "target": r.PostForm.Get("target"),
			"message": r.PostForm.Get("message"), "country": r.PostForm.Get("countryCode")}
		if r.PostForm.Get("target") == "081200000000" {
			_, _ = w.Write([]byte(`{"status":false,"reason":"invalid target"}`))
			return
		}
		_, _ = w.Write([]byte(`{"status":true,"detail":"success! message in queue"}`))
	}))
	defer srv.Close()
	f := notify.Fonnte{URL: srv.URL + "/send", Token: "TOKEN"}
	if err := f.Notify(context.Background(), notify.Message{Phone: "081234567890", Text: "Sukses"}); err != nil {
		t.Fatal(err)
	}
	if got["auth"] != "TOKEN" || got["target"] != "081234567890" || got["message"] != "Sukses" || got["country"] != "62" {
		t.Fatalf("request %v", got)
	}
	if err := f.Notify(context.Background(), notify.Message{Phone: "081200000000", Text: "x"}); !errors.Is(err, notify.ErrRefused) {
		t.Fatalf("refused: %v", err)
	}
	srv.Close()
	if err := f.Notify(context.Background(), notify.Message{Phone: "081234567890", Text: "x"}); err == nil {
		t.Fatal("a gateway that does not answer sent the message")
	}
}
