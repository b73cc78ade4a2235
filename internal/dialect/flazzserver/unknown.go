package flazzserver

import (
	"net/http"

	"github.com/kios-h2h/kios/client/flazz"
)

// Unknown is the answer to a path or method the API does not have, in the family's format: its
// HTTP status and data. It sets the Allow header of a 405.
func Unknown(w http.ResponseWriter, r *http.Request) (int, flazz.Refusal) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		return http.StatusMethodNotAllowed, flazz.Refusal{RC: flazz.RCPayload, Status: flazz.StatusFailed,
			Message: "Gunakan metode POST dengan body JSON"}
	}
	return http.StatusNotFound, flazz.Refusal{RC: flazz.RCPayload, Status: flazz.StatusFailed,
		Message: "Endpoint tidak dikenal: " + r.URL.Path}
}
