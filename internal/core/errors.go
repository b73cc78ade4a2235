package core

import "github.com/kios-h2h/kios/internal/store"

// The store's errors that have no domain package of their own, under the core's name: the core's
// callers (dialects, web, the CLI) test for them without importing the store.
var (
	// ErrNotFound is the not-found of rows no domain error names (an Otomax member, a text
	// identity, a session).
	ErrNotFound = store.ErrNotFound
	// ErrUnavailable wraps a write's error when the database cannot take writes at all (disk
	// full, read-only): the call was not taken and may be made again unchanged.
	ErrUnavailable = store.ErrUnavailable
	// ErrTOTPEnabled refuses to begin a second factor's setup while one is on.
	ErrTOTPEnabled = store.ErrTOTPEnabled
)
