package main

import (
	"regexp"
	"strings"
)

// abbreviations used in SR28's 60-character short descriptions, expanded
// to the words of the long descriptions.
var abbreviations = map[string]string{
	"ADDED": "added", "ALK": "alkali", "APPL": "apple", "BBQ": "BBQ", "BF": "beef", "BKD": "baked", "BLD": "boiled",
	"BLEND": "blend", "BNLESS": "boneless", "BRLD": "broiled", "BRSD": "braised", "BRST": "breast", "BSD": "based",
	"BTLD": "bottled", "BTTRMLK": "buttermilk", "CA": "calcium", "CARB": "carbonated", "CHICK": "chicken",
	"CHOC": "chocolate", "CHOIC": "choice", "CHS": "cheese", "CKD": "cooked", "CMDTY": "commodity", "COCNT": "coconut",
	"COMM": "commercial", "COMMLY": "commercially", "COMP": "composite", "COND": "condensed", "CONC": "concentrate",
	"CND": "canned", "CRM": "cream", "CRMD": "creamed", "DEHYD": "dehydrated", "DIL": "diluted", "DK": "dark",
	"DOM": "domestic", "DRK": "drink", "DRND": "drained", "DRSNG": "dressing", "ENR": "enriched", "EQ": "equal",
	"FLR": "flour", "FORT": "fortified", "FR": "fried", "FRNCH": "french", "FRSH": "fresh", "FRZ": "frozen",
	"FST": "fast", "GRDS": "grades", "GRN": "green", "H2O": "water", "HI": "high", "HVY": "heavy", "HYDR": "hydrogenated",
	"IMITN": "imitation", "INCL": "includes", "JUC": "juice", "KRNLS": "kernels", "LN": "lean", "LO": "low",
	"LOFAT": "lowfat", "LRG": "large", "LT": "light", "LIQ": "liquid", "MARG": "margarine", "MAYO": "mayonnaise",
	"MED": "medium", "MSHD": "mashed", "MXD": "mixed", "NA": "sodium", "PAST": "pasteurized", "PDR": "powder",
	"PK": "pack", "PKG": "package", "PLN": "plain", "PNUT": "peanut", "PREP": "prepared", "PROC": "processed",
	"PROT": "protein", "RED": "reduced", "REFR": "refrigerated", "REG": "regular", "RSTD": "roasted", "RTD": "ready-to-drink",
	"RTE": "ready-to-eat", "RTS": "ready-to-serve", "RTL": "retail", "SAU": "sauce", "SCRMBLD": "scrambled",
	"SEL": "select", "SEP": "separable", "SHK": "shank", "SIRL": "sirloin", "SKN": "skin", "SKNLSS": "skinless",
	"SML": "small", "SMMR": "summer", "SNDWCH": "sandwich", "SOL": "solids", "SOLN": "solution", "SOYBN": "soybean",
	"SP": "species", "SPL": "special", "STWD": "stewed", "SUPP": "supplement", "SWT": "sweet", "SWTND": "sweetened",
	"TRMD": "trimmed", "TSTD": "toasted", "UNCKD": "uncooked", "UNDIL": "undiluted", "UNENR": "unenriched",
	"UNPREP": "unprepared", "UNSWTND": "unsweetened", "VAR": "variety", "VEG": "vegetable", "VIT": "vitamin",
	"WHL": "whole", "WNTR": "winter", "YEL": "yellow", "BEV": "beverage", "BEVERAG": "beverages", "CHICKN": "chicken",
	"CHCKN": "chicken", "BROILR": "broiler", "BROLR": "broiler", "FRYRS": "fryers", "RDY": "ready", "BRKFST": "breakfast",
	"SWTNR": "sweetener", "PRESERV": "preserves", "CRISPBRD": "crispbread", "SHRDDED": "shredded", "STK": "stick",
	"SQ": "square", "TBSP": "tbsp", "UNSALTED": "unsalted", "WO": "without", "W": "with",
}

var wordRe = regexp.MustCompile(`[A-Za-z0-9]+`)

// Expand turns an SR28 short description ("CHICKEN, BROILERS OR FRYERS,
// BREAST, MEAT ONLY, CKD, RSTD") into long-description style ("Chicken,
// broilers or fryers, breast, meat only, cooked, roasted"). Brand names
// come out lower-case; that only affects display.
func Expand(short string) string {
	s := strings.Join(strings.Fields(short), " ")
	s = wordRe.ReplaceAllStringFunc(s, func(w string) string {
		if x, ok := abbreviations[strings.ToUpper(w)]; ok {
			return x
		}
		return strings.ToLower(w)
	})
	s = strings.ReplaceAll(s, " ,", ",")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
