package payment

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"strings"
)

// sandbox is the built-in gateway for demos and tests. It pays nothing: its instructions point
// at a page on this server (/sandbox/pay/{reference}) that marks the payment paid by sending a
// callback signed as Tripay would (X-Callback-Signature, HMAC-SHA256 with the sandbox's
// private key), which then takes the same verification path as a real one.
type sandbox struct{ tripay }

// SandboxPayPath is where a sandbox payment is paid, under the public URL.
const SandboxPayPath = "/sandbox/pay/"

func (s *sandbox) Create(_ context.Context, c Charge) (*Instructions, error) {
	method := nonEmpty(c.Method, "QRIS")
	if len(s.c.Methods) > 0 {
		m, err := pickMethod(s.c, c.Method)
		if err != nil {
			return nil, err
		}
		method = m
	}
	var b [10]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("crypto/rand: " + err.Error())
	}
	ref := "SBX-" + strings.ToUpper(hex.EncodeToString(b[:]))
	base := strings.TrimRight(s.c.BaseURL, "/")
	ins := &Instructions{Reference: ref, Amount: c.Amount, Method: method, ExpiresAt: c.ExpiresAt,
		CheckoutURL: base + SandboxPayPath + url.PathEscape(ref)}
	if strings.EqualFold(method, "QRIS") {
		ins.QRString = "00020101021226570011ID.KIOS.SANDBOX0118" + ref + "5204599953033605802ID5912KIOS SANDBOX6007JAKARTA6304ABCD"
	} else {
		ins.PayCode = "8808" + hex.EncodeToString(b[:4])
	}
	return ins, nil
}
