package catalog

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// DestField is one input of a destination, read from a product's DestFormat.
type DestField struct {
	Name  string // e.g. "zone_id": [a-z0-9_]+
	Label string // e.g. "Zone ID"; the name when the format gives none
}

var destFieldName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)

// ParseDestFormat reads a destination format: literal text with fields in braces, each
// "{name}" or "{name:Label}", e.g. "{user_id:User ID}({zone_id:Zone ID})". The operator writes
// it once per product (CSV, admin API, dashboard) and the store's product page asks for the
// fields; a format without fields is refused, as is a field named twice.
func ParseDestFormat(format string) ([]DestField, error) {
	var out []DestField
	seen := map[string]bool{}
	rest := format
	for {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			if strings.IndexByte(rest, '}') >= 0 {
				return nil, fmt.Errorf("destination format %q: '}' without '{'", format)
			}
			break
		}
		if strings.IndexByte(rest[:i], '}') >= 0 {
			return nil, fmt.Errorf("destination format %q: '}' without '{'", format)
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return nil, fmt.Errorf("destination format %q: '{' without '}'", format)
		}
		inner := rest[i+1 : i+j]
		name, label, _ := strings.Cut(inner, ":")
		name, label = strings.TrimSpace(name), strings.TrimSpace(label)
		if !destFieldName.MatchString(name) {
			return nil, fmt.Errorf("destination format %q: field %q: want a name of a-z, 0-9 and _", format, name)
		}
		if seen[name] {
			return nil, fmt.Errorf("destination format %q: field %s appears twice", format, name)
		}
		seen[name] = true
		if label == "" {
			label = name
		}
		out = append(out, DestField{Name: name, Label: label})
		rest = rest[i+j+1:]
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("destination format %q: no {field}", format)
	}
	return out, nil
}

// DestTemplate is format without its labels, "{user_id}({zone_id})": the form a page fills in
// by replacing each "{name}" with the field's value.
func DestTemplate(format string) string {
	var b strings.Builder
	rest := format
	for {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			b.WriteString(rest)
			return b.String()
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			b.WriteString(rest)
			return b.String()
		}
		b.WriteString(rest[:i])
		name, _, _ := strings.Cut(rest[i+1:i+j], ":")
		b.WriteString("{" + strings.TrimSpace(name) + "}")
		rest = rest[i+j+1:]
	}
}

// CheckDest validates a product's destination description: the format parses and the pattern
// compiles (a pattern alone is allowed: it checks a one-part destination). It is what an import
// or an edit refuses a product with, so that a bad regular expression never reaches the store.
// field names the bad one: "dest_format" or "dest_pattern".
func (p *Product) CheckDest() (field string, err error) {
	if p.DestFormat != "" {
		if _, err := ParseDestFormat(p.DestFormat); err != nil {
			return "dest_format", err
		}
	}
	if p.DestPattern != "" {
		if _, err := regexp.Compile(p.DestPattern); err != nil {
			return "dest_pattern", fmt.Errorf("destination pattern %q: %w", p.DestPattern, err)
		}
	}
	return "", nil
}

// MaxImageURL bounds a product's image URL.
const MaxImageURL = 500

// CheckImage checks a product's image URL: empty (no image), or an absolute http or https URL
// with a host, printable, at most MaxImageURL bytes.
func CheckImage(image string) error {
	if image == "" {
		return nil
	}
	if len(image) > MaxImageURL {
		return fmt.Errorf("is longer than %d bytes", MaxImageURL)
	}
	for _, r := range image {
		if r <= ' ' || r == 0x7f {
			return errors.New("has spaces or control characters")
		}
	}
	u, err := url.Parse(image)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return errors.New("must be an http or https URL, e.g. https://cdn.example.com/ml.png")
	}
	return nil
}
