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
// the commands a reader pastes live) calls a host that is not the reader's own: what a curl line
// requests, and the base URL a `kios supplier add` line would then buy from, are loopback, a
// reserved example or invalid domain (RFC 2606), a documentation address or a placeholder. A
// pasted example must never call a supplier's production API. (A payment gateway's sandbox base
// URL given as a setting is not a call the line makes.)
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
			for _, raw := range urlRE.FindAllString(calls(line), -1) {
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

// calls is the part of an example line that names hosts the line itself calls: a curl's target
// (its quoted payload and any comment left out), or a supplier's base URL; "" for other lines.
func calls(line string) string {
	if i := strings.Index(line, " #"); i >= 0 {
		line = line[:i]
	}
	switch {
	case strings.Contains(line, "supplier add"), strings.Contains(line, `"kind":"digiflazz"`), strings.Contains(line, `"kind":"digiswitch"`),
		strings.Contains(line, `"kind":"basstore"`):
		return line
	case strings.Contains(line, "curl "):
		return regexp.MustCompile(`'[^']*'`).ReplaceAllString(line, "")
	}
	return ""
}
