package otomax

import (
	"errors"
	"net/url"
	"testing"
)

func TestRequestRoundTrip(t *testing.T) {
	in := Request{MemberID: "M1", Product: "S5", Dest: "0812", RefID: "r-1", Qty: 2, Sign: Sign("M1", "S5", "0812", "r-1", "1234", "pw"), Check: true}
	out, err := ParseRequest(in.Query())
	if err != nil {
		t.Fatal(err)
	}
	if out != in {
		t.Fatalf("round trip: %+v, want %+v", out, in)
	}
}

func TestParseRequestCaseOfNames(t *testing.T) {
	q := url.Values{"memberid": {"M1"}, "product": {"S5"}, "dest": {"0812"}, "refid": {"9"}, "sign": {"x"}}
	r, err := ParseRequest(q)
	if err != nil || r.MemberID != "M1" || r.RefID != "9" {
		t.Fatalf("ParseRequest(lower-case names) = %+v, %v", r, err)
	}
}

func TestParseRequestRefuses(t *testing.T) {
	good := func() url.Values {
		return url.Values{"memberID": {"M1"}, "product": {"S5"}, "dest": {"0812"}, "refID": {"9"}, "sign": {"x"}}
	}
	for name, edit := range map[string]func(url.Values){
		"no memberID":      func(q url.Values) { q.Del("memberID") },
		"no product":       func(q url.Values) { q.Del("product") },
		"no dest":          func(q url.Values) { q.Del("dest") },
		"no refID":         func(q url.Values) { q.Del("refID") },
		"blank refID":      func(q url.Values) { q.Set("refID", "  ") },
		"no sign nor pin":  func(q url.Values) { q.Del("sign") },
		"refID twice":      func(q url.Values) { q.Add("refID", "10") },
		"refID two cases":  func(q url.Values) { q.Set("refid", "10") },
		"qty zero":         func(q url.Values) { q.Set("qty", "0") },
		"qty negative":     func(q url.Values) { q.Set("qty", "-1") },
		"qty words":        func(q url.Values) { q.Set("qty", "two") },
		"qty huge":         func(q url.Values) { q.Set("qty", "100000001") },
		"check 2":          func(q url.Values) { q.Set("check", "2") },
		"control in dest":  func(q url.Values) { q.Set("dest", "0812\n") },
		"control in refID": func(q url.Values) { q.Set("refID", "9\x00") },
	} {
		q := good()
		edit(q)
		if _, err := ParseRequest(q); !errors.Is(err, ErrMissing) && !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrMissing or ErrInvalid", name, err)
		}
	}
}

func TestReportRoundTripAndURL(t *testing.T) {
	in := Report{ServerID: "T77", ClientID: "r-1", StatusCode: ReportSuccess, KP: "S5", MSISDN: "0812", SN: "123/ABC", Msg: "R#r-1 S5. 0812 SUKSES. SN: 123/ABC"}
	u, err := in.URL("https://shop.example/report?token=abc")
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	if parsed.Query().Get("token") != "abc" {
		t.Fatalf("the downline's own query was dropped: %s", u)
	}
	out, err := ParseReport(parsed.Query())
	if err != nil {
		t.Fatal(err)
	}
	if out != in {
		t.Fatalf("round trip: %+v, want %+v", out, in)
	}
}

func TestParseReportRefuses(t *testing.T) {
	for name, q := range map[string]url.Values{
		"no clientid":     {"statuscode": {"1"}},
		"no statuscode":   {"clientid": {"r1"}},
		"statuscode 0":    {"clientid": {"r1"}, "statuscode": {"0"}},
		"statuscode 3":    {"clientid": {"r1"}, "statuscode": {"3"}},
		"statuscode word": {"clientid": {"r1"}, "statuscode": {"sukses"}},
		"clientid twice":  {"clientid": {"r1", "r2"}, "statuscode": {"1"}},
	} {
		if _, err := ParseReport(q); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
