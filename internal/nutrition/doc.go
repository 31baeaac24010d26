// Package nutrition is Pierre's sports-nutrition engine: energy needs
// (Mifflin-St Jeor BMR, activity factors, exercise energy), daily macro
// targets by goal and sport, carbohydrate periodisation, hydration and
// sweat-rate guidance, nutrient timing around sessions, recipe constraints
// and validation by meal timing, ingredient unit conversion and meal
// analysis.
//
// Everything here is a pure function over plain data: no I/O, no clock, no
// randomness. Food composition comes in as [Food] values (per-100 g
// nutrients plus optional portion weights) that the caller fetched from a
// food-data source (see package fooddata); this package never looks foods
// up itself.
//
// Bad input is reported as *[InputError] naming the offending field with
// the JSON/tool argument name (for example "weight_kg" or
// "ingredients[2].unit"), so a tool handler can pass it straight back to the
// assistant.
//
// Tool wiring (ch18-22 §2.2, tools 36–47):
//
//	calculate_daily_nutrition  ParseSex/ParseActivityLevel/ParseGoal, then DailyNutrition
//	get_nutrient_timing        NutrientTiming; with workout_intensity set Intensity,
//	                           else build a TrainingSummary from the activity provider
//	                           (days_back, Σ moving seconds, duration-weighted mean of
//	                           average HR) and the answer says intensity_source "inferred"
//	search_food                fooddata.Source.Search (not this package)
//	get_food_details           fooddata.Source.Food
//	analyze_meal_nutrition     fetch each fdc_id with fooddata, Food.ForNutrition into a
//	                           map, then AnalyzeMeal (grams or servings)
//	get_recipe_constraints     ParseMealTiming, GetRecipeConstraints (pass the user's TDEE
//	                           from DailyNutrition when known)
//	validate_recipe            resolve each ingredient to an FDC ID (its fdc_id, else the
//	                           top search_food hit), fetch foods, then ValidateRecipe
//	save/list/get/delete/search_recipes  storage only; validate with ValidateRecipe first
//
// Helpers for other tools and prompts: ExerciseEnergy (session energy),
// CarbPeriodisation/CarbsForDay, SweatRate, HydrationPlan, GuidanceForSport,
// ParseAmount/AmountToGrams (free-text ingredient amounts).
//
// Units are SI and named in fields (kilograms, centimetres, grams,
// millilitres, kilocalories). Sources for every constant are given next to
// it; docs/methodology.md in the project summarises them.
package nutrition
