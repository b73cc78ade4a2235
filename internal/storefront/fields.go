package storefront

import (
	"regexp"

	"github.com/kios-h2h/kios/internal/catalog"
)

// Field is one input of a product's destination, as the product page asks for it.
type Field struct {
	Name    string `json:"name"`
	Label   string `json:"label"`    // Indonesian
	LabelEN string `json:"label_en"` // English
	Pattern string `json:"pattern"`  // what the field accepts (a regular expression, JavaScript-compatible)
	Hint    string `json:"hint,omitempty"`
}

// Form is how a product's fields make the order's destination (its "data" string).
type Form struct {
	Fields []Field `json:"fields"`
	// Format joins the fields into the destination: "{user_id}({zone_id})".
	Format string `json:"format"`
	// Pattern is what the whole destination must match.
	Pattern string `json:"pattern"`
	// Check says whether the ID check (nickname) applies: games only.
	Check bool `json:"check"`
}

// forms are the games whose destination has more than one part, for a catalog that does not
// describe them: a product's own destination format and pattern (catalog.Product.DestFormat,
// set by CSV, admin API or dashboard) come first, then these, then one ID or number.
var forms = map[string]Form{
	"mobile-legends": {
		Fields: []Field{
			{Name: "user_id", Label: "User ID", LabelEN: "User ID", Pattern: `^\d{6,12}$`, Hint: "12345678"},
			{Name: "zone_id", Label: "Zone ID", LabelEN: "Zone ID", Pattern: `^\d{1,6}$`, Hint: "1234"},
		},
		Format: "{user_id}({zone_id})", Pattern: `^\d{6,12}\(\d{1,6}\)$`, Check: true,
	},
	"genshin-impact": {
		Fields: []Field{
			{Name: "uid", Label: "UID", LabelEN: "UID", Pattern: `^\d{9,10}$`},
			{Name: "server", Label: "Server", LabelEN: "Server", Pattern: `^(os_asia|os_usa|os_euro|os_cht)$`, Hint: "os_asia"},
		},
		Format: "{uid}({server})", Pattern: `^\d{9,10}\((os_asia|os_usa|os_euro|os_cht)\)$`, Check: true,
	},
}

// formFor is a product's form: its own, else one game ID for a game, else a phone or customer
// number.
func formFor(p *catalog.Product) Form {
	if f, ok := catalogForm(p); ok {
		return f
	}
	if f, ok := forms[p.Code]; ok {
		return f
	}
	if isGame(p.Category) {
		return Form{Fields: []Field{{Name: "user_id", Label: "ID Pemain", LabelEN: "Player ID", Pattern: `^[0-9A-Za-z]{4,20}$`}},
			Format: "{user_id}", Pattern: `^[0-9A-Za-z]{4,20}$`, Check: true}
	}
	return Form{Fields: []Field{{Name: "number", Label: "Nomor HP / ID Pelanggan", LabelEN: "Phone or customer number", Pattern: `^[0-9]{6,20}$`, Hint: "081234567890"}},
		Format: "{number}", Pattern: `^[0-9]{6,20}$`}
}

// catalogForm is the form a product's catalog fields describe. A field's own pattern is left
// empty (the catalog has one pattern for the whole destination, checked on submit and by the
// API); a product with a pattern but no format takes one field under it.
func catalogForm(p *catalog.Product) (Form, bool) {
	if p.DestFormat == "" && p.DestPattern == "" {
		return Form{}, false
	}
	games := isGame(p.Category)
	if p.DestFormat == "" {
		label, labelEN := "Nomor HP / ID Pelanggan", "Phone or customer number"
		if games {
			label, labelEN = "ID Pemain", "Player ID"
		}
		return Form{Fields: []Field{{Name: "id", Label: label, LabelEN: labelEN}}, Format: "{id}", Pattern: p.DestPattern, Check: games}, true
	}
	fs, err := catalog.ParseDestFormat(p.DestFormat)
	if err != nil { // refused on the way in; a row written by hand falls back to the defaults
		return Form{}, false
	}
	f := Form{Format: catalog.DestTemplate(p.DestFormat), Pattern: p.DestPattern, Check: games}
	if f.Pattern == "" {
		f.Pattern = ".+"
	}
	for _, d := range fs {
		f.Fields = append(f.Fields, Field{Name: d.Name, Label: d.Label, LabelEN: d.Label})
	}
	return f, true
}

// valid reports whether a destination matches its product's form.
func (f Form) valid(dest string) bool {
	re, err := regexp.Compile(f.Pattern)
	return err == nil && re.MatchString(dest)
}
