package cli_test

import (
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestExamplesStayOffThirdPartyHosts: no example in the README or docs (fenced code blocks, where
// the commands and curls a reader pastes live) points at a host that is not the reader's own:
// only loopback, the reserved example and invalid domains (RFC 2606) and placeholders. A pasted
// example must never call a supplier's or provider's production API.
func TestExamplesStayOffThirdPartyHosts(t *testing.T) {
	files, err := filepath.Glob("../../docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, "../../README.md")
	urlRE := regexp.MustCompile(`https?://[^\s"'\x60)>\]]+`)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inCode := false
		for i, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "```") {
				inCode = !inCode
				continue
			}
			if !inCode {
				continue
			}
			for _, raw := range urlRE.FindAllString(line, -1) {
				if !ownHost(raw) {
					t.Errorf("%s:%d: an example points at %s", filepath.Base(f), i+1, raw)
				}
			}
		}
	}
}

func ownHost(raw string) bool {
	if strings.Contains(raw, "<") || strings.Contains(raw, "$") || strings.Contains(raw, "{") {
		return true // a placeholder or a shell variable
	}
	u, err := url.Parse(strings.TrimRight(raw, ".,;:"))
	if err != nil {
		return false
	}
	h := u.Hostname()
	switch {
	case h == "127.0.0.1", h == "localhost", h == "::1", h == "":
		return true
	case strings.HasSuffix(h, ".example"), h == "example.com", strings.HasSuffix(h, ".example.com"), strings.HasSuffix(h, ".invalid"),
		strings.HasSuffix(h, ".test"), strings.HasSuffix(h, ".localhost"):
		return true
	case strings.HasPrefix(h, "192.0.2."), strings.HasPrefix(h, "198.51.100."), strings.HasPrefix(h, "203.0.113."): // documentation addresses
		return true
	}
	return false
}
