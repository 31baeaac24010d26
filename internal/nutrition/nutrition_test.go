package nutrition

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/pierre-fitness/pierre/internal/fitness"
)

func near(t *testing.T, name string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol {
		t.Errorf("%s = %v, want %v (±%v)", name, got, want, tol)
	}
}

func wantField(t *testing.T, err error, field string) {
	t.Helper()
	var ie *InputError
	if !errors.As(err, &ie) {
		t.Fatalf("error = %v (%T), want *InputError on %q", err, err, field)
	}
	if ie.Field != field {
		t.Fatalf("error field = %q (%v), want %q", ie.Field, err, field)
	}
}

// Mifflin-St Jeor pinned values: the brief's 70 kg / 175 cm / 30 y and the
// upstream methodology's examples (spec ch18-22 §6.2).
func TestBMRPinned(t *testing.T) {
	cases := []struct {
		p    Person
		want float64
	}{
		{Person{70, 175, 30, Male}, 1648.75},
		{Person{70, 175, 30, Female}, 1482.75},
		{Person{75, 180, 30, Male}, 1730},
		{Person{60, 165, 25, Female}, 1345.25},
	}
	for _, c := range cases {
		got, err := BMR(c.p)
		if err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("BMR(%+v) = %v, want %v", c.p, got, c.want)
		}
	}
}

func TestTDEE(t *testing.T) {
	for level, want := range map[ActivityLevel]float64{Sedentary: 1800, LightlyActive: 2062.5, ModeratelyActive: 2325, VeryActive: 2587.5, ExtraActive: 2850} {
		got, err := TDEE(1500, level)
		if err != nil {
			t.Fatal(err)
		}
		near(t, string(level), got, want, 1e-9)
	}
	_, err := TDEE(1500, "couch_potato")
	wantField(t, err, "activity_level")
}

func TestBadPersonInput(t *testing.T) {
	ok := Person{70, 175, 30, Male}
	cases := []struct {
		mut   func(*Person)
		field string
	}{
		{func(p *Person) { p.Age = 0 }, "age"},
		{func(p *Person) { p.Age = 9 }, "age"},
		{func(p *Person) { p.Age = 121 }, "age"},
		{func(p *Person) { p.WeightKg = 0 }, "weight_kg"},
		{func(p *Person) { p.WeightKg = 400 }, "weight_kg"},
		{func(p *Person) { p.WeightKg = math.NaN() }, "weight_kg"},
		{func(p *Person) { p.HeightCm = 50 }, "height_cm"},
		{func(p *Person) { p.HeightCm = 300 }, "height_cm"},
		{func(p *Person) { p.Sex = "other" }, "gender"},
	}
	for _, c := range cases {
		p := ok
		c.mut(&p)
		_, err := BMR(p)
		wantField(t, err, c.field)
	}
	_, err := ParseActivityLevel("super_active")
	wantField(t, err, "activity_level")
	_, err = ParseGoal("get_swole")
	wantField(t, err, "training_goal")
	_, err = DailyNutrition(DailyInput{Person: ok, ActivityLevel: "nope", Goal: Maintenance})
	wantField(t, err, "activity_level")
	_, err = DailyNutrition(DailyInput{Person: ok, ActivityLevel: Sedentary, Goal: "nope"})
	wantField(t, err, "training_goal")
	if l, err := ParseActivityLevel(" Extremely_Active "); err != nil || l != ExtraActive {
		t.Errorf("ParseActivityLevel(extremely_active) = %v, %v", l, err)
	}
}

// Tutorial ch. 22 example T3: 70 kg cyclist, 2800 kcal, 1.4 g/kg protein,
// 6 g/kg carbohydrate → 98 g / 420 g / 81 g, 14 / 60 / 26 %.
func TestSplitMacrosTutorial(t *testing.T) {
	s, err := SplitMacros(2800, 70, 1.4, 6)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "protein", s.ProteinG, 98, 1e-9)
	near(t, "carbs", s.CarbsG, 420, 1e-9)
	near(t, "fat", s.FatG, 80.9, 1e-9)
	if len(s.Notes) != 0 {
		t.Errorf("unexpected notes %v", s.Notes)
	}
	p := Percentages(s.ProteinG, s.CarbsG, s.FatG)
	near(t, "protein%", p.ProteinPercent, 14, 0.05)
	near(t, "carbs%", p.CarbsPercent, 60, 0.05)
	near(t, "fat%", p.FatPercent, 26, 0.05)
}

func TestSplitMacrosClampsFat(t *testing.T) {
	// Too little room for fat: fat raised to 20 %, carbs reduced.
	s, err := SplitMacros(2000, 70, 2.0, 6)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "fat", s.FatG, 2000*0.2/9, 0.05)
	near(t, "carbs", s.CarbsG, (2000-140*4-400)/4.0, 0.05)
	// Too much room: fat capped at 35 %, carbs raised.
	s, err = SplitMacros(4000, 70, 1.4, 3)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "fat", s.FatG, 4000*0.35/9, 0.05)
	near(t, "energy", s.ProteinG*4+s.CarbsG*4+s.FatG*9, 4000, 1)
	_, err = SplitMacros(-1, 70, 1, 1)
	wantField(t, err, "target_calories")
}

func TestDailyNutrition(t *testing.T) {
	// 75 kg, 180 cm, 30 y male, moderately active, maintenance (the
	// upstream example): BMR 1730, TDEE 2681.5, protein 1.2 g/kg = 90 g,
	// carbs 6 g/kg = 450 g leave only 19.4 % for fat, so fat is raised to
	// 20 % (59.6 g) and carbohydrate trimmed to 446.3 g.
	p, err := DailyNutrition(DailyInput{Person: Person{75, 180, 30, Male}, ActivityLevel: ModeratelyActive, Goal: Maintenance})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "bmr", p.BMR, 1730, 0)
	near(t, "tdee", p.TDEE, 2681.5, 0)
	near(t, "target", p.TargetCalories, 2681.5, 0)
	near(t, "protein", p.ProteinG, 90, 0)
	near(t, "fat", p.FatG, 59.6, 0.05)
	near(t, "carbs", p.CarbsG, 446.3, 0.05)
	if p.Method != "Mifflin-St Jeor + Activity Factor" {
		t.Errorf("method %q", p.Method)
	}
	sum := p.MacroPercentages.ProteinPercent + p.MacroPercentages.CarbsPercent + p.MacroPercentages.FatPercent
	near(t, "percent sum", sum, 100, 0.2)

	// Weight loss: −20 %, higher protein.
	wl, err := DailyNutrition(DailyInput{Person: Person{75, 180, 30, Male}, ActivityLevel: VeryActive, Goal: WeightLoss, Sport: fitness.SportRun})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "wl target", wl.TargetCalories, 1730*1.725*0.8, 0.05)
	near(t, "wl protein", wl.ProteinG, 150, 0)
	if wl.Sport == nil || wl.Sport.Kind != "endurance" {
		t.Errorf("sport guidance = %+v", wl.Sport)
	}
	mg, _ := DailyNutrition(DailyInput{Person: Person{75, 180, 30, Male}, ActivityLevel: ModeratelyActive, Goal: MuscleGain})
	near(t, "mg target", mg.TargetCalories, 2681.5*1.1, 0.05)
}

func TestProteinAndCarbTables(t *testing.T) {
	for _, g := range Goals {
		for _, l := range ActivityLevels {
			p, err := ProteinPerKg(g, l)
			if err != nil {
				t.Fatal(err)
			}
			if p.Point < p.Min || p.Point > p.Max || p.Min < 0.8 || p.Max > 2.4 {
				t.Errorf("protein %s/%s = %+v", g, l, p)
			}
			c, err := CarbsPerKg(g, l)
			if err != nil {
				t.Fatal(err)
			}
			if c.Point < c.Min || c.Point > c.Max || c.Min < 3 || c.Max > 12 {
				t.Errorf("carbs %s/%s = %+v", g, l, c)
			}
		}
	}
	if g := GuidanceForSport(fitness.SportStrength); g.ProteinGPerKg.Min != 1.6 || g.ProteinGPerKg.Max != 2.2 {
		t.Errorf("strength guidance %+v", g)
	}
}

func TestExerciseEnergy(t *testing.T) {
	male := Person{70, 175, 30, Male}
	sum, err := ExerciseEnergy(male, []Session{
		{Sport: fitness.SportRide, DurationSeconds: 3600, AveragePowerWatts: 200},
		{Sport: fitness.SportRun, DurationSeconds: 3600, AverageHeartRate: 150},
		{Sport: fitness.SportSwim, DurationSeconds: 3600},
		{Sport: fitness.SportRun, DurationSeconds: 3600, DistanceMeters: 10000},
		{Sport: fitness.SportVirtualRide, DurationSeconds: 1800, WorkKilojoules: 400},
		{Sport: "underwater_hockey", DurationSeconds: 3600},
	})
	if err != nil {
		t.Fatal(err)
	}
	s := sum.Sessions
	// 200 W × 3600 s = 720 kJ; 720 / (0.24 × 4.184) = 717.0 kcal.
	near(t, "power", s[0].GrossKcal, 717.0, 0.05)
	if s[0].Method != MethodWork {
		t.Errorf("method %s", s[0].Method)
	}
	// Keytel male: (−55.0969 + 0.6309·150 + 0.1988·70 + 0.2017·30)/4.184 × 60.
	near(t, "keytel", s[1].GrossKcal, 853.3, 0.05)
	near(t, "swim MET", s[2].GrossKcal, 5.8*70, 0.05)
	// 10 km/h: between 9.7 km/h (9.8) and 10.8 km/h (10.5) → 10.0 MET.
	near(t, "run MET", s[3].MET, 10.0, 0)
	near(t, "run kcal", s[3].GrossKcal, 700, 0.05)
	near(t, "kJ", s[4].GrossKcal, 398.3, 0.05)
	near(t, "default MET", s[5].MET, DefaultMET, 0)
	// Net subtracts BMR over the duration: 1648.75/1440 × 60 = 68.7.
	near(t, "net", s[0].NetKcal, 717.0-68.7, 0.1)

	f, err := ExerciseEnergy(Person{70, 175, 30, Female}, []Session{{Sport: fitness.SportRun, DurationSeconds: 3600, AverageHeartRate: 150}})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "keytel female", f.Sessions[0].GrossKcal, 574.4, 0.05)

	_, err = ExerciseEnergy(male, []Session{{Sport: fitness.SportRun, DurationSeconds: 0}})
	wantField(t, err, "sessions[0].duration_seconds")
	_, err = ExerciseEnergy(male, []Session{{Sport: fitness.SportRun, DurationSeconds: 60, AverageHeartRate: -1}})
	wantField(t, err, "sessions[0].average_heart_rate")
}

func TestNutrientTiming(t *testing.T) {
	// Tutorial T5: 70 kg post-workout 70–84 g carbs, 17.5–21 g protein.
	p, err := NutrientTiming(TimingInput{WeightKg: 70, DailyProteinG: 140, Intensity: IntensityModerate})
	if err != nil {
		t.Fatal(err)
	}
	if p.IntensitySource != IntensityGiven {
		t.Errorf("source %q", p.IntensitySource)
	}
	near(t, "post carbs", p.PostWorkout.CarbsG.Point, 70, 0)
	near(t, "post carbs max", p.PostWorkout.CarbsG.Max, 84, 0)
	near(t, "post protein min", p.PostWorkout.ProteinG.Min, 17.5, 0)
	near(t, "post protein", p.PostWorkout.ProteinG.Point, 21, 0)
	near(t, "pre carbs", p.PreWorkout.CarbsG.Point, 140, 0)

	// Upstream example: 75 kg, 150 g/day → 4 meals of ~38 g.
	p, err = NutrientTiming(TimingInput{WeightKg: 75, DailyProteinG: 150, Intensity: IntensityHigh})
	if err != nil {
		t.Fatal(err)
	}
	if want := "Distribute 150g protein across 4 meals (~38g each)"; p.Protein.Strategy != want {
		t.Errorf("strategy %q, want %q", p.Protein.Strategy, want)
	}
	near(t, "per meal", p.Protein.PerMealG, 37.5, 0)

	inferred := []struct {
		s    TrainingSummary
		want Intensity
	}{
		{TrainingSummary{Days: 7, TotalDurationSeconds: 16 * 3600}, IntensityHigh},
		{TrainingSummary{Days: 7, TotalDurationSeconds: 3 * 3600, AverageHeartRate: 155}, IntensityHigh},
		{TrainingSummary{Days: 7, TotalDurationSeconds: 10 * 3600, AverageHeartRate: 125}, IntensityModerate},
		{TrainingSummary{Days: 7, TotalDurationSeconds: 3 * 3600, AverageHeartRate: 140}, IntensityModerate},
		{TrainingSummary{Days: 7, TotalDurationSeconds: 3 * 3600, AverageHeartRate: 120}, IntensityLow},
		{TrainingSummary{Days: 7}, IntensityLow},
	}
	for _, c := range inferred {
		s := c.s
		p, err := NutrientTiming(TimingInput{WeightKg: 70, DailyProteinG: 140, Summary: &s})
		if err != nil {
			t.Fatal(err)
		}
		if p.Intensity != c.want || p.IntensitySource != IntensityInferred {
			t.Errorf("%+v → %s/%s, want %s/inferred", c.s, p.Intensity, p.IntensitySource, c.want)
		}
	}
	_, err = NutrientTiming(TimingInput{WeightKg: 70, DailyProteinG: 140})
	wantField(t, err, "workout_intensity")
	_, err = NutrientTiming(TimingInput{WeightKg: 70, DailyProteinG: 140, Intensity: "extreme"})
	wantField(t, err, "workout_intensity")
	_, err = NutrientTiming(TimingInput{WeightKg: 70, DailyProteinG: -5, Intensity: IntensityLow})
	wantField(t, err, "daily_protein_g")
	_, err = NutrientTiming(TimingInput{WeightKg: 70, DailyProteinG: 140, Summary: &TrainingSummary{Days: 0}})
	wantField(t, err, "days_back")
}

// Tutorial T6: the 70 kg example week.
func TestCarbPeriodisation(t *testing.T) {
	days := []DayType{DayRest, DayEasy, DayHard, DayModerate, DayEasy, DayLong, DayRace}
	want := []float64{210, 350, 560, 420, 350, 630, 700}
	got, err := CarbPeriodisation(70, days)
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		near(t, string(days[i]), got[i].CarbsG.Point, want[i], 0)
	}
	_, err = CarbPeriodisation(70, []DayType{DayRest, "party"})
	wantField(t, err, "days[1].day_type")
	_, err = CarbPeriodisation(70, nil)
	wantField(t, err, "days")
}

// Tutorial T7: 70.0 → 69.2 kg with 0.5 L drunk over 1 h = 1.3 L/h.
func TestSweatRate(t *testing.T) {
	r, err := SweatRate(SweatInput{PreWeightKg: 70, PostWeightKg: 69.2, FluidIntakeL: 0.5, DurationSeconds: 3600})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "rate", r.SweatRateLPerHour, 1.3, 1e-9)
	near(t, "rehydrate", r.RehydrationL, 1.2, 1e-9)
	r, _ = SweatRate(SweatInput{PreWeightKg: 70, PostWeightKg: 68, FluidIntakeL: 0, DurationSeconds: 7200})
	if len(r.Warnings) == 0 {
		t.Error("no warning for 2.9% loss")
	}
	_, err = SweatRate(SweatInput{PreWeightKg: 70, PostWeightKg: 72, DurationSeconds: 3600})
	wantField(t, err, "post_weight_kg")
	_, err = SweatRate(SweatInput{PreWeightKg: 70, PostWeightKg: 69, DurationSeconds: 10})
	wantField(t, err, "duration_seconds")

	h, err := HydrationPlan(HydrationInput{WeightKg: 70, SweatRateLPerHour: 1.3, SessionSeconds: 7200, Profile: SweatSalty})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "baseline", h.DailyBaselineMl.Min, 2100, 0)
	near(t, "pre", h.PreExerciseMl.Max, 490, 0)
	near(t, "during min", h.DuringMlPerHour.Min, 780, 0.01)
	near(t, "during max", h.DuringMlPerHour.Max, 1040, 0.01)
	near(t, "sodium max", h.DuringSodiumMgPerHour.Max, 1248, 0.01)
	near(t, "session", h.SessionTotalMl.Point, 1820, 0.01)
	_, err = HydrationPlan(HydrationInput{WeightKg: 70, Profile: "briny"})
	wantField(t, err, "sweat_profile")
}

// banana is FDC 173944 "Bananas, raw" (SR Legacy NDB 09040) as USDA
// FoodData Central publishes it, per 100 g.
var banana = Food{
	FDCID: 173944, Description: "Bananas, raw",
	Per100g: Nutrients{EnergyKcal: 89, ProteinG: 1.09, CarbohydrateG: 22.84, FatG: 0.33, FiberG: 2.6,
		SugarsG: 12.23, SodiumMg: 1, SaturatedFatG: 0.112, PotassiumMg: 358, CalciumMg: 5, IronMg: 0.26},
	Portions: Portions{GramsPerCup: 150, GramsPerPiece: 118, PieceName: "medium banana", ServingGrams: 118},
}

func TestAnalyzeMealBanana(t *testing.T) {
	foods := map[int]Food{banana.FDCID: banana}
	m, err := AnalyzeMeal([]MealItem{{FDCID: 173944, Grams: 118}}, foods)
	if err != nil {
		t.Fatal(err)
	}
	// 118 g = 1.18 × per-100 g values.
	near(t, "kcal", m.Totals.EnergyKcal, 105.0, 0)
	near(t, "protein", m.Totals.ProteinG, 1.3, 0)
	near(t, "carbs", m.Totals.CarbohydrateG, 27.0, 0)
	near(t, "fat", m.Totals.FatG, 0.4, 0)
	near(t, "fiber", m.Totals.FiberG, 3.1, 0)
	near(t, "sugars", m.Totals.SugarsG, 14.4, 0)
	near(t, "potassium", m.Totals.PotassiumMg, 422.4, 0)
	// Servings use the food's serving size; 2 servings = 236 g.
	m, err = AnalyzeMeal([]MealItem{{FDCID: 173944, Servings: 2}}, foods)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "grams", m.TotalGrams, 236, 0)
	near(t, "kcal 2", m.Totals.EnergyKcal, 210.0, 0)
	near(t, "carb%", m.MacroPercentages.CarbsPercent, 92.6, 0.05)

	_, err = AnalyzeMeal(nil, foods)
	wantField(t, err, "foods")
	_, err = AnalyzeMeal([]MealItem{{FDCID: 173944, Grams: 10}, {FDCID: 999, Grams: 10}}, foods)
	wantField(t, err, "foods[1].fdc_id")
	_, err = AnalyzeMeal([]MealItem{{FDCID: 173944, Grams: -5}}, foods)
	wantField(t, err, "foods[0].grams")
	_, err = AnalyzeMeal([]MealItem{{FDCID: 173944}}, foods)
	wantField(t, err, "foods[0].grams")
	_, err = AnalyzeMeal([]MealItem{{FDCID: 173944, Grams: 1, Servings: 1}}, foods)
	wantField(t, err, "foods[0].grams")
}

func TestUnitConversions(t *testing.T) {
	rice := Portions{GramsPerCup: 158}  // cooked white rice, SR 20045
	oil := Portions{GramsPerTbsp: 13.5} // olive oil, SR 04053
	milk := Portions{DensityGPerML: 1.03}
	none := Portions{}
	cases := []struct {
		q      float64
		unit   string
		p      Portions
		want   float64
		approx bool
	}{
		{250, "g", none, 250, false},
		{250, "grams", none, 250, false},
		{1.5, "kg", none, 1500, false},
		{500, "mg", none, 0.5, false},
		{1, "oz", none, 28.349523125, false},
		{2, "ounces", none, 56.69904625, false},
		{1, "lb", none, 453.59237, false},
		{1, "pounds", none, 453.59237, false},
		{100, "ml", none, 100, true},
		{100, "ml", milk, 103, false},
		{1, "l", none, 1000, true},
		{0.5, "litre", milk, 515, false},
		{1, "cup", none, 236.5882365, true},
		{1, "cups", rice, 158, false},
		{1, "cup", milk, 243.686, false},
		{2, "tbsp", oil, 27, false},
		{1, "tablespoon", rice, 9.875, false},
		{1, "tbsp", none, 14.78676478, true},
		{1, "tsp", oil, 4.5, false},
		{1, "teaspoon", none, 4.92892159, true},
		{1, "tsp", rice, 158.0 / 48, false},
		{1, "fl oz", none, 29.5735296, true},
		{2, "piece", banana.Portions, 236, false},
		{1, "whole", banana.Portions, 118, false},
		{1, "medium", banana.Portions, 118, false},
		{0, "g", none, 0, false},
	}
	for _, c := range cases {
		got, err := AmountToGrams(c.q, c.unit, c.p)
		if err != nil {
			t.Fatalf("%v %s: %v", c.q, c.unit, err)
		}
		near(t, c.unit, got.Grams, c.want, 1e-3)
		if got.Approximate != c.approx {
			t.Errorf("%v %s approximate = %v", c.q, c.unit, got.Approximate)
		}
		if got.Basis == "" {
			t.Errorf("%v %s: empty basis", c.q, c.unit)
		}
	}
	_, err := AmountToGrams(1, "handful", none)
	wantField(t, err, "unit")
	_, err = AmountToGrams(1, "piece", none)
	wantField(t, err, "unit")
	_, err = AmountToGrams(-1, "g", none)
	wantField(t, err, "quantity")
	_, err = ToGrams(math.Inf(1), Gram, none)
	wantField(t, err, "quantity")
}

func TestParseAmount(t *testing.T) {
	cases := []struct {
		in   string
		q    float64
		unit Unit
	}{
		{"200g", 200, Gram},
		{"200 g", 200, Gram},
		{"1 1/2 cups", 1.5, Cup},
		{"½ cup", 0.5, Cup},
		{"1½ cups rice", 1.5, Cup},
		{"2 tbsp. olive oil", 2, Tablespoon},
		{"3.5 oz", 3.5, Ounce},
		{"1,5 kg", 1.5, Kilogram},
		{"1,000 g", 1000, Gram},
		{"2 large", 2, Piece},
		{"12 fl oz", 12, FluidOunce},
		{"150", 150, Gram},
		{"1 lb", 1, Pound},
		{"250 ml", 250, Millilitre},
	}
	for _, c := range cases {
		q, u, err := ParseAmount(c.in)
		if err != nil {
			t.Errorf("ParseAmount(%q): %v", c.in, err)
			continue
		}
		if math.Abs(q-c.q) > 1e-9 || u != c.unit {
			t.Errorf("ParseAmount(%q) = %v %s, want %v %s", c.in, q, u, c.q, c.unit)
		}
	}
	for in, field := range map[string]string{"": "quantity", "cup": "quantity", "1/0 cup": "quantity", "2 handfuls": "unit", "1/2/3 g": "quantity"} {
		_, _, err := ParseAmount(in)
		wantField(t, err, field)
	}
}

func TestRecipeConstraints(t *testing.T) {
	c, err := GetRecipeConstraints(PostTraining, 600, 0)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "protein g", c.Protein.Grams, 45, 0)
	near(t, "carbs g", c.Carbs.Grams, 67.5, 0)
	near(t, "fat g", c.Fat.Grams, 16.7, 0)
	if c.TDEEBased {
		t.Error("tdee_based with explicit calories")
	}
	// TDEE 2500 × 0.275 = 687.5 → 688 (upstream example).
	c, _ = GetRecipeConstraints(PostTraining, 0, 2500)
	if c.TargetCalories != 688 || !c.TDEEBased || c.TDEEProportion != 0.275 {
		t.Errorf("tdee-based = %+v", c)
	}
	for timing, want := range map[MealTiming]float64{PreTraining: 400, PostTraining: 600, RestDay: 500, General: 500} {
		c, _ := GetRecipeConstraints(timing, 0, 0)
		if c.TargetCalories != want {
			t.Errorf("%s fallback %v", timing, c.TargetCalories)
		}
		if c.Protein.Percent+c.Carbs.Percent+c.Fat.Percent != 100 {
			t.Errorf("%s shares do not add up", timing)
		}
		if len(c.ExampleIngredients) == 0 || len(c.Guidelines) == 0 {
			t.Errorf("%s lacks guidance", timing)
		}
	}
	_, err = GetRecipeConstraints("brunch", 0, 0)
	wantField(t, err, "meal_timing")
}

func TestValidateRecipe(t *testing.T) {
	// A food whose energy is exactly 30/45/25 % P/C/F: the post-training
	// target. 100 g: P 15 g (60 kcal), C 22.5 g (90 kcal), F 5.56 g (50).
	perfect := Food{FDCID: 1, Description: "Perfect bowl", Per100g: Nutrients{EnergyKcal: 200, ProteinG: 15, CarbohydrateG: 22.5, FatG: 50.0 / 9}}
	rice := Food{FDCID: 2, Description: "Rice, white, long-grain, regular, enriched, cooked",
		Per100g: Nutrients{EnergyKcal: 130, ProteinG: 2.69, CarbohydrateG: 28.17, FatG: 0.28, FiberG: 0.4}, Portions: Portions{GramsPerCup: 158}}
	foods := map[int]Food{1: perfect, 2: rice, banana.FDCID: banana}

	v, err := ValidateRecipe(Recipe{Name: "Bowl", MealTiming: PostTraining, TargetCalories: 600,
		Ingredients: []Ingredient{{Name: "bowl", Quantity: 300, Unit: "g", FDCID: 1}}}, foods)
	if err != nil {
		t.Fatal(err)
	}
	if v.ComplianceScore != 100 || !v.Compliant {
		t.Errorf("perfect recipe score %d (%+v)", v.ComplianceScore, v.MacroPercentages)
	}
	if len(v.Suggestions) != 1 || !strings.Contains(v.Suggestions[0], "no changes") {
		t.Errorf("suggestions %v", v.Suggestions)
	}

	// Rice and banana only: far too little protein for post-training.
	v, err = ValidateRecipe(Recipe{Name: "Carbs", MealTiming: PostTraining, TargetCalories: 600,
		Ingredients:         []Ingredient{{Name: "rice", Quantity: 2, Unit: "cups", FDCID: 2}, {Name: "banana", Quantity: 1, Unit: "piece", FDCID: banana.FDCID}},
		DietaryRestrictions: []string{"vegan", "keto"}}, foods)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "grams rice", v.Ingredients[0].Grams, 316, 0)
	near(t, "kcal", v.PerServing.EnergyKcal, 316*1.3+118*0.89, 0.1)
	if v.ComplianceScore >= 60 || v.Compliant {
		t.Errorf("carb-only recipe score %d", v.ComplianceScore)
	}
	if !strings.HasPrefix(v.Suggestions[0], "add ") || !strings.Contains(v.Suggestions[0], "g protein") || !strings.Contains(v.Suggestions[0], "chicken breast") {
		t.Errorf("first suggestion %q", v.Suggestions[0])
	}
	if len(v.Warnings) != 1 || !strings.HasPrefix(v.Warnings[0], "keto") {
		t.Errorf("warnings %v", v.Warnings)
	}

	bad := []struct {
		r     Recipe
		field string
	}{
		{Recipe{Name: "x", MealTiming: General}, "ingredients"},
		{Recipe{Name: "", MealTiming: General, Ingredients: []Ingredient{{FDCID: 1, Quantity: 1}}}, "name"},
		{Recipe{Name: "x", MealTiming: "brunch", Ingredients: []Ingredient{{FDCID: 1, Quantity: 1}}}, "meal_timing"},
		{Recipe{Name: "x", Ingredients: []Ingredient{{FDCID: 1, Quantity: 1, Unit: "handful"}}}, "ingredients[0].unit"},
		{Recipe{Name: "x", Ingredients: []Ingredient{{FDCID: 1, Quantity: -1, Unit: "g"}}}, "ingredients[0].quantity"},
		{Recipe{Name: "x", Ingredients: []Ingredient{{FDCID: 1, Quantity: 1}, {FDCID: 77, Quantity: 1}}}, "ingredients[1].fdc_id"},
		{Recipe{Name: "x", Ingredients: []Ingredient{{Name: "mystery", Quantity: 1}}}, "ingredients[0].fdc_id"},
		{Recipe{Name: "x", Ingredients: []Ingredient{{FDCID: 2, Quantity: 1, Unit: "piece"}}}, "ingredients[0].unit"},
		{Recipe{Name: "x", Ingredients: []Ingredient{{FDCID: 1, Quantity: 1}}, DietaryRestrictions: []string{"carnivore"}}, "dietary_restrictions[0]"},
	}
	for _, b := range bad {
		_, err := ValidateRecipe(b.r, foods)
		wantField(t, err, b.field)
	}
}

func TestContainsWord(t *testing.T) {
	for text, want := range map[string]bool{"2 eggs": true, "egg, whole": true, "eggplant": false, "veggies": false, "boiled egg": true} {
		if got := containsWord(text, "egg"); got != want {
			t.Errorf("containsWord(%q, egg) = %v", text, got)
		}
	}
}
