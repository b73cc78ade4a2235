package store

import (
	"slices"
	"testing"
)

// TestSlotKeyOrder: batches order lock keys by reseller, then balance slot, so that a reseller's
// slots sort right after its own key and before the next reseller's (the lock order that keeps a
// gather under the reseller's key from deadlocking with its slots' batches).
func TestSlotKeyOrder(t *testing.T) {
	t.Parallel()
	keys := []int64{SlotKey(2, 1), 3, SlotKey(1, 2), 2, 0, SlotKey(1, 1), 1, SlotKey(3, 64)}
	slices.SortFunc(keys, keyCompare)
	want := []int64{0, 1, SlotKey(1, 1), SlotKey(1, 2), 2, SlotKey(2, 1), 3, SlotKey(3, 64)}
	if !slices.Equal(keys, want) {
		t.Fatalf("sorted %v, want %v", keys, want)
	}
	if SlotKey(7, 0) != 7 {
		t.Fatal("slot 0's key is the reseller's own")
	}
	for code, slot := range map[string]int{"reseller:5:available": 0, "reseller:5:available:3": 3, "reseller:5:held:12": 12, "revenue": 0} {
		if got := slotOfCode(code); got != slot {
			t.Errorf("slotOfCode(%q) = %d, want %d", code, got, slot)
		}
	}
	for code, ok := range map[string]bool{"reseller:5:available": true, "reseller:5:held": true, "reseller:5:available:2": false, "reseller:5:commission": false, "revenue": false} {
		if _, _, got := resellerBalanceCode(code); got != ok {
			t.Errorf("resellerBalanceCode(%q) = %v, want %v", code, got, ok)
		}
	}
}
