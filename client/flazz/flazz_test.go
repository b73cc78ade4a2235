package flazz_test

import (
	"testing"

	"github.com/kios-h2h/kios/client/flazz"
)

// Vectors computed independently (Python's hashlib and hmac).
func TestSigns(t *testing.T) {
	t.Parallel()
	if got := flazz.Sign("buyer1", "secretkey", "depo"); got != "45be9b2799ef10474124b88034b750da" {
		t.Fatalf("sign: %s", got)
	}
	if !flazz.SignMatches("45BE9B2799EF10474124B88034B750DA", "buyer1", "secretkey", "depo") ||
		flazz.SignMatches("45be9b2799ef10474124b88034b750db", "buyer1", "secretkey", "depo") ||
		flazz.SignMatches("", "buyer1", "secretkey", "depo") {
		t.Fatal("SignMatches")
	}
	body := []byte(`{"data":{"rc":"00"}}`)
	sig := flazz.HookSignature("whsecret", body)
	if len(sig) != len("sha1=")+40 || sig[:5] != "sha1=" {
		t.Fatalf("hook signature %q", sig)
	}
	if !flazz.HookSignatureValid("whsecret", body, " SHA1="+sig[5:]+"\n") ||
		flazz.HookSignatureValid("other", body, sig) || flazz.HookSignatureValid("whsecret", body, "") {
		t.Fatal("HookSignatureValid")
	}
}

func TestRCs(t *testing.T) {
	t.Parallel()
	for rc, want := range map[string]struct {
		status          string
		pending, refuse bool
	}{
		"00": {flazz.StatusSuccess, false, false},
		"03": {flazz.StatusPending, true, false},
		"99": {flazz.StatusPending, true, false},
		"02": {flazz.StatusFailed, false, true},
		"41": {flazz.StatusFailed, false, true},
		"":   {flazz.StatusFailed, false, false},
	} {
		if flazz.StatusOf(rc) != want.status || flazz.IsPending(rc) != want.pending || flazz.IsRefusal(rc) != want.refuse {
			t.Errorf("rc %q: %s %v %v", rc, flazz.StatusOf(rc), flazz.IsPending(rc), flazz.IsRefusal(rc))
		}
	}
}
