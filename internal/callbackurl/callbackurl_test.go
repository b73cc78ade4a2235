package callbackurl

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
)

// TestSpecialPurposeRefused: every block the old filter missed (CGNAT, "this network",
// benchmarking, reserved, documentation…) is refused, with or without --callback-allow-private
// where it is never a reseller's server.
func TestSpecialPurposeRefused(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		addr         string
		allowPrivate bool // whether --callback-allow-private lets it through
	}{
		{"0.0.0.0", false}, {"0.1.2.3", false}, {"100.64.0.1", true}, {"100.127.255.254", true},
		{"198.18.0.1", true}, {"198.19.255.1", true}, {"240.0.0.1", false}, {"255.255.255.255", false},
		{"192.0.0.8", false}, {"192.0.2.10", false}, {"198.51.100.7", false}, {"203.0.113.9", false},
		{"224.0.0.1", false}, {"127.0.0.1", true}, {"10.1.2.3", true}, {"172.16.0.1", true},
		{"192.168.1.1", true}, {"169.254.169.254", true}, {"::1", true}, {"::", false},
		{"fc00::1", true}, {"fe80::1", true}, {"2001:db8::1", false}, {"64:ff9b::a00:1", false},
		{"2002:a00:1::", false}, {"ff02::1", false}, {"::ffff:100.64.0.1", true},
	} {
		a := netip.MustParseAddr(c.addr)
		if err := CheckAddr(a, false); !errors.Is(err, ErrRefused) {
			t.Errorf("%s: %v, want refused", a, err)
		}
		if err := CheckAddr(a, true); (err == nil) != c.allowPrivate {
			t.Errorf("%s with allowPrivate: %v", a, err)
		}
	}
	for _, ok := range []string{"8.8.8.8", "1.1.1.1", "2606:4700::1111", "100.128.0.1", "198.20.0.1"} {
		if err := CheckAddr(netip.MustParseAddr(ok), false); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
}

func TestCheckURL(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{"http://100.64.0.1/cb", "https://[::1]:8443/x", "http://localhost:8080/", "http://api.localhost/",
		"http://240.0.0.1/", "ftp://example.com/", "/relative", "http:///nohost"} {
		if err := Check(bad, false); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	if err := Check("http://100.64.0.1/cb", false); err == nil || !strings.Contains(err.Error(), "shared address space") {
		t.Errorf("no clear reason: %v", err)
	}
	for _, good := range []string{"https://shop.example/cb", "http://93.184.215.14:8080/x"} {
		if err := Check(good, false); err != nil {
			t.Errorf("%s: %v", good, err)
		}
	}
	if err := Check("http://127.0.0.1:9000/cb", true); err != nil {
		t.Errorf("loopback with allowPrivate: %v", err)
	}
}

func TestRedact(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"https://user:s3cret@shop.example/cb?token=abc&order=1": "https://redacted@shop.example/cb?order=1&token=redacted",
		"https://shop.example/cb?api_key=k&Sign=s":              "https://shop.example/cb?Sign=redacted&api_key=redacted",
		"https://shop.example/cb?order=1":                       "https://shop.example/cb?order=1",
		"https://shop.example/cb#frag":                          "https://shop.example/cb",
	} {
		if got := Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
		if strings.Contains(Redact(in), "s3cret") || strings.Contains(Redact(in), "abc") {
			t.Errorf("secret left in %q", Redact(in))
		}
	}
}
