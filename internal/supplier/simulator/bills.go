package simulator

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/kios-h2h/kios/client/digiswitch"
	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/supplier"
)

// The simulator's bills are a pure function of the product, the customer number and the current
// Jakarta month, so an inquiry asked twice (or after a restart) gives the same bill:
//
//   - a customer number ending in "0000" has no bill (and is no PLN prepaid customer);
//   - otherwise one bill of one to three months ending last month, with a penalty on every month
//     but the last; the customer's name, tariff and meter readings are derived from the number.

var firstNames = []string{"BUDI", "SITI", "AGUS", "DEWI", "EKO", "RINA", "HENDRA", "WATI", "JOKO", "NURUL", "ADI", "SRI"}
var lastNames = []string{"SANTOSO", "RAHAYU", "WIBOWO", "LESTARI", "SUSANTO", "HANDAYANI", "PRATAMA", "KURNIAWAN", "SETIAWAN", "WULANDARI"}
var streets = []string{"JL. MERDEKA", "JL. SUDIRMAN", "JL. KEBON JERUK", "JL. MANGGA DUA", "JL. CEMPAKA PUTIH", "JL. RAYA BOGOR"}

type tariff struct {
	class string
	power int64
}

var tariffs = []tariff{{"R1", 900}, {"R1", 1300}, {"R1", 2200}, {"R2", 3500}, {"R3", 6600}, {"B1", 1300}}

// seed is a stable pseudo-random stream for a key.
type seed struct {
	h [32]byte
	i int
}

func newSeed(parts ...string) *seed {
	return &seed{h: sha256.Sum256([]byte(strings.Join(parts, "\x00")))}
}

// next returns a number in [0, n).
func (s *seed) next(n int) int {
	if s.i+8 > len(s.h) {
		s.h = sha256.Sum256(s.h[:])
		s.i = 0
	}
	v := binary.BigEndian.Uint64(s.h[s.i : s.i+8])
	s.i += 8
	return int(v % uint64(n))
}

func customerName(s *seed) string {
	return firstNames[s.next(len(firstNames))] + " " + lastNames[s.next(len(lastNames))]
}

// Inquire implements supplier.Biller.
func (s *Simulator) Inquire(ctx context.Context, req supplier.BillRequest) (supplier.Bill, error) {
	if err := ctx.Err(); err != nil {
		return supplier.Bill{}, err
	}
	if strings.HasSuffix(req.CustomerNo, "0000") {
		return supplier.Bill{}, supplier.ErrNoBill
	}
	product := strings.ToUpper(req.Product)
	r := newSeed("bill", product, req.CustomerNo)
	bill := supplier.Bill{CustomerNo: req.CustomerNo, CustomerName: customerName(r), Sheets: 1 + r.next(3)}
	if r.next(2) == 0 {
		bill.Sheets = 1 // most customers owe one month
	}
	now := s.now().In(catalog.Jakarta)
	firstOfMonth := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, catalog.Jakarta)
	months := make([]time.Time, bill.Sheets)
	for i := range months {
		months[i] = firstOfMonth.AddDate(0, i-bill.Sheets, 0)
	}
	admin := strconv.FormatInt(req.AdminPerSheet, 10)
	var desc, paid any
	switch product {
	case "PLN":
		t := tariffs[r.next(len(tariffs))]
		meter := int64(10000 + r.next(90000))
		d := digiswitch.PLNDesc{Tarif: t.class, Daya: t.power, LembarTagihan: bill.Sheets}
		p := d
		for i, m := range months {
			kwh := int64(80 + r.next(400))
			amount := kwh * 1445 / 100 * 100
			penalty := int64(0)
			if i < len(months)-1 {
				penalty = 3000
			}
			bill.Amount += amount
			bill.Penalty += penalty
			item := digiswitch.PLNDetail{Periode: m.Format("200601"), NilaiTagihan: itoa(amount), Admin: admin, Denda: itoa(penalty)}
			d.Detail = append(d.Detail, item)
			item.MeterAwal, item.MeterAkhir = fmt.Sprintf("%08d", meter), fmt.Sprintf("%08d", meter+kwh)
			p.Detail = append(p.Detail, item)
			meter += kwh
		}
		desc, paid = d, p
	case "BPJS":
		members := 1 + r.next(4)
		d := digiswitch.BPJSDesc{JumlahPeserta: strconv.Itoa(members), LembarTagihan: bill.Sheets, Alamat: address(r)}
		for _, m := range months {
			bill.Amount += int64(members) * 35000
			d.Detail = append(d.Detail, digiswitch.BPJSDetail{Periode: m.Format("01")})
		}
		desc = d
	default: // PDAM and other water utilities
		meter := int64(1000 + r.next(9000))
		due := firstOfMonth.AddDate(0, 0, 19)
		d := digiswitch.PDAMDesc{Tarif: []string{"2A", "3A", "4A"}[r.next(3)], LembarTagihan: bill.Sheets, Alamat: address(r),
			JatuhTempo: due.Format("2006-01-02")}
		for i, m := range months {
			m3 := int64(10 + r.next(30))
			amount := m3 * 7500
			penalty := int64(0)
			if i < len(months)-1 {
				penalty = 5000
			}
			bill.Amount += amount
			bill.Penalty += penalty
			d.Detail = append(d.Detail, digiswitch.PDAMDetail{Periode: m.Format("2006-01"), NilaiTagihan: itoa(amount), Denda: itoa(penalty),
				MeterAwal: fmt.Sprintf("%08d", meter), MeterAkhir: fmt.Sprintf("%08d", meter+m3), BiayaLain: "0"})
			meter += m3
		}
		desc = d
	}
	var err error
	if bill.Desc, err = json.Marshal(desc); err != nil {
		return supplier.Bill{}, err
	}
	if paid != nil {
		if bill.PaidDesc, err = json.Marshal(paid); err != nil {
			return supplier.Bill{}, err
		}
	}
	return bill, nil
}

// PLNCustomer implements supplier.PLNChecker.
func (s *Simulator) PLNCustomer(ctx context.Context, customerNo string) (supplier.PLNCustomer, error) {
	if err := ctx.Err(); err != nil {
		return supplier.PLNCustomer{}, err
	}
	if strings.HasSuffix(customerNo, "0000") {
		return supplier.PLNCustomer{}, supplier.ErrUnknownCustomer
	}
	r := newSeed("pln", customerNo)
	t := tariffs[r.next(len(tariffs))]
	return supplier.PLNCustomer{
		CustomerNo:   customerNo,
		MeterNo:      fmt.Sprintf("%05d%06d", 10000+r.next(90000), r.next(1000000)),
		SubscriberID: customerNo,
		Name:         customerName(r),
		SegmentPower: fmt.Sprintf("%s /%09d", t.class, t.power),
	}, nil
}

func address(r *seed) string {
	return fmt.Sprintf("%s NO %d", streets[r.next(len(streets))], 1+r.next(120))
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
