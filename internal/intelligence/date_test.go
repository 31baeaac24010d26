package intelligence

import (
	"encoding/json"
	"testing"
	"time"
)

func TestDate(t *testing.T) {
	d := NewDate(2025, time.March, 1)
	if d.String() != "2025-03-01" || d.Weekday() != time.Saturday || d.WeekStart().String() != "2025-02-24" {
		t.Fatalf("%s %s %s", d, d.Weekday(), d.WeekStart())
	}
	if NewDate(1969, time.December, 31) != -1 || NewDate(1969, time.December, 31).Weekday() != time.Wednesday {
		t.Fatal("dates before the epoch")
	}
	if d.AddDays(-1).String() != "2025-02-28" || d.AddDays(365).DaysSince(d) != 365 || d.Month() != "2025-03" {
		t.Fatal("arithmetic")
	}
	paris, _ := time.LoadLocation("Europe/Paris")
	late := time.Date(2025, 3, 1, 23, 30, 0, 0, time.UTC) // 00:30 on 2 March in Paris
	if DateOf(late, nil).String() != "2025-03-01" || (paris != nil && DateOf(late, paris).String() != "2025-03-02") {
		t.Fatal("DateOf zones")
	}
	b, _ := json.Marshal(struct{ D Date }{d})
	if string(b) != `{"D":"2025-03-01"}` {
		t.Fatalf("json %s", b)
	}
	var back struct{ D Date }
	if err := json.Unmarshal(b, &back); err != nil || back.D != d {
		t.Fatal("round trip")
	}
	if _, err := ParseDate("2025-13-01"); err == nil {
		t.Fatal("bad date accepted")
	}
}
