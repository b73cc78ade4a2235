package storetest

// postgresBackend returns the PostgreSQL backend when KIOS_TEST_PG is set. Filled in with the
// PostgreSQL backend.
func postgresBackend() *Backend { return nil }
