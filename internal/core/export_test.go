package core

// EpochMaxAge is epochMaxAge for the external tests: how long they wait for a change made through
// another handle to be seen.
const EpochMaxAge = epochMaxAge
