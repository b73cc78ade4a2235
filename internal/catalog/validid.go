package catalog

import "errors"

// ErrIDNotFound: the product requires a valid ID (require_valid_id) and the ID check says the
// destination does not exist ("ID tidak ditemukan"); the order is refused before any hold.
var ErrIDNotFound = errors.New("ID tidak ditemukan")
