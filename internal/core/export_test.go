package core

import "github.com/kios-h2h/kios/internal/store"

// EpochMaxAge is epochMaxAge for the external tests: how long they wait for a change made through
// another handle to be seen.
const EpochMaxAge = epochMaxAge

// DB is the service's store, for the external tests that look at what the core wrote (the
// service itself hands its store to no one).
func (s *Service) DB() *store.DB { return s.db }
