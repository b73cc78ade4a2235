// Package request reads a reseller dialect's request into its wire struct. It is the one place
// that decides where a request's fields travel (a JSON body, a form body, the query string), how
// large a body may be, and what is wrong with a request that cannot be read; each dialect turns
// the Error it returns into its own answer. What differs between dialects on the wire is an option
// of the Decoder, not a copy of it.
//
// Reading changes nothing: a request refused here has reached no core call.
package request

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
)

// DefaultMaxBody is the body limit when Decoder.MaxBody is 0: the largest legitimate body of any
// dialect is an order of a few short strings.
const DefaultMaxBody = 64 << 10

// Format is where a request's fields travel; formats combine with |.
type Format uint8

const (
	// JSON is a body holding one JSON value, UTF-8 whatever charset the Content-Type names (RFC
	// 8259; encoding/json turns invalid UTF-8 in a string into U+FFFD). Unknown fields are
	// ignored (reseller software sends extras), and of a key given twice the last is kept.
	JSON Format = 1 << iota
	// Form is an application/x-www-form-urlencoded body, read into url.Values.
	Form
	// Query is the URL's query string, read as net/url reads it: a pair that does not parse is
	// left out. The body is not read.
	Query
)

// Decoder reads requests in the formats a dialect accepts. The zero value of each option is the
// lenient one; a Decoder is a value, cheap to make per request.
type Decoder struct {
	// Accept is the formats the dialect takes. A GET or HEAD (which carry no body), or a request
	// to a dialect that takes the query only, is read from the query. A body is read as the one
	// body format accepted, whatever its Content-Type says (reseller software labels JSON as
	// text/plain, or not at all); where JSON and Form are both accepted, the Content-Type
	// application/x-www-form-urlencoded picks Form and anything else JSON.
	Accept Format
	// MaxBody is the largest body read, in bytes; 0 means DefaultMaxBody. A larger one is
	// TooLarge whatever it holds, and the server closes its connection after the answer.
	MaxBody int64
	// Object makes a JSON body whose first character, past white space, is not '{' (null
	// included) NotObject before it is parsed. Without it null reads as an empty object.
	Object bool
}

// ValuesReader is a wire struct read from a form body or a query string. An error it returns is
// Invalid, and its text is the reader's.
type ValuesReader interface {
	ReadValues(url.Values) error
}

// Kind is what is wrong with a request.
type Kind uint8

// The kinds of Error.
const (
	// TooLarge: the body is over the limit (Error.Limit).
	TooLarge Kind = iota + 1
	// Unreadable: the body could not be read (the client went away or sent less than it said).
	Unreadable
	// Empty: a JSON body of nothing but white space.
	Empty
	// NotObject: a JSON body that is not an object (see Decoder.Object), or a JSON value of
	// another type where the wire struct wants an object.
	NotObject
	// Malformed: a JSON body that is not JSON (trailing data included), or a form body that does
	// not parse.
	Malformed
	// WrongType: a JSON field of the wrong type (Error.Field, Error.Want).
	WrongType
	// Invalid: the ValuesReader refused the values (Error.Err says why).
	Invalid
)

// Error is a request that cannot be read. After WrongType the wire struct holds every other field
// (for a dialect that echoes them in its refusal); after any other kind it is untouched.
type Error struct {
	Kind Kind
	// Limit is the body limit in bytes (TooLarge).
	Limit int64
	// Field is the name of the field of the wrong type, as sent (WrongType): its own name, also
	// for a field of an embedded struct (requests are flat objects).
	Field string
	// Want is the JSON type the field takes (WrongType): "string", "number", "boolean", "array"
	// or "object".
	Want string
	// Err is the cause, when there is one.
	Err error
}

func (e *Error) Error() string {
	var s string
	switch e.Kind {
	case TooLarge:
		s = "body over " + strconv.FormatInt(e.Limit, 10) + " bytes"
	case Unreadable:
		s = "body unreadable"
	case Empty:
		s = "body empty"
	case NotObject:
		s = "body not a JSON object"
	case Malformed:
		s = "body malformed"
	case WrongType:
		s = "field " + e.Field + " must be a " + e.Want
	case Invalid:
		s = "invalid"
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return "request: " + s
}

func (e *Error) Unwrap() error { return e.Err }

// Decode reads r into dst: for JSON, anything encoding/json decodes into; for Form and Query, a
// *url.Values or a ValuesReader. w is the request's ResponseWriter, through which an oversized
// body closes the connection (nil in tests). A request that cannot be read is an *Error.
func (d Decoder) Decode(w http.ResponseWriter, r *http.Request, dst any) error {
	f := d.format(r)
	if f == Query {
		// The error of a pair that does not parse is dropped, as url.URL.Query drops it.
		q, _ := url.ParseQuery(r.URL.RawQuery)
		return values(q, dst)
	}
	body, err := d.body(w, r)
	if err != nil {
		return err
	}
	if f == Form {
		q, err := url.ParseQuery(string(body))
		if err != nil {
			return &Error{Kind: Malformed, Err: err}
		}
		return values(q, dst)
	}
	return d.json(body, dst)
}

// format is the format r is read in.
func (d Decoder) format(r *http.Request) Format {
	body := d.Accept &^ Query
	if d.Accept&Query != 0 && (body == 0 || r.Method == http.MethodGet || r.Method == http.MethodHead) {
		return Query
	}
	if body == JSON|Form {
		if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err == nil && mt == "application/x-www-form-urlencoded" {
			return Form
		}
		return JSON
	}
	return body
}

// body reads r's body whole, within the limit.
func (d Decoder) body(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	limit := d.MaxBody
	if limit <= 0 {
		limit = DefaultMaxBody
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		if mbe, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return nil, &Error{Kind: TooLarge, Limit: mbe.Limit, Err: err}
		}
		return nil, &Error{Kind: Unreadable, Err: err}
	}
	return b, nil
}

// json parses a JSON body into dst.
func (d Decoder) json(body []byte, dst any) error {
	if len(bytes.Trim(body, " \t\r\n")) == 0 {
		return &Error{Kind: Empty}
	}
	// bytes.TrimSpace, not JSON's four spaces: the rule Digiswitch has always applied.
	if d.Object && !bytes.HasPrefix(bytes.TrimSpace(body), []byte("{")) {
		return &Error{Kind: NotObject}
	}
	err := json.Unmarshal(body, dst)
	if err == nil {
		return nil
	}
	if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		if te.Field == "" {
			return &Error{Kind: NotObject, Err: err}
		}
		// Field is a path through embedded structs ("TransactionRequest.ref_id").
		field := te.Field[strings.LastIndexByte(te.Field, '.')+1:]
		return &Error{Kind: WrongType, Field: field, Want: jsonType(te.Type), Err: err}
	}
	// A syntax error, and whatever else encoding/json refuses: json.Unmarshal checks the whole
	// body before it fills dst, so dst is untouched.
	return &Error{Kind: Malformed, Err: err}
}

// jsonType names the JSON type a Go type is decoded from.
func jsonType(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Struct, reflect.Map:
		return "object"
	}
	return "number"
}

// values hands q to dst.
func values(q url.Values, dst any) error {
	switch v := dst.(type) {
	case *url.Values:
		*v = q
	case ValuesReader:
		if err := v.ReadValues(q); err != nil {
			return &Error{Kind: Invalid, Err: err}
		}
	default:
		// A bug of the dialect, not the caller's fault: not an *Error.
		return fmt.Errorf("request: cannot read values into %T", dst)
	}
	return nil
}
