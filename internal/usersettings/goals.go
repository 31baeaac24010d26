package usersettings

import (
	"context"
	"time"

	"github.com/pierre-fitness/pierre/internal/intelligence"
)

// Goal statuses.
const (
	GoalActive   = "active"
	GoalAchieved = "achieved"
)

// Goal is a user's stored goal (set_goal).
type Goal struct {
	ID          string `json:"goal_id"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	// GoalType is distance, time, frequency, performance or custom.
	GoalType    string  `json:"goal_type"`
	TargetValue float64 `json:"target_value"`
	Unit        string  `json:"unit"`
	SportType   string  `json:"sport_type,omitempty"`
	// DistanceMeters is the race distance of a race-time goal.
	DistanceMeters float64           `json:"distance_meters,omitempty"`
	StartDate      intelligence.Date `json:"start_date"`
	TargetDate     intelligence.Date `json:"target_date"`
	// StartValue is the measured value when the goal was set (the
	// baseline progress is counted from).
	StartValue float64   `json:"start_value"`
	Status     string    `json:"status"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// GoalStore stores goals, scoped by tenant and user; another user's or
// tenant's goal is store.ErrNotFound.
type GoalStore interface {
	CreateGoal(ctx context.Context, tenantID, userID string, g Goal) error
	Goal(ctx context.Context, tenantID, userID, id string) (Goal, error)
	// ListGoals lists newest first.
	ListGoals(ctx context.Context, tenantID, userID string) ([]Goal, error)
	SetGoalStatus(ctx context.Context, tenantID, userID, id, status string, at time.Time) error
}

// Store is everything the configuration tools persist.
type Store interface {
	GoalStore
	ConfigStore
	FitnessConfigStore
}
