// Package operator holds the distributor's own people as the core's callers see them: the admins
// who run Kios through the admin API and dashboard, and the API tokens they make for scripts.
// The store keeps them; package admin works on them through core services.
package operator

import (
	"errors"
	"time"
)

// Admin is a person who runs the distributor through the admin API and dashboard.
type Admin struct {
	ID           int64
	Username     string
	PasswordHash string // bcrypt
	Disabled     bool
	CreatedAt    time.Time
}

// Token is an API token an admin made for scripts. Only its hash is kept.
type Token struct {
	ID        int64
	Name      string
	TokenHash string
	UserID    int64
	Username  string // of UserID, filled by reads
	CreatedAt time.Time
}

// Errors of the admin tables.
var (
	ErrTaken    = errors.New("admin username already taken")
	ErrNotFound = errors.New("admin not found")
)
