//go:build race

package store

// The race detector slows SQLite (compiled Go) about a hundredfold.
const slowWriteRows = 30_000
