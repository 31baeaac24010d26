package intelligence

import (
	"fmt"
	"time"
)

// Date is a calendar day with no time zone, counted in days since
// 1970-01-01. Daily series (training load, sleep, HRV) are indexed by Date so
// that day arithmetic is integer arithmetic. It marshals as "YYYY-MM-DD".
type Date int32

// NewDate returns the Date for a calendar day. Out-of-range months and days
// are normalised as by time.Date.
func NewDate(year int, month time.Month, day int) Date {
	return DateOf(time.Date(year, month, day, 12, 0, 0, 0, time.UTC), time.UTC)
}

// DateOf returns the calendar day of t in loc (UTC when loc is nil). Use the
// athlete's zone when known: a 23:30 run belongs to that evening, not to the
// next UTC day.
func DateOf(t time.Time, loc *time.Location) Date {
	if loc == nil {
		loc = time.UTC
	}
	y, m, d := t.In(loc).Date()
	u := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix()
	return Date(floorDiv(u, 86400))
}

// ParseDate parses "YYYY-MM-DD".
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return 0, fmt.Errorf("date %q is not YYYY-MM-DD", s)
	}
	return DateOf(t, time.UTC), nil
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// Time returns midnight UTC of the day.
func (d Date) Time() time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

// AddDays returns the day n days later (earlier when n < 0).
func (d Date) AddDays(n int) Date { return d + Date(n) }

// DaysSince returns d − e in days.
func (d Date) DaysSince(e Date) int { return int(d - e) }

// Weekday returns the day of the week.
func (d Date) Weekday() time.Weekday {
	// 1970-01-01 was a Thursday.
	w := (int64(d) + 4) % 7
	if w < 0 {
		w += 7
	}
	return time.Weekday(w)
}

// WeekStart returns the Monday on or before d (ISO weeks).
func (d Date) WeekStart() Date {
	off := (int(d.Weekday()) + 6) % 7 // Monday → 0
	return d - Date(off)
}

// Month returns "YYYY-MM".
func (d Date) Month() string { return d.Time().Format("2006-01") }

func (d Date) String() string { return d.Time().Format(time.DateOnly) }

// MarshalText implements encoding.TextMarshaler ("YYYY-MM-DD").
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// checkDateOrder requires from ≤ to.
func checkDateOrder(fromField string, from Date, toField string, to Date) error {
	if to < from {
		return inputErr(toField, "(%s) must not be before %s (%s)", to, fromField, from)
	}
	return nil
}
