package store

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/order"
)

// Every invoice order.NewInvoice makes packs into 10 bytes and reads back as itself, and the
// bytes sort as the texts do: new orders still go at the invoice index's right-hand end.
func TestPackInvoice(t *testing.T) {
	t.Parallel()
	var prevText string
	var prevPacked []byte
	start := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	for i, at := range []time.Time{start, start.Add(99 * time.Millisecond), start.Add(24*time.Hour - time.Millisecond),
		time.Date(2026, 2, 28, 23, 59, 59, 999e6, time.UTC), time.Date(2028, 2, 29, 12, 0, 0, 0, time.UTC),
		time.Date(2026, 12, 7, 20, 0, 0, 0, time.FixedZone("WIB", 7*3600)), time.Date(2099, 12, 31, 23, 59, 59, 0, time.UTC)} {
		for range 50 {
			inv := order.NewInvoice(at)
			b, ok := packInvoice(inv)
			if !ok || len(b) != 10 {
				t.Fatalf("%s: packed %x %v, want 10 bytes", inv, b, ok)
			}
			back, err := unpackInvoice(b)
			if err != nil || back != inv {
				t.Fatalf("%s: read back as %q %v", inv, back, err)
			}
			if i > 0 && prevText < inv != (bytes.Compare(prevPacked, b) < 0) {
				t.Fatalf("%s after %s: the packed forms sort the other way", inv, prevText)
			}
			prevText, prevPacked = inv, b
		}
	}
	// Texts not of NewInvoice's form are stored as they are.
	for _, inv := range []string{"", "KIOS-261207-PFYM2EJ7PZ8", "KIOS-261207-PFYM2EJ7PZ8QX", "kios-261207-PFYM2EJ7PZ8Q",
		"KIOS-261307-PFYM2EJ7PZ8Q", "KIOS-260230-PFYM2EJ7PZ8Q", "KIOS-261200-PFYM2EJ7PZ8Q", "KIOS-26120A-PFYM2EJ7PZ8Q",
		"KIOS-261207_PFYM2EJ7PZ8Q", "KIOS-261207-PFYM2EJ7PZ8I", "KIOS-261207-pfym2ej7pz8q", "KIOS-261207-PFYM2EJ7PZ8U",
		"BILL-261207-PFYM2EJ7PZ8Q", "INV-1", "KIOS-261207-PFYM2EJ7PZ8Q\x00"} {
		if b, ok := packInvoice(inv); ok {
			t.Errorf("%q packed as %x, want it kept as text", inv, b)
		}
	}
	for _, b := range [][]byte{nil, make([]byte, 9), make([]byte, 11), {0, 0, 0x10, 0, 0, 0, 0, 0, 0, 0}} {
		if inv, err := unpackInvoice(b); err == nil {
			t.Errorf("%x read as %q, want an error", b, inv)
		}
	}
}

// FuzzPackInvoice: whatever text is packed reads back as itself; whatever 10 bytes read as an
// invoice pack back into themselves.
func FuzzPackInvoice(f *testing.F) {
	f.Add("KIOS-261207-PFYM2EJ7PZ8Q", []byte{0x51, 0x3d, 0, 0, 0, 0, 0, 0, 0, 1})
	f.Add("KIOS-000101-000000000000", []byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	f.Add("KIOS-991231-ZZZZZZZZZZZZ", []byte{0xff, 0xff, 0x0f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, inv string, b []byte) {
		if p, ok := packInvoice(inv); ok {
			back, err := unpackInvoice(p)
			if err != nil || back != inv {
				t.Fatalf("%q packed as %x, read back as %q %v", inv, p, back, err)
			}
		}
		if s, err := unpackInvoice(b); err == nil {
			if !strings.HasPrefix(s, "KIOS-") {
				t.Fatalf("%x read as %q", b, s)
			}
			// A day past 2099 reads as a text that is not packed again; any other reads back.
			if p, ok := packInvoice(s); ok && !bytes.Equal(p, b) {
				t.Fatalf("%x read as %q, which packs as %x", b, s, p)
			}
		}
	})
}
