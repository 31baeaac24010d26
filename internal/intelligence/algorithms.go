package intelligence

import (
	"errors"
	"slices"
	"strings"
)

// MaxHRAlgorithm selects the age-predicted maximum heart-rate formula
// (PIERRE_MAXHR_ALGORITHM).
type MaxHRAlgorithm string

// Max-HR formulas.
const (
	MaxHRFox    MaxHRAlgorithm = "fox"    // 220 − age
	MaxHRTanaka MaxHRAlgorithm = "tanaka" // 208 − 0.7·age (default)
	MaxHRNes    MaxHRAlgorithm = "nes"    // 211 − 0.64·age
	MaxHRGulati MaxHRAlgorithm = "gulati" // 206 − 0.88·age, women only
)

// TRIMPAlgorithm selects the training-impulse model (PIERRE_TRIMP_ALGORITHM).
type TRIMPAlgorithm string

// TRIMP models.
const (
	TRIMPBannister       TRIMPAlgorithm = "bannister"        // sex-specific constants from the athlete (default)
	TRIMPBannisterMale   TRIMPAlgorithm = "bannister_male"   // force the male constants
	TRIMPBannisterFemale TRIMPAlgorithm = "bannister_female" // force the female constants
	TRIMPEdwards         TRIMPAlgorithm = "edwards"          // five %HRmax zones, weights 1–5
	TRIMPLucia           TRIMPAlgorithm = "lucia"            // three ventilatory-threshold zones, weights 1–3
	TRIMPHybrid          TRIMPAlgorithm = "hybrid"           // Banister when resting and max HR are known, else Edwards
)

// TSSAlgorithm selects how power TSS is computed (PIERRE_TSS_ALGORITHM).
type TSSAlgorithm string

// TSS algorithms.
const (
	TSSAvgPower        TSSAlgorithm = "avg_power"
	TSSNormalizedPower TSSAlgorithm = "normalized_power"
	TSSHybrid          TSSAlgorithm = "hybrid" // NP when a power stream exists, else average power (default)
)

// VDOTAlgorithm selects how race times are predicted (PIERRE_VDOT_ALGORITHM).
type VDOTAlgorithm string

// Race-prediction algorithms.
const (
	VDOTDaniels VDOTAlgorithm = "daniels" // Daniels–Gilbert equations (default)
	VDOTRiegel  VDOTAlgorithm = "riegel"  // T2 = T1·(D2/D1)^1.06
	VDOTHybrid  VDOTAlgorithm = "hybrid"  // Daniels up to the marathon, Riegel beyond
)

// TrainingLoadAlgorithm selects the CTL/ATL model
// (PIERRE_TRAINING_LOAD_ALGORITHM).
type TrainingLoadAlgorithm string

// Training-load models.
const (
	LoadTrainingPeaks TrainingLoadAlgorithm = "trainingpeaks" // CTL += (TSS − CTL)/42 (default)
	LoadEMA           TrainingLoadAlgorithm = "ema"           // α = 2/(N+1)
	LoadSMA           TrainingLoadAlgorithm = "sma"
	LoadWMA           TrainingLoadAlgorithm = "wma"
	LoadKalman        TrainingLoadAlgorithm = "kalman"
)

// RecoveryAlgorithm selects how recovery factors are combined
// (PIERRE_RECOVERY_ALGORITHM).
type RecoveryAlgorithm string

// Recovery aggregations.
const (
	RecoveryWeighted       RecoveryAlgorithm = "weighted" // tutorial weights (default)
	RecoveryAdditive       RecoveryAlgorithm = "additive" // unweighted mean
	RecoveryMultiplicative RecoveryAlgorithm = "multiplicative"
	RecoveryMinMax         RecoveryAlgorithm = "minmax" // the weakest factor
)

// FTPAlgorithm selects the functional-threshold-power estimator
// (PIERRE_FTP_ALGORITHM).
type FTPAlgorithm string

// FTP estimators.
const (
	FTP20MinTest     FTPAlgorithm = "20min_test"
	FTP8MinTest      FTPAlgorithm = "8min_test"
	FTPRampTest      FTPAlgorithm = "ramp_test"
	FTP60MinPower    FTPAlgorithm = "60min_power"
	FTPCriticalPower FTPAlgorithm = "critical_power"
	FTPFromVO2max    FTPAlgorithm = "from_vo2max"
	FTPHybrid        FTPAlgorithm = "hybrid" // default
)

// LTHRAlgorithm selects the lactate-threshold heart-rate estimator
// (PIERRE_LTHR_ALGORITHM).
type LTHRAlgorithm string

// LTHR estimators.
const (
	LTHRFromMaxHR LTHRAlgorithm = "from_maxhr"
	LTHRFrom30Min LTHRAlgorithm = "from_30min"
	LTHRFromRace  LTHRAlgorithm = "from_race"
	LTHRLabTest   LTHRAlgorithm = "lab_test"
	LTHRHybrid    LTHRAlgorithm = "hybrid" // default
)

// VO2maxAlgorithm selects the VO2max estimator (PIERRE_VO2MAX_ALGORITHM).
type VO2maxAlgorithm string

// VO2max estimators.
const (
	VO2maxFromVDOT    VO2maxAlgorithm = "from_vdot" // default
	VO2maxCooper      VO2maxAlgorithm = "cooper_test"
	VO2maxRockport    VO2maxAlgorithm = "rockport_walk"
	VO2maxAstrand     VO2maxAlgorithm = "astrand_ryhming"
	VO2maxBruce       VO2maxAlgorithm = "bruce"
	VO2maxUthSorensen VO2maxAlgorithm = "uth_sorensen"
	VO2maxHybrid      VO2maxAlgorithm = "hybrid"
)

// Algorithms is the algorithm selection, one field per PIERRE_*_ALGORITHM
// variable. The zero value is not valid; start from DefaultAlgorithms or
// AlgorithmsFromEnv.
type Algorithms struct {
	MaxHR        MaxHRAlgorithm        `json:"maxhr"`
	TRIMP        TRIMPAlgorithm        `json:"trimp"`
	TSS          TSSAlgorithm          `json:"tss"`
	VDOT         VDOTAlgorithm         `json:"vdot"`
	TrainingLoad TrainingLoadAlgorithm `json:"training_load"`
	Recovery     RecoveryAlgorithm     `json:"recovery"`
	FTP          FTPAlgorithm          `json:"ftp"`
	LTHR         LTHRAlgorithm         `json:"lthr"`
	VO2max       VO2maxAlgorithm       `json:"vo2max"`
}

// DefaultAlgorithms returns the defaults of DECISIONS §5 (TSS hybrid, TRIMP
// bannister, TrainingPeaks load, max HR tanaka) plus daniels, weighted,
// hybrid FTP and LTHR, and VO2max from VDOT.
func DefaultAlgorithms() Algorithms {
	return Algorithms{
		MaxHR:        MaxHRTanaka,
		TRIMP:        TRIMPBannister,
		TSS:          TSSHybrid,
		VDOT:         VDOTDaniels,
		TrainingLoad: LoadTrainingPeaks,
		Recovery:     RecoveryWeighted,
		FTP:          FTPHybrid,
		LTHR:         LTHRHybrid,
		VO2max:       VO2maxFromVDOT,
	}
}

// AlgorithmError reports a PIERRE_*_ALGORITHM value that is not a known
// variant. Its message names the variable and lists the allowed values.
type AlgorithmError struct {
	Variable string   `json:"variable"`
	Value    string   `json:"value"`
	Allowed  []string `json:"allowed"`
	// Reason is set when the name is known but deliberately not supported.
	Reason string `json:"reason,omitempty"`
}

func (e *AlgorithmError) Error() string {
	allowed := strings.Join(e.Allowed, ", ")
	if e.Reason != "" {
		return e.Variable + ": algorithm \"" + e.Value + "\" is not supported (" + e.Reason + "); allowed values: " + allowed
	}
	return e.Variable + ": unknown algorithm \"" + e.Value + "\"; allowed values: " + allowed
}

// AlgorithmsFromEnv reads the nine PIERRE_*_ALGORITHM variables through
// lookup (os.LookupEnv in production, a map in tests). Unset or blank
// variables keep their default; values are case-insensitive and may use the
// aliases listed in the catalog. Every bad variable is reported (joined
// *AlgorithmError values).
func AlgorithmsFromEnv(lookup func(string) (string, bool)) (Algorithms, error) {
	a := DefaultAlgorithms()
	var errs []error
	for i := range algorithmCategories {
		c := &algorithmCategories[i]
		raw, ok := lookup(c.envVar)
		if !ok || strings.TrimSpace(raw) == "" {
			continue
		}
		name, err := c.resolve(raw)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		c.set(&a, name)
	}
	return a, errors.Join(errs...)
}

// Validate reports every field that is not a canonical variant name.
func (a Algorithms) Validate() error {
	var errs []error
	for i := range algorithmCategories {
		c := &algorithmCategories[i]
		v := c.get(a)
		if !slices.Contains(c.names(), v) {
			errs = append(errs, &AlgorithmError{Variable: c.envVar, Value: v, Allowed: c.names()})
		}
	}
	return errors.Join(errs...)
}

// AlgorithmVariant describes one selectable algorithm.
type AlgorithmVariant struct {
	Name        string   `json:"name"`
	Aliases     []string `json:"aliases,omitempty"`
	Description string   `json:"description"`
	Formula     string   `json:"formula"`
	Source      string   `json:"source"`
	Default     bool     `json:"default"`
}

// AlgorithmCategory describes one PIERRE_*_ALGORITHM variable.
type AlgorithmCategory struct {
	Key         string `json:"key"`
	Title       string `json:"title"`
	EnvVar      string `json:"env_var"`
	Default     string `json:"default"`
	Current     string `json:"current,omitempty"`
	Description string `json:"description"`
	// Unsupported lists names seen in older Pierre configurations that are
	// rejected, with the reason.
	Unsupported map[string]string  `json:"unsupported,omitempty"`
	Variants    []AlgorithmVariant `json:"variants"`
}

// Catalog describes every algorithm category and variant with its formula
// and published source, marking the defaults. The result is a fresh copy.
func Catalog() []AlgorithmCategory { return buildCatalog(nil) }

// Catalog is like the package-level Catalog but also reports the variant a
// currently selects in each category.
func (a Algorithms) Catalog() []AlgorithmCategory { return buildCatalog(&a) }

func buildCatalog(a *Algorithms) []AlgorithmCategory {
	def := DefaultAlgorithms()
	out := make([]AlgorithmCategory, 0, len(algorithmCategories))
	for i := range algorithmCategories {
		c := &algorithmCategories[i]
		cat := AlgorithmCategory{
			Key: c.key, Title: c.title, EnvVar: c.envVar,
			Default: c.get(def), Description: c.description,
		}
		if a != nil {
			cat.Current = c.get(*a)
		}
		if len(c.unsupported) > 0 {
			cat.Unsupported = make(map[string]string, len(c.unsupported))
			for k, v := range c.unsupported {
				cat.Unsupported[k] = v
			}
		}
		for _, v := range c.variants {
			v.Aliases = slices.Clone(v.Aliases)
			v.Default = v.Name == cat.Default
			cat.Variants = append(cat.Variants, v)
		}
		out = append(out, cat)
	}
	return out
}

type algorithmCategory struct {
	key, title, envVar, description string
	variants                        []AlgorithmVariant
	unsupported                     map[string]string
	get                             func(Algorithms) string
	set                             func(*Algorithms, string)
}

func (c *algorithmCategory) names() []string {
	n := make([]string, len(c.variants))
	for i, v := range c.variants {
		n[i] = v.Name
	}
	return n
}

func (c *algorithmCategory) resolve(raw string) (string, error) {
	v := strings.ToLower(strings.TrimSpace(raw))
	for _, variant := range c.variants {
		if v == variant.Name || slices.Contains(variant.Aliases, v) {
			return variant.Name, nil
		}
	}
	e := &AlgorithmError{Variable: c.envVar, Value: strings.TrimSpace(raw), Allowed: c.names()}
	if r, ok := c.unsupported[v]; ok {
		e.Reason = r
	}
	return "", e
}

// algorithmCategories is read-only after package initialisation.
var algorithmCategories = []algorithmCategory{
	{
		key: "maxhr", title: "Maximum heart rate", envVar: "PIERRE_MAXHR_ALGORITHM",
		description: "Age-predicted maximum heart rate, used when the athlete has no measured max HR. Results are truncated to whole bpm.",
		get:         func(a Algorithms) string { return string(a.MaxHR) },
		set:         func(a *Algorithms, s string) { a.MaxHR = MaxHRAlgorithm(s) },
		variants: []AlgorithmVariant{
			{Name: "fox", Description: "Classic rule of thumb; overestimates in the young and underestimates in older adults.", Formula: "HRmax = 220 − age", Source: "Fox, Naughton & Haskell 1971, Ann Clin Res 3:404–432"},
			{Name: "tanaka", Description: "Meta-analysis of 351 studies (18,712 subjects); the most accurate general formula.", Formula: "HRmax = 208 − 0.7 × age", Source: "Tanaka, Monahan & Seals 2001, J Am Coll Cardiol 37(1):153–156"},
			{Name: "nes", Description: "HUNT Fitness Study (3,320 healthy adults); suited to fit adults.", Formula: "HRmax = 211 − 0.64 × age", Source: "Nes et al. 2013, Scand J Med Sci Sports 23(6):697–704"},
			{Name: "gulati", Description: "Women-specific (5,437 women); for men and unknown sex Tanaka is used.", Formula: "HRmax = 206 − 0.88 × age (female); otherwise Tanaka", Source: "Gulati et al. 2010, Circulation 122(2):130–137"},
		},
	},
	{
		key: "trimp", title: "Training impulse (TRIMP)", envVar: "PIERRE_TRIMP_ALGORITHM",
		description: "Heart-rate training load, used when an activity has no power.",
		get:         func(a Algorithms) string { return string(a.TRIMP) },
		set:         func(a *Algorithms, s string) { a.TRIMP = TRIMPAlgorithm(s) },
		variants: []AlgorithmVariant{
			{Name: "bannister", Aliases: []string{"banister"}, Description: "Exponential heart-rate-reserve weighting with the athlete's sex-specific constants (male constants when sex is unknown). Summed second by second when a heart-rate stream exists.", Formula: "TRIMP = Σ minutes × ΔHRr × b·e^(c·ΔHRr), ΔHRr = (HR − HRrest)/(HRmax − HRrest); men b=0.64 c=1.92, women b=0.86 c=1.67", Source: "Banister 1991, in MacDougall et al. (eds) Physiological Testing of the High-Performance Athlete; Morton, Fitz-Clarke & Banister 1990, J Appl Physiol 69(3):1171–1177"},
			{Name: "bannister_male", Description: "Banister with the male constants regardless of the athlete's sex.", Formula: "TRIMP = minutes × ΔHRr × 0.64·e^(1.92·ΔHRr)", Source: "Banister 1991"},
			{Name: "bannister_female", Description: "Banister with the female constants regardless of the athlete's sex.", Formula: "TRIMP = minutes × ΔHRr × 0.86·e^(1.67·ΔHRr)", Source: "Banister 1991"},
			{Name: "edwards", Aliases: []string{"edwards_simplified"}, Description: "Minutes in five %HRmax zones weighted 1–5; needs a heart-rate stream.", Formula: "TRIMP = Σ minutes in zone z × z, zones 50–60–70–80–90–100 % HRmax", Source: "Edwards 1993, The Heart Rate Monitor Book"},
			{Name: "lucia", Aliases: []string{"lucia_banded"}, Description: "Minutes below VT1, between VT1 and VT2, and above VT2 weighted 1, 2, 3; thresholds estimated from LTHR when not measured (VT2 = LTHR, VT1 = 0.89 × LTHR).", Formula: "TRIMP = 1·t(<VT1) + 2·t(VT1–VT2) + 3·t(>VT2), t in minutes", Source: "Lucía et al. 2003, Med Sci Sports Exerc 35(5):872–878"},
			{Name: "hybrid", Description: "Banister when resting and max HR are known, else Edwards from the heart-rate stream.", Formula: "bannister → edwards", Source: "—"},
		},
	},
	{
		key: "tss", title: "Training Stress Score (TSS)", envVar: "PIERRE_TSS_ALGORITHM",
		description: "Power-based training stress relative to FTP; 100 = one hour at FTP.",
		get:         func(a Algorithms) string { return string(a.TSS) },
		set:         func(a *Algorithms, s string) { a.TSS = TSSAlgorithm(s) },
		variants: []AlgorithmVariant{
			{Name: "avg_power", Description: "Uses average power; O(1) but underestimates variable efforts.", Formula: "TSS = hours × (AP/FTP)² × 100", Source: "Coggan & Allen 2010, Training and Racing with a Power Meter (2nd ed.)"},
			{Name: "normalized_power", Description: "Uses Coggan normalized power from the 1 Hz power stream (needs a stream).", Formula: "TSS = hours × IF² × 100, IF = NP/FTP, NP = (mean(rolling30s(P)⁴))^¼", Source: "Coggan & Allen 2010; Coggan 2003"},
			{Name: "hybrid", Description: "Normalized power when a power stream exists, else average power.", Formula: "normalized_power → avg_power", Source: "Coggan & Allen 2010"},
		},
	},
	{
		key: "vdot", title: "Running performance (VDOT / race prediction)", envVar: "PIERRE_VDOT_ALGORITHM",
		description: "How race times are predicted from a known race. VDOT itself is always the Daniels–Gilbert value.",
		get:         func(a Algorithms) string { return string(a.VDOT) },
		set:         func(a *Algorithms, s string) { a.VDOT = VDOTAlgorithm(s) },
		variants: []AlgorithmVariant{
			{Name: "daniels", Description: "Daniels–Gilbert oxygen cost and fractional-utilisation equations, solved for time; reproduces Daniels' VDOT tables.", Formula: "VO2 = −4.60 + 0.182258·v + 0.000104·v² (v m/min); %max = 0.8 + 0.1894393·e^(−0.012778·t) + 0.2989558·e^(−0.1932605·t) (t min); VDOT = VO2/%max", Source: "Daniels & Gilbert 1979, Oxygen Power; Daniels 2013, Daniels' Running Formula (3rd ed.)"},
			{Name: "riegel", Description: "Power-law endurance model from the known race.", Formula: "T2 = T1 × (D2/D1)^1.06", Source: "Riegel 1981, American Scientist 69(3):285–290"},
			{Name: "hybrid", Description: "Daniels up to the marathon, Riegel beyond it.", Formula: "D2 ≤ 42 195 m → daniels, else riegel", Source: "—"},
		},
	},
	{
		key: "training_load", title: "Training load (CTL / ATL / TSB)", envVar: "PIERRE_TRAINING_LOAD_ALGORITHM",
		description: "Chronic (fitness) and acute (fatigue) load from daily TSS; TSB = CTL − ATL. Missing days count as 0; same-day TSS is summed.",
		get:         func(a Algorithms) string { return string(a.TrainingLoad) },
		set:         func(a *Algorithms, s string) { a.TrainingLoad = TrainingLoadAlgorithm(s) },
		variants: []AlgorithmVariant{
			{Name: "trainingpeaks", Aliases: []string{"exponential", "pmc"}, Description: "TrainingPeaks Performance Manager: exponentially weighted with time constants 42 and 7 days, starting from 0.", Formula: "CTL_t = CTL_{t−1} + (TSS_t − CTL_{t−1})/42; ATL_t = ATL_{t−1} + (TSS_t − ATL_{t−1})/7", Source: "Coggan & Allen 2010 (Performance Manager); Banister et al. 1975 impulse-response model"},
			{Name: "ema", Description: "Classic EMA with α = 2/(N+1) (the seed's formula): shorter effective memory than trainingpeaks.", Formula: "EMA_t = α·TSS_t + (1−α)·EMA_{t−1}, α = 2/43 (CTL), 2/8 (ATL)", Source: "Pierre seed (ch20)"},
			{Name: "sma", Description: "Simple moving average over 42 and 7 days (days before the history count as 0).", Formula: "SMA_t = Σ_{i=t−N+1..t} TSS_i / N", Source: "Pierre seed (ch20)"},
			{Name: "wma", Description: "Linearly weighted moving average over 42 and 7 days, newest day weighted N.", Formula: "WMA_t = Σ w_i·TSS_i / Σ w_i, w = 1..N", Source: "Pierre seed (ch20)"},
			{Name: "kalman", Description: "Local-level Kalman filter whose steady-state gain equals 1/42 (CTL) and 1/7 (ATL); a diffuse prior means early values are not biased toward 0.", Formula: "P⁻ = P + Q; K = P⁻/(P⁻+R); x += K·(TSS − x); P = (1−K)·P⁻; Q/R = K∞²/(1−K∞)", Source: "Kalman 1960; steady-state tuning is Pierre's (see methodology)"},
		},
	},
	{
		key: "recovery", title: "Recovery score aggregation", envVar: "PIERRE_RECOVERY_ALGORITHM",
		description: "How the sleep, HRV, resting-HR, training-load and sleep-debt factors (each 0–100) combine into one 0–100 score. Missing factors are left out and the weights renormalised.",
		get:         func(a Algorithms) string { return string(a.Recovery) },
		set:         func(a *Algorithms, s string) { a.Recovery = RecoveryAlgorithm(s) },
		unsupported: map[string]string{"neural": "it needs a trained model, which Pierre does not ship"},
		variants: []AlgorithmVariant{
			{Name: "weighted", Description: "Weighted mean with the tutorial's weights.", Formula: "0.30·sleep + 0.25·HRV + 0.20·RHR + 0.15·load + 0.10·sleep_debt", Source: "Pierre tutorial ch21 §Recovery score"},
			{Name: "additive", Description: "Unweighted mean of the available factors.", Formula: "Σ factor / n", Source: "Pierre seed (upstream docs)"},
			{Name: "multiplicative", Description: "Weighted geometric mean: one very poor factor pulls the score down harder than in the weighted mean.", Formula: "100 × Π (factor/100)^w", Source: "Pierre (see methodology)"},
			{Name: "minmax", Description: "The weakest factor (most conservative).", Formula: "min(factor)", Source: "Pierre seed (upstream docs)"},
		},
	},
	{
		key: "ftp", title: "Functional threshold power (FTP)", envVar: "PIERRE_FTP_ALGORITHM",
		description: "Estimates FTP when the athlete has not set one.",
		get:         func(a Algorithms) string { return string(a.FTP) },
		set:         func(a *Algorithms, s string) { a.FTP = FTPAlgorithm(s) },
		variants: []AlgorithmVariant{
			{Name: "20min_test", Description: "95 % of the best 20-minute mean power.", Formula: "FTP = 0.95 × P20min", Source: "Allen & Coggan 2010"},
			{Name: "8min_test", Description: "90 % of the best 8-minute mean power (CTS protocol).", Formula: "FTP = 0.90 × P8min", Source: "Carmichael Training Systems field test; Allen & Coggan 2010"},
			{Name: "ramp_test", Description: "75 % of the best 1-minute power in a ramp test to exhaustion.", Formula: "FTP = 0.75 × P1min(ramp)", Source: "Ramp-test convention popularised by TrainerRoad and Zwift (not a peer-reviewed equation)"},
			{Name: "60min_power", Description: "Best 60-minute mean power, the definition of FTP.", Formula: "FTP = P60min", Source: "Allen & Coggan 2010"},
			{Name: "critical_power", Description: "Two-parameter critical-power model from two or more maximal efforts of 2–20 minutes; FTP ≈ CP.", Formula: "W = CP·t + W′ (least squares on work vs time)", Source: "Monod & Scherrer 1965; Jones et al. 2010, Med Sci Sports Exerc 42(10)"},
			{Name: "from_vo2max", Description: "Power at 80 % of VO2max from the ACSM cycling oxygen-cost equation; needs VO2max and body mass.", Formula: "FTP = (0.80·VO2max − 7) × kg / 10.8", Source: "ACSM's Guidelines for Exercise Testing and Prescription (leg-cycling equation)"},
			{Name: "hybrid", Description: "The highest of the stream-derived estimates (60-min, 20-min, 8-min), which all underestimate FTP when the ride was not a test; else critical power; else from VO2max.", Formula: "max(P60, 0.95·P20, 0.90·P8) → critical_power → from_vo2max", Source: "—"},
		},
	},
	{
		key: "lthr", title: "Lactate threshold heart rate (LTHR)", envVar: "PIERRE_LTHR_ALGORITHM",
		description: "Estimates LTHR when the athlete has not set one.",
		get:         func(a Algorithms) string { return string(a.LTHR) },
		set:         func(a *Algorithms, s string) { a.LTHR = LTHRAlgorithm(s) },
		variants: []AlgorithmVariant{
			{Name: "from_maxhr", Description: "88 % of maximum heart rate.", Formula: "LTHR = 0.88 × HRmax", Source: "Pierre seed; consistent with LT at ~85–90 % HRmax (Friel 2009)"},
			{Name: "from_30min", Description: "Average heart rate over the last 20 minutes of a 30-minute solo time trial.", Formula: "LTHR = mean HR(minutes 10–30)", Source: "Friel 2009, The Cyclist's Training Bible (4th ed.)"},
			{Name: "from_race", Description: "Average heart rate of a race lasting 40–90 minutes (about one hour at threshold).", Formula: "LTHR = mean HR(race)", Source: "Friel 2009; Coggan & Allen 2010"},
			{Name: "lab_test", Description: "A laboratory-measured value supplied by the athlete.", Formula: "LTHR = measured", Source: "—"},
			{Name: "hybrid", Description: "30-minute test, else race, else lab value, else from max HR.", Formula: "from_30min → from_race → lab_test → from_maxhr", Source: "—"},
		},
	},
	{
		key: "vo2max", title: "VO2max estimation", envVar: "PIERRE_VO2MAX_ALGORITHM",
		description: "Estimates maximal oxygen uptake (ml/kg/min).",
		get:         func(a Algorithms) string { return string(a.VO2max) },
		set:         func(a *Algorithms, s string) { a.VO2max = VO2maxAlgorithm(s) },
		unsupported: map[string]string{"from_pace": "the seed applied the Uth–Sørensen heart-rate ratio to speeds, which has no published basis; use uth_sorensen with heart rates"},
		variants: []AlgorithmVariant{
			{Name: "from_vdot", Description: "VDOT is already in ml/kg/min: VO2max ≈ VDOT.", Formula: "VO2max = VDOT", Source: "Daniels 2013"},
			{Name: "cooper_test", Aliases: []string{"cooper"}, Description: "12-minute run test.", Formula: "VO2max = (metres − 504.9) / 44.73", Source: "Cooper 1968, JAMA 203(3):201–204"},
			{Name: "rockport_walk", Aliases: []string{"rockport"}, Description: "One-mile walk test.", Formula: "VO2max = 132.853 − 0.0769·lb − 0.3877·age + 6.315·male − 3.2649·min − 0.1565·HR", Source: "Kline et al. 1987, Med Sci Sports Exerc 19(3):253–259"},
			{Name: "astrand_ryhming", Aliases: []string{"astrand"}, Description: "Submaximal cycle test at steady heart rate 120–170 bpm, age-corrected.", Formula: "VO2max = VO2(W) × (195−61)/(HR−61) men, (198−72)/(HR−72) women, × age factor; VO2(W) = 10.8·W + 7·kg ml/min", Source: "Åstrand & Ryhming 1954, J Appl Physiol 7(2):218–221; Åstrand 1960"},
			{Name: "bruce", Description: "Bruce treadmill protocol, time to exhaustion.", Formula: "men: 14.76 − 1.379·T + 0.451·T² − 0.012·T³; women: 4.38·T − 3.90 (T min)", Source: "Foster et al. 1984, Am Heart J 107(6):1229–1234; Pollock et al. 1982, Am Heart J 103(3):363–373"},
			{Name: "uth_sorensen", Aliases: []string{"uth"}, Description: "Ratio of maximal to resting heart rate.", Formula: "VO2max = 15.3 × HRmax / HRrest", Source: "Uth et al. 2004, Eur J Appl Physiol 91(1):111–115"},
			{Name: "hybrid", Description: "The first available of: VDOT, Cooper, Rockport, Åstrand, Bruce, Uth–Sørensen.", Formula: "from_vdot → cooper_test → rockport_walk → astrand_ryhming → bruce → uth_sorensen", Source: "—"},
		},
	},
}
