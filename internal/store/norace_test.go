//go:build !race

package store

const slowWriteRows = 300_000
