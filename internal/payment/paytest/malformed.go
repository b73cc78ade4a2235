package paytest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/kios-h2h/kios/internal/payment"
)

// Case is one bad callback.
type Case struct {
	Name   string
	Header http.Header
	Body   []byte
}

// Malformed returns at least 30 bad callbacks of a kind about t: wrong types, huge, negative
// and fractional amounts, missing fields, wrong content types, bodies that are not what the
// provider sends, forged and missing signatures, and a body over payment.MaxBody. Those whose
// body is readable at all are signed by the provider's rule (over the bad body), so that they
// test what happens after the signature verified. None of them may move money.
func Malformed(kind string, t Tx) []Case {
	switch kind {
	case payment.Duitku:
		return duitkuMalformed(t)
	case payment.Moota:
		return mootaMalformed(t)
	}
	return jsonMalformed(kind, t)
}

// goodJSON is the provider's callback body about t as a map.
func goodJSON(kind string, t Tx) map[string]any {
	_, body := SignedCallback(kind, t)
	var m map[string]any
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		panic(err)
	}
	return m
}

// sign signs a JSON callback body by kind's rule; for Midtrans it recomputes signature_key from
// the (possibly bad) fields inside the body when they are strings.
func sign(kind string, body []byte) http.Header {
	h := http.Header{"Content-Type": {"application/json"}}
	switch kind {
	case payment.Tripay, payment.Sandbox:
		h.Set("X-Callback-Event", payment.TripayEvent)
		h.Set("X-Callback-Signature", payment.HMACSHA256(PrivateKey, body))
	case payment.Xendit:
		h.Set(payment.XenditTokenHeader, CallbackToken)
	case payment.Moota:
		h.Set(payment.MootaSignatureHeader, payment.HMACSHA256(Secret, body))
	}
	return h
}

func marshal(m map[string]any) []byte {
	b, _ := json.Marshal(m)
	return b
}

func jsonMalformed(kind string, t Tx) []Case {
	amountKey, refKey, statusKey, orderKey := "total_amount", "reference", "status", "merchant_ref"
	switch kind {
	case payment.Midtrans:
		amountKey, refKey, statusKey, orderKey = "gross_amount", "transaction_id", "transaction_status", "order_id"
	case payment.Xendit:
		amountKey, refKey, statusKey, orderKey = "amount", "id", "status", "external_id"
	}
	var out []Case
	with := func(name string, mutate func(m map[string]any)) {
		m := goodJSON(kind, t)
		mutate(m)
		if kind == payment.Midtrans {
			o, _ := m["order_id"].(string)
			sc, _ := m["status_code"].(string)
			g, _ := m["gross_amount"].(string)
			if _, keep := m["signature_key"].(string); keep {
				m["signature_key"] = payment.MidtransSignature(o, sc, g, ServerKey)
			}
		}
		b := marshal(m)
		out = append(out, Case{name, sign(kind, b), b})
	}
	raw := func(name string, body []byte) {
		out = append(out, Case{name, sign(kind, body), body})
	}
	for _, v := range []struct {
		name string
		val  any
	}{
		{"amount string word", "sepuluh ribu"}, {"amount negative", -10000}, {"amount negative string", "-10000"},
		{"amount huge", json.Number("100000000000000000000")}, {"amount above max", payment.MaxAmount + 1},
		{"amount fraction", 10000.5}, {"amount fraction string", "10000.50"}, {"amount bool", true}, {"amount null", nil},
		{"amount object", map[string]any{"value": 10000}}, {"amount array", []any{10000}}, {"amount exponent", json.Number("1e5")},
		{"amount zero", 0}, {"amount empty string", ""}, {"amount plus sign", "+10000"}, {"amount hex", "0x2710"},
	} {
		v := v
		with(v.name, func(m map[string]any) { m[amountKey] = v.val })
	}
	with("amount missing", func(m map[string]any) { delete(m, amountKey) })
	with("reference missing", func(m map[string]any) { delete(m, refKey) })
	with("reference object", func(m map[string]any) { m[refKey] = map[string]any{"id": 1} })
	with("reference control character", func(m map[string]any) { m[refKey] = "REF\x00\n1" })
	with("reference too long", func(m map[string]any) { m[refKey] = strings.Repeat("R", 300) })
	with("status unknown", func(m map[string]any) { m[statusKey] = "LUNAS_BANGET" })
	with("status missing", func(m map[string]any) { delete(m, statusKey) })
	with("status number", func(m map[string]any) { m[statusKey] = 1 })
	with("order id array", func(m map[string]any) { m[orderKey] = []any{"x"} })
	if kind == payment.Tripay || kind == payment.Sandbox {
		with("fee negative", func(m map[string]any) { m["fee_merchant"] = -1 })
		with("fee above amount", func(m map[string]any) { m["fee_merchant"] = t.Amount + 1 })
	}
	raw("empty body", []byte{})
	raw("not json", []byte("status=PAID&amount=10000"))
	raw("json array", []byte(`[`+string(marshal(goodJSON(kind, t)))+`]`))
	raw("trailing garbage", append(marshal(goodJSON(kind, t)), []byte(` {"status":"PAID"}`)...))
	raw("invalid utf8", append([]byte(`{"`+refKey+`":"`), 0xff, 0xfe, '"', '}'))
	raw("json null", []byte("null"))
	// Wrong content type, signed correctly.
	good := marshal(goodJSON(kind, t))
	h := sign(kind, good)
	h.Set("Content-Type", "text/plain")
	out = append(out, Case{"wrong content type", h, good})
	h = sign(kind, good)
	h.Set("Content-Type", "application/x-www-form-urlencoded")
	out = append(out, Case{"form content type", h, good})
	// Forgeries.
	forged := goodJSON(kind, t)
	forged[amountKey] = json.Number(strconv.FormatInt(t.Amount*10, 10))
	switch kind {
	case payment.Tripay, payment.Sandbox:
		h := sign(kind, good)
		h.Del("X-Callback-Signature")
		out = append(out, Case{"signature missing", h, good})
		h = sign(kind, good)
		h.Set("X-Callback-Signature", payment.HMACSHA256("wrong-key", good))
		out = append(out, Case{"signature other key", h, good})
		h = sign(kind, good)
		fb := marshal(forged)
		out = append(out, Case{"signature of another body", h, fb})
		h = sign(kind, good)
		h.Set("X-Callback-Event", "payment_status_x")
		out = append(out, Case{"event wrong", h, good})
		h = sign(kind, good)
		h.Del("X-Callback-Event")
		out = append(out, Case{"event missing", h, good})
	case payment.Midtrans:
		m := goodJSON(kind, t)
		m["signature_key"] = "00"
		out = append(out, Case{"signature wrong", sign(kind, marshal(m)), marshal(m)})
		m = goodJSON(kind, t)
		delete(m, "signature_key")
		out = append(out, Case{"signature missing", sign(kind, marshal(m)), marshal(m)})
		m = goodJSON(kind, t)
		m["gross_amount"] = strconv.FormatInt(t.Amount*10, 10) + ".00"
		out = append(out, Case{"amount changed after signing", sign(kind, marshal(m)), marshal(m)})
		m = goodJSON(kind, t)
		m["signature_key"] = payment.MidtransSignature(t.OrderID, "200", strconv.FormatInt(t.Amount, 10)+".00", "wrong-server-key")
		out = append(out, Case{"signature other key", sign(kind, marshal(m)), marshal(m)})
	case payment.Xendit:
		h := sign(kind, good)
		h.Del(payment.XenditTokenHeader)
		out = append(out, Case{"token missing", h, good})
		h = sign(kind, good)
		h.Set(payment.XenditTokenHeader, CallbackToken+"x")
		out = append(out, Case{"token wrong", h, good})
		h = sign(kind, good)
		h.Set(payment.XenditTokenHeader, "")
		out = append(out, Case{"token empty", h, good})
	}
	big := append([]byte(`{"pad":"`), []byte(strings.Repeat("A", payment.MaxBody))...)
	big = append(big, []byte(`"}`)...)
	raw("body over limit", big)
	return out
}

func duitkuMalformed(t Tx) []Case {
	base := func() url.Values {
		_, body := SignedCallback(payment.Duitku, t)
		v, _ := url.ParseQuery(string(body))
		return v
	}
	form := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	var out []Case
	// resigned: the signature recomputed over the bad values, as Duitku would sign them.
	resigned := func(name string, mutate func(v url.Values)) {
		v := base()
		mutate(v)
		v.Set("signature", payment.DuitkuCallbackSignature(v.Get("merchantCode"), v.Get("amount"), v.Get("merchantOrderId"), APIKey))
		out = append(out, Case{name, form.Clone(), []byte(v.Encode())})
	}
	unsigned := func(name string, mutate func(v url.Values)) {
		v := base()
		mutate(v)
		out = append(out, Case{name, form.Clone(), []byte(v.Encode())})
	}
	for _, a := range []string{"sepuluh", "-10000", "100000000000000000000", strconv.FormatInt(payment.MaxAmount+1, 10), "10000.5", "1e5", "0", "",
		"+10000", "0x2710", "10 000", "10,000", "true", "null"} {
		a := a
		resigned("amount "+strconv.Quote(a), func(v url.Values) { v.Set("amount", a) })
	}
	resigned("amount missing", func(v url.Values) { v.Del("amount") })
	resigned("order id missing", func(v url.Values) { v.Del("merchantOrderId") })
	resigned("order id control character", func(v url.Values) { v.Set("merchantOrderId", "DEP-\x00X") })
	resigned("reference missing", func(v url.Values) { v.Del("reference") })
	resigned("reference too long", func(v url.Values) { v.Set("reference", strings.Repeat("R", 300)) })
	resigned("result code unknown", func(v url.Values) { v.Set("resultCode", "77") })
	resigned("result code missing", func(v url.Values) { v.Del("resultCode") })
	resigned("amount twice", func(v url.Values) { v.Add("amount", "1") })
	unsigned("signature missing", func(v url.Values) { v.Del("signature") })
	unsigned("signature wrong", func(v url.Values) { v.Set("signature", payment.MD5Hex("x")) })
	unsigned("amount changed after signing", func(v url.Values) { v.Set("amount", strconv.FormatInt(t.Amount*10, 10)) })
	unsigned("other merchant", func(v url.Values) {
		v.Set("merchantCode", "D9999")
		v.Set("signature", payment.DuitkuCallbackSignature("D9999", v.Get("amount"), v.Get("merchantOrderId"), APIKey))
	})
	unsigned("signature other key", func(v url.Values) {
		v.Set("signature", payment.DuitkuCallbackSignature(MerchantCode, v.Get("amount"), v.Get("merchantOrderId"), "wrong"))
	})
	good := []byte(base().Encode())
	out = append(out, Case{"json content type", http.Header{"Content-Type": {"application/json"}}, good})
	out = append(out, Case{"text content type", http.Header{"Content-Type": {"text/plain"}}, good})
	out = append(out, Case{"bad form encoding", form.Clone(), []byte("amount=%zz&merchantCode=" + MerchantCode)})
	out = append(out, Case{"empty body", form.Clone(), nil})
	out = append(out, Case{"json body", form.Clone(), []byte(`{"resultCode":"00","amount":"10000"}`)})
	out = append(out, Case{"body over limit", form.Clone(), []byte("pad=" + strings.Repeat("A", payment.MaxBody))})
	return out
}

func mootaMalformed(t Tx) []Case {
	good := func() map[string]any {
		_, body := SignedCallback(payment.Moota, t)
		var arr []map[string]any
		dec := json.NewDecoder(strings.NewReader(string(body)))
		dec.UseNumber()
		if err := dec.Decode(&arr); err != nil {
			panic(err)
		}
		return arr[0]
	}
	var out []Case
	with := func(name string, mutate func(m map[string]any)) {
		m := good()
		mutate(m)
		b, _ := json.Marshal([]any{m})
		out = append(out, Case{name, sign(payment.Moota, b), b})
	}
	raw := func(name string, body []byte) { out = append(out, Case{name, sign(payment.Moota, body), body}) }
	for _, v := range []struct {
		name string
		val  any
	}{
		{"amount string word", "sepuluh ribu"}, {"amount negative", -10000}, {"amount huge", json.Number("100000000000000000000")},
		{"amount above max", payment.MaxAmount + 1}, {"amount fraction", 10000.5}, {"amount bool", true}, {"amount null", nil},
		{"amount object", map[string]any{"v": 1}}, {"amount exponent", json.Number("1e5")}, {"amount zero", 0}, {"amount plus", "+10000"},
	} {
		v := v
		with(v.name, func(m map[string]any) { m["amount"] = v.val })
	}
	with("amount missing", func(m map[string]any) { delete(m, "amount") })
	with("mutation id missing", func(m map[string]any) { delete(m, "mutation_id") })
	with("mutation id object", func(m map[string]any) { m["mutation_id"] = map[string]any{} })
	with("mutation id control character", func(m map[string]any) { m["mutation_id"] = "M\x001" })
	with("mutation id too long", func(m map[string]any) { m["mutation_id"] = strings.Repeat("M", 300) })
	with("type unknown", func(m map[string]any) { m["type"] = "XX" })
	with("type missing", func(m map[string]any) { delete(m, "type") })
	with("type number", func(m map[string]any) { m["type"] = 1 })
	raw("empty body", nil)
	raw("object not array", marshal(good()))
	raw("not json", []byte("mutation_id=1&amount=10000"))
	raw("trailing garbage", []byte(`[]{}`))
	raw("array of strings", []byte(`["a","b"]`))
	raw("invalid utf8", []byte{'[', '"', 0xff, '"', ']'})
	many := make([]any, payment.MaxMutations+1)
	for i := range many {
		m := good()
		m["mutation_id"] = "M" + strconv.Itoa(i)
		many[i] = m
	}
	mb, _ := json.Marshal(many)
	raw("too many mutations", mb)
	b, _ := json.Marshal([]any{good()})
	h := sign(payment.Moota, b)
	h.Set("Content-Type", "text/plain")
	out = append(out, Case{"wrong content type", h, b})
	h = sign(payment.Moota, b)
	h.Del(payment.MootaSignatureHeader)
	out = append(out, Case{"signature missing", h, b})
	h = sign(payment.Moota, b)
	h.Set(payment.MootaSignatureHeader, payment.HMACSHA256("wrong", b))
	out = append(out, Case{"signature other key", h, b})
	m := good()
	m["amount"] = t.Amount * 10
	fb, _ := json.Marshal([]any{m})
	out = append(out, Case{"signature of another body", sign(payment.Moota, b), fb})
	raw("body over limit", []byte(`[{"pad":"`+strings.Repeat("A", payment.MaxBody)+`"}]`))
	return out
}
