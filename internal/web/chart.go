package web

import (
	"fmt"
	"html/template"
	"strings"
)

// salesChart draws sales and margin per day as an inline SVG bar chart, rendered on the server so
// the dashboard needs no charting script. Every value written is a number or a fixed string.
func salesChart(days []DayStats) template.HTML {
	const w, h, left, bottom, top = 720, 240, 70, 28, 16
	var max int64 = 1
	for _, d := range days {
		if d.Sales > max {
			max = d.Sales
		}
	}
	max = niceCeil(max)
	plotH := float64(h - bottom - top)
	slot := float64(w-left-10) / float64(len(days))
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-label="Sales and margin per day, last %d days" xmlns="http://www.w3.org/2000/svg">`, w, h, len(days))
	// Grid lines with amounts.
	for i := 0; i <= 4; i++ {
		v := max * int64(i) / 4
		y := float64(top) + plotH - plotH*float64(i)/4
		fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" class="grid"/>`, left, y, w-10, y)
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" class="axis" text-anchor="end">%s</text>`, left-6, y+4, shortRupiah(v))
	}
	for i, d := range days {
		x := float64(left) + slot*float64(i)
		bw := slot * 0.7
		sh := plotH * float64(d.Sales) / float64(max)
		mh := plotH * float64(d.Margin) / float64(max)
		if mh < 0 {
			mh = 0
		}
		fmt.Fprintf(&b, `<g><title>%s: sales %s, margin %s, %d orders</title>`, d.Day, rupiah(d.Sales), rupiah(d.Margin), d.Orders)
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" class="bar-sales" data-day="%s"/>`,
			x+slot*0.15, float64(top)+plotH-sh, bw, sh, d.Day)
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" class="bar-margin"/>`,
			x+slot*0.3, float64(top)+plotH-mh, bw*0.55, mh)
		fmt.Fprintf(&b, `</g><text x="%.1f" y="%d" class="axis" text-anchor="middle">%s</text>`, x+slot/2, h-8, d.Day[5:])
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // #nosec G203 -- built only from numbers and day strings generated above
}

// niceCeil rounds up to 1, 2 or 5 times a power of ten, for round axis labels.
func niceCeil(n int64) int64 {
	p := int64(1)
	for p*10 <= n {
		p *= 10
	}
	for _, m := range []int64{1, 2, 5, 10} {
		if m*p >= n {
			return m * p
		}
	}
	return 10 * p
}

func shortRupiah(n int64) string {
	switch {
	case n >= 1_000_000_000:
		return fmt.Sprintf("%gM", float64(n)/1e9)
	case n >= 1_000_000:
		return fmt.Sprintf("%gjt", float64(n)/1e6)
	case n >= 1_000:
		return fmt.Sprintf("%grb", float64(n)/1e3)
	}
	return fmt.Sprint(n)
}
