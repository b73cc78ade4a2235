package web

import (
	"context"
	"time"

	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/order"
)

// DayStats is one day on the overview.
type DayStats struct {
	Day     string `json:"day"`
	Orders  int64  `json:"orders"`
	Success int64  `json:"success"`
	Failed  int64  `json:"failed"`
	Pending int64  `json:"pending"`
	Sales   int64  `json:"sales"`
	Cost    int64  `json:"cost"`
	Margin  int64  `json:"margin"`
}

// Overview is what the dashboard's first page shows.
type Overview struct {
	Today        DayStats         `json:"today"`
	Days         []DayStats       `json:"days"`             // the last ChartDays days, oldest first, gaps filled
	StatusCounts map[string]int64 `json:"orders_by_status"` // testing orders left out, as in Today and Days
	Testing      int64            `json:"testing_orders"`   // testing orders, counted apart
	Queue        map[string]int64 `json:"queue"`
	Owed         int64            `json:"balances_owed"`
}

// ChartDays is how many days the sales chart spans.
const ChartDays = 14

func (h *handler) overview(ctx context.Context) (*Overview, error) {
	now := h.svc.Now()
	days := make([]string, ChartDays)
	for i := range days {
		days[i] = catalog.Day(now.AddDate(0, 0, i-ChartDays+1))
	}
	sales, err := h.svc.SalesByDay(ctx, days[0])
	if err != nil {
		return nil, err
	}
	byDay := map[string]order.DaySales{}
	for _, d := range sales {
		byDay[d.Day] = d
	}
	ov := &Overview{StatusCounts: map[string]int64{"Pending": 0, "Success": 0, "Failed": 0}}
	for _, day := range days {
		d := byDay[day]
		ov.Days = append(ov.Days, DayStats{Day: day, Orders: d.Orders, Success: d.Success, Failed: d.Failed, Pending: d.Pending,
			Sales: d.Sales, Cost: d.Cost, Margin: d.Margin()})
	}
	ov.Today = ov.Days[len(ov.Days)-1]
	counts, testing, err := h.svc.OrderCountsBySale(ctx)
	if err != nil {
		return nil, err
	}
	for st, n := range counts {
		ov.StatusCounts[string(st)] = n
	}
	for _, n := range testing {
		ov.Testing += n
	}
	if ov.Queue, err = h.svc.JobCounts(ctx); err != nil {
		return nil, err
	}
	if ov.Owed, err = h.svc.BalancesOwed(ctx); err != nil {
		return nil, err
	}
	return ov, nil
}

// rupiah formats an amount the Indonesian way: "Rp 1.389.000".
func rupiah(n int64) string { return ledger.FormatRupiah(n) }

// wib shows a time in Jakarta, where the operators are.
func wib(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(catalog.Jakarta).Format("2006-01-02 15:04:05")
}
