package totp

import (
	"encoding/base32"
	"testing"
	"time"
)

// TestRFC6238Vectors checks the SHA-1 test vectors of RFC 6238 appendix B (last six digits).
func TestRFC6238Vectors(t *testing.T) {
	secret := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString([]byte("12345678901234567890"))
	for _, c := range []struct {
		unix int64
		want string
	}{
		{59, "287082"}, {1111111109, "081804"}, {1111111111, "050471"}, {1234567890, "005924"},
		{2000000000, "279037"}, {20000000000, "353130"},
	} {
		got, err := Code(secret, StepAt(time.Unix(c.unix, 0)))
		if err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("at %d: %s, want %s", c.unix, got, c.want)
		}
	}
}

func TestVerifyWindow(t *testing.T) {
	secret := NewSecret()
	now := time.Date(2026, 12, 5, 9, 0, 10, 0, time.UTC) // a fixed clock
	cur := StepAt(now)
	for _, d := range []int64{-1, 0, 1} {
		c, _ := Code(secret, cur+d)
		if step, ok := Verify(secret, c, now); !ok || step != cur+d {
			t.Errorf("step %+d: ok=%v step=%d", d, ok, step)
		}
	}
	for _, d := range []int64{-2, 2} {
		c, _ := Code(secret, cur+d)
		if _, ok := Verify(secret, c, now); ok {
			t.Errorf("step %+d accepted", d)
		}
	}
	if _, ok := Verify(secret, "12345", now); ok {
		t.Error("short code accepted")
	}
	if u := URI("Kios", "shop", "ABC"); u != "otpauth://totp/Kios:shop?algorithm=SHA1&digits=6&issuer=Kios&period=30&secret=ABC" {
		t.Errorf("uri %s", u)
	}
}
