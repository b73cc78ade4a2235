package otomax

import "testing"

// The vector a center publishes with its formula (gigapulsa.com, "Format Transaksi IP"): the
// string OtomaX|YUSUF|X10|08123456789|2140669|1144|abcd signs as Cp9NLVuKWBt5Sey_uMlYsvnKvJI.
func TestSignPublishedVector(t *testing.T) {
	if got, want := Sign("YUSUF", "X10", "08123456789", "2140669", "1144", "abcd"), "Cp9NLVuKWBt5Sey_uMlYsvnKvJI"; got != want {
		t.Fatalf("Sign = %q, want %q", got, want)
	}
}

func TestSignsDiffer(t *testing.T) {
	// A balance sign must not be a transaction sign of some request, nor a ticket sign.
	b := SignBalance("M1", "1234", "pw")
	if b == Sign("M1", "", "", "", "1234", "pw") || b == SignTicket("M1", "1234", "pw", 0) {
		t.Fatal("balance sign collides with another kind")
	}
	if Sign("M1", "S5", "0812", "r1", "1234", "pw") == Sign("M1", "S5", "0812", "r2", "1234", "pw") {
		t.Fatal("the refID is not signed")
	}
}

func TestSignEqualSpellings(t *testing.T) {
	want := "Cp9NLVuKWBt5Sey_uMlYsvnKvJI"
	for _, got := range []string{want, "Cp9NLVuKWBt5Sey/uMlYsvnKvJI=", "Cp9NLVuKWBt5Sey_uMlYsvnKvJI= "} {
		if !SignEqual(got, want) {
			t.Errorf("SignEqual(%q) = false", got)
		}
	}
	// A "+" that arrived as a space (the client did not escape it).
	plus := "ab+cd"
	if !SignEqual("ab cd", plus) || !SignEqual("ab-cd", plus) {
		t.Error("a + sent unescaped is refused")
	}
	for _, got := range []string{"", "Cp9NLVuKWBt5Sey_uMlYsvnKvJi", "Cp9NLVuKWBt5Sey_uMlYsvnKvJ"} {
		if SignEqual(got, want) {
			t.Errorf("SignEqual(%q) = true", got)
		}
	}
}
