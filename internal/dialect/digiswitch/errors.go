package digiswitch

import "github.com/kios-h2h/kios/internal/dialect/flazzserver"

// rcOf maps a core error to the dialect's rc and message (flazzserver decides which). ok is false
// for an error that is not a refusal but a fault.
func rcOf(err error) (rc, msg string, ok bool) {
	ref, ok := flazzserver.RefusalOf(err)
	return ref.RC, ref.Digiswitch, ok
}
