// Package archtest holds the test of the import rules that keep Kios's layers apart (see
// docs/ARCHITECTURE.md, "Import rules"). It has no code of its own.
package archtest
