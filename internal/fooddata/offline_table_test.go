package fooddata

import (
	"context"
	"strings"
	"testing"
)

func TestOfflineTableRejectsBadData(t *testing.T) {
	head := strings.Join(tableHeader, ",") + "\n"
	row := `173944,9040,"Bananas, raw",Fruits and Fruit Juices,89,1.09,22.84,0.33,2.6,12.23,1,0.112,358,5,0.26,1|118|1 medium,x` + "\n"
	cases := map[string]string{
		"header":    "fdc,desc\n" + row,
		"duplicate": head + row + row,
		"negative":  head + strings.Replace(row, ",89,", ",-89,", 1),
		"id":        head + strings.Replace(row, "173944", "abc", 1),
		"portion":   head + strings.Replace(row, "1|118|1 medium", "1|x|1 medium", 1),
	}
	for name, data := range cases {
		_, err := newOfflineFrom([]byte(data)).Food(context.Background(), 173944)
		if err == nil {
			t.Errorf("%s: bad table accepted", name)
		}
	}
	o := newOfflineFrom([]byte(head + row))
	f, err := o.Food(context.Background(), 173944)
	if err != nil || f.Nutrients.EnergyKcal != 89 || f.Portions[0].Unit != "piece" {
		t.Fatalf("good table: %+v, %v", f, err)
	}
}
