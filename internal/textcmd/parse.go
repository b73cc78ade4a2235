// Package textcmd is the text channels' one engine: it parses the market's text commands
// (`KODE.TUJUAN.PIN` and the rest, as Otomax and IRS centers take them), checks the sender's
// bound identity and PIN, runs the command on the core and answers in Indonesian, in the form
// downline software parses. Transports (Telegram, Jabber, WhatsApp) are small adapters around
// Engine.Handle; replies and the final answers of orders go through a durable outbox.
package textcmd

import (
	"strconv"
	"strings"
)

// Kind names a command.
type Kind int

// The commands.
const (
	Buy       Kind = iota + 1 // KODE.TUJUAN.PIN, KODE.N.TUJUAN.PIN, several joined by ","
	Balance                   // SAL.PIN, S.PIN
	Price                     // H.KODE.PIN, CH.KODE.PIN
	Ticket                    // TIKET.NOMINAL.PIN
	Check                     // CEK.TUJUAN.PIN
	Report                    // LAP.PIN
	ChangePIN                 // GP.OLD.NEW
	Help                      // HELP
	Transfer                  // TRANS.ID.JUMLAH.PIN: balance to a direct downline (issue 21)
	Exchange                  // TUKAR.PIN: accrued commission into balance (issue 21)
	Register                  // REG.NAMA.NOHP.MARKUP.PIN: a new direct downline (issue 21)
	SetMarkup                 // MP.ID.KODE=N,KODE=N.PIN: a downline's markups per product or variant (issue 21)
)

// Item is one purchase of a Buy.
type Item struct {
	Code  string // as typed
	Count int    // the N of KODE.N.TUJUAN: the N-th purchase of it to that number today; 0 when not given
	Dest  string
}

// MarkupItem is one KODE=N of an MP.
type MarkupItem struct {
	Code   string // a product or variant code, as typed
	Rupiah int64
}

// Command is a parsed message.
type Command struct {
	Kind    Kind
	Items   []Item       // Buy
	Markups []MarkupItem // SetMarkup
	Name    string       // Register: the downline's name
	Phone   string       // Register: its phone number
	Ref     string       // Buy: the R#REF given, "" when none
	Arg     string       // Price: the code prefix; Ticket: the amount; Check: the destination; Transfer, SetMarkup: the downline
	Amount  int64        // Ticket, Transfer; Register: the markup
	PIN     string       // the PIN (ChangePIN: the old one)
	NewPIN  string       // ChangePIN
}

// ParseError is a message that is not a valid command; Reason says why, in Indonesian.
type ParseError struct{ Reason string }

func (e *ParseError) Error() string { return e.Reason }

func bad(reason string) error { return &ParseError{reason} }

// Limits of what a message may hold.
const (
	MaxMessage = 1000 // bytes
	MaxItems   = 10   // purchases in one message
	MaxCount   = 99   // the N of KODE.N.TUJUAN
	MaxCode    = 32
	MaxDest    = 64
	MaxRef     = 40
)

// Parse reads one message. Keywords and codes are case-insensitive; '.', '*' and '#' all
// separate fields (as Otomax centers accept them); an explicit reference is a last word
// `R#REF`. A keyword takes precedence over a product of the same code: `H.X.PIN` is always a
// price question (buy such a product with its counter, `H.1.TUJUAN.PIN`).
func Parse(msg string) (Command, error) {
	body, ref, err := splitMessage(msg)
	if err != nil {
		return Command{}, err
	}
	switch strings.ToUpper(body) {
	case "HELP", "BANTUAN", "?":
		if ref != "" {
			return Command{}, bad("R#REF hanya untuk transaksi")
		}
		return Command{Kind: Help}, nil
	}
	if kw, _, _ := strings.Cut(body, "."); strings.EqualFold(kw, "MP") {
		if ref != "" {
			return Command{}, bad("R#REF hanya untuk transaksi")
		}
		return parseMarkup(body)
	}
	if strings.Contains(body, ",") {
		return parseBuy(body, ref)
	}
	f := strings.Split(body, ".")
	for _, x := range f {
		if x == "" {
			return Command{}, bad("ada bagian kosong di antara titik")
		}
	}
	kw := strings.ToUpper(f[0])
	if ref != "" && (len(f) < 3 || len(f) == 3 && isKeyword3(kw)) {
		return Command{}, bad("R#REF hanya untuk transaksi")
	}
	if c, ok, err := parseKeyword(kw, f, ref); ok {
		return c, err
	}
	return parseBuy(body, ref)
}

// splitMessage splits a message into its command (body, with '*' and '#' turned into the '.'
// that separates fields) and the reference of an optional last word R#REF: a space is allowed
// only before it.
func splitMessage(msg string) (body, ref string, err error) {
	msg = strings.TrimSpace(msg)
	if msg == "" {
		return "", "", bad("pesan kosong")
	}
	if len(msg) > MaxMessage {
		return "", "", bad("pesan terlalu panjang")
	}
	words := strings.Fields(msg)
	switch len(words) {
	case 1:
	case 2:
		r, ok := cutPrefixFold(words[1], "R#")
		if !ok {
			return "", "", bad("spasi hanya boleh sebelum R#REF")
		}
		if err := checkRef(r); err != nil {
			return "", "", err
		}
		ref = r
	default:
		return "", "", bad("spasi hanya boleh sebelum R#REF")
	}
	body = strings.Map(func(r rune) rune {
		if r == '*' || r == '#' {
			return '.'
		}
		return r
	}, words[0])
	return body, ref, nil
}

// parseKeyword reads the commands named by a keyword, from the fields f (kw is f[0] in upper
// case); ok false when kw with this many fields names none, so the message is a purchase.
func parseKeyword(kw string, f []string, ref string) (c Command, ok bool, err error) {
	switch {
	case kw == "TRANS" && len(f) >= 4:
		c, err = parseTransfer(f, ref)
	case kw == "REG" && len(f) == 5:
		c, err = parseRegister(f, ref)
	case kw == "REG" && len(f) > 5:
		err = bad("format: REG.NAMA.NOHP.MARKUP.PIN")
	case (kw == "SAL" || kw == "S" || kw == "SALDO") && len(f) == 2:
		c, err = withPIN(Command{Kind: Balance}, f[1])
	case kw == "TUKAR" && len(f) == 2:
		c, err = withPIN(Command{Kind: Exchange}, f[1])
	case kw == "LAP" && len(f) == 2:
		c, err = withPIN(Command{Kind: Report}, f[1])
	case len(f) == 2:
		err = bad("format tidak dikenal")
	case (kw == "H" || kw == "CH") && len(f) == 3:
		if err = checkCode(f[1]); err == nil {
			c, err = withPIN(Command{Kind: Price, Arg: f[1]}, f[2])
		}
	case (kw == "TIKET") && len(f) == 3:
		n, ok := digits(f[1], 12)
		if !ok || n <= 0 {
			err = bad("nominal harus angka tanpa titik, mis. TIKET.100000.PIN")
		} else {
			c, err = withPIN(Command{Kind: Ticket, Arg: f[1], Amount: n}, f[2])
		}
	case (kw == "CEK") && len(f) == 3:
		if err = checkDest(f[1]); err == nil {
			c, err = withPIN(Command{Kind: Check, Arg: f[1]}, f[2])
		}
	case (kw == "GP") && len(f) == 3:
		c, err = parseChangePIN(f)
	case kw == "SAL" || kw == "S" || kw == "SALDO" || kw == "LAP" || kw == "TUKAR":
		err = bad("format: " + kw + ".PIN")
	default:
		return Command{}, false, nil
	}
	if err != nil {
		return Command{}, true, err
	}
	return c, true, nil
}

// parseTransfer reads TRANS.DOWNLINE.AMOUNT.PIN.
func parseTransfer(f []string, ref string) (Command, error) {
	// A username may hold dots: the downline is everything between the keyword and the amount.
	id := strings.ToLower(strings.Join(f[1:len(f)-2], "."))
	if err := checkUsername(id); err != nil {
		return Command{}, err
	}
	n, ok := digits(f[len(f)-2], 15)
	if !ok || n <= 0 {
		return Command{}, bad("jumlah harus angka tanpa titik, mis. TRANS.ID.50000.PIN")
	}
	return withPIN(Command{Kind: Transfer, Arg: id, Amount: n, Ref: ref}, f[len(f)-1])
}

// parseRegister reads REG.NAMA.NOHP.MARKUP.PIN, which takes no reference.
func parseRegister(f []string, ref string) (Command, error) {
	if ref != "" {
		return Command{}, bad("R#REF hanya untuk transaksi")
	}
	if len(f[1]) > 64 || !isName(f[1]) {
		return Command{}, bad("NAMA hanya huruf, angka, _ dan -, paling panjang 64")
	}
	hp := strings.TrimPrefix(f[2], "+")
	if _, ok := digits(hp, 15); !ok || len(hp) < 8 {
		return Command{}, bad("NOHP harus 8-15 angka, mis. 081234567890")
	}
	m, ok := digits(f[3], 15)
	if !ok {
		return Command{}, bad("MARKUP harus angka rupiah tanpa titik, mis. REG.TokoAni.081234567890.100.PIN")
	}
	return withPIN(Command{Kind: Register, Name: f[1], Phone: hp, Amount: m}, f[4])
}

// parseChangePIN reads GP.OLDPIN.NEWPIN.
func parseChangePIN(f []string) (Command, error) {
	if !validPIN(f[2]) {
		return Command{}, bad("PIN baru harus 4-8 angka")
	}
	if f[1] == f[2] {
		return Command{}, bad("PIN baru sama dengan PIN lama")
	}
	return withPIN(Command{Kind: ChangePIN, NewPIN: f[2]}, f[1])
}

// MaxMarkups bounds the KODE=N of one MP.
const MaxMarkups = 20

// parseMarkup reads `MP.ID.KODE=N,KODE=N.PIN`. A username may hold dots, codes never do: the
// downline is everything between the keyword and the list.
func parseMarkup(body string) (Command, error) {
	f := strings.Split(body, ".")
	for _, x := range f {
		if x == "" {
			return Command{}, bad("ada bagian kosong di antara titik")
		}
	}
	if len(f) < 4 {
		return Command{}, bad("format: MP.ID.KODE=N,KODE=N.PIN")
	}
	id := strings.ToLower(strings.Join(f[1:len(f)-2], "."))
	if err := checkUsername(id); err != nil {
		return Command{}, err
	}
	c := Command{Kind: SetMarkup, Arg: id}
	items := strings.Split(f[len(f)-2], ",")
	if len(items) > MaxMarkups {
		return Command{}, bad("paling banyak " + strconv.Itoa(MaxMarkups) + " KODE=N dalam satu pesan")
	}
	seen := map[string]bool{}
	for _, it := range items {
		code, n, ok := strings.Cut(it, "=")
		if !ok || code == "" {
			return Command{}, bad("format: MP.ID.KODE=N,KODE=N.PIN")
		}
		if err := checkCode(code); err != nil {
			return Command{}, err
		}
		v, ok := digits(n, 15)
		if !ok {
			return Command{}, bad("N harus angka rupiah tanpa titik, mis. MP.ID.S5=100.PIN")
		}
		if seen[strings.ToUpper(code)] {
			return Command{}, bad("kode " + strings.ToUpper(code) + " dua kali")
		}
		seen[strings.ToUpper(code)] = true
		c.Markups = append(c.Markups, MarkupItem{Code: code, Rupiah: v})
	}
	return withPIN(c, f[len(f)-1])
}

func isName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(isAlnum(c) || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

func isKeyword3(kw string) bool {
	switch kw {
	case "H", "CH", "TIKET", "CEK", "GP":
		return true
	}
	return false
}

// parseBuy reads `KODE.TUJUAN[,KODE.TUJUAN…].PIN`, each purchase optionally `KODE.N.TUJUAN`.
func parseBuy(body, ref string) (Command, error) {
	parts := strings.Split(body, ",")
	if len(parts) > MaxItems {
		return Command{}, bad("paling banyak " + strconv.Itoa(MaxItems) + " transaksi dalam satu pesan")
	}
	c := Command{Kind: Buy, Ref: ref}
	for i, p := range parts {
		f := strings.Split(p, ".")
		for _, x := range f {
			if x == "" {
				return Command{}, bad("ada bagian kosong di antara titik atau koma")
			}
		}
		last := i == len(parts)-1
		if last {
			pin := f[len(f)-1]
			if !validPIN(pin) {
				return Command{}, bad("PIN harus 4-8 angka di akhir pesan, mis. KODE.TUJUAN.PIN")
			}
			c.PIN = pin
			f = f[:len(f)-1]
		}
		var it Item
		switch len(f) {
		case 2:
			it = Item{Code: f[0], Dest: f[1]}
		case 3:
			n, ok := digits(f[1], 2)
			if !ok || n < 1 || n > MaxCount {
				return Command{}, bad("format: KODE.TUJUAN.PIN atau KODE.N.TUJUAN.PIN (N transaksi ke-N hari ini)")
			}
			it = Item{Code: f[0], Count: int(n), Dest: f[2]}
		default:
			return Command{}, bad("format: KODE.TUJUAN.PIN atau KODE.N.TUJUAN.PIN")
		}
		if err := checkCode(it.Code); err != nil {
			return Command{}, err
		}
		if err := checkDest(it.Dest); err != nil {
			return Command{}, err
		}
		c.Items = append(c.Items, it)
	}
	return c, nil
}

func withPIN(c Command, pin string) (Command, error) {
	if !validPIN(pin) {
		return Command{}, bad("PIN harus 4-8 angka")
	}
	c.PIN = pin
	return c, nil
}

// validPIN: 4 to 8 ASCII digits.
func validPIN(s string) bool {
	_, ok := digits(s, 8)
	return ok && len(s) >= 4
}

// ValidPIN reports whether s is a PIN: 4 to 8 digits.
func ValidPIN(s string) bool { return validPIN(s) }

// digits parses 1 to max ASCII digits.
func digits(s string, max int) (int64, bool) {
	if s == "" || len(s) > max {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

func checkCode(s string) error {
	if len(s) > MaxCode {
		return bad("kode produk terlalu panjang")
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isAlnum(c) || c == '_' || c == '-') {
			return bad("kode produk hanya huruf, angka, _ dan -")
		}
	}
	return nil
}

// checkUsername: a reseller's username as reseller.ValidateUsername takes it.
func checkUsername(s string) error {
	if len(s) < 3 || len(s) > 32 {
		return bad("ID harus 3-32 karakter")
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.') {
			return bad("ID hanya huruf, angka, titik, _ dan -")
		}
	}
	return nil
}

func checkDest(s string) error {
	if len(s) > MaxDest {
		return bad("nomor tujuan terlalu panjang")
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isAlnum(c) || c == '(' || c == ')' || c == '|' || c == '_' || c == '-') {
			return bad("nomor tujuan hanya huruf, angka dan ( ) | _ -")
		}
	}
	return nil
}

func checkRef(s string) error {
	if s == "" || len(s) > MaxRef {
		return bad("R#REF harus 1-" + strconv.Itoa(MaxRef) + " karakter")
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isAlnum(c) || c == '_' || c == '-' || c == '.') {
			return bad("R#REF hanya huruf, angka, titik, _ dan -")
		}
	}
	return nil
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}

// Mask hides the PINs of a message for logs and the inbox: the last field of the command
// (where every command but GP carries its PIN), and for GP both. It works on any text, parsed
// or not, since a malformed message may still hold a PIN.
func Mask(msg string) string {
	words := strings.Fields(msg)
	if len(words) == 0 {
		return ""
	}
	b := []byte(words[0])
	seps := 0
	lastSep := -1
	for i, c := range b {
		if c == '.' || c == '*' || c == '#' || c == ',' {
			seps++
			lastSep = i
		}
	}
	if seps == 0 {
		if strings.EqualFold(words[0], "help") || strings.EqualFold(words[0], "bantuan") {
			return strings.Join(words, " ")
		}
		words[0] = "****"
		return strings.Join(words, " ")
	}
	first := len(b)
	for i, c := range b {
		if c == '.' || c == '*' || c == '#' {
			first = i
			break
		}
	}
	from := lastSep + 1
	if strings.EqualFold(string(b[:first]), "GP") {
		from = first + 1
	}
	words[0] = string(b[:from]) + "****"
	return strings.Join(words, " ")
}
