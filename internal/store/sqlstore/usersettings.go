package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/pierre-fitness/pierre/internal/intelligence"
	"github.com/pierre-fitness/pierre/internal/store"
	"github.com/pierre-fitness/pierre/internal/usersettings"
)

var _ usersettings.Store = (*Store)(nil)

const goalColumns = `id, title, description, goal_type, target_value, unit, sport_type, distance_meters,
	start_date, target_date, start_value, status, created_at, updated_at`

// CreateGoal implements usersettings.GoalStore.
func (s *Store) CreateGoal(ctx context.Context, tenantID, userID string, g usersettings.Goal) error {
	_, err := s.exec(ctx, s.db, `INSERT INTO goals (tenant_id, user_id, `+goalColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		tenantID, userID, g.ID, g.Title, g.Description, g.GoalType, g.TargetValue, g.Unit, g.SportType, g.DistanceMeters,
		g.StartDate.String(), g.TargetDate.String(), g.StartValue, g.Status, ms(g.CreatedAt), ms(g.UpdatedAt))
	if err != nil {
		if IsUniqueViolation(err) {
			return fmt.Errorf("create goal %s: %w", g.ID, store.ErrConflict)
		}
		return fmt.Errorf("create goal: %w", err)
	}
	return nil
}

func scanGoal(sc interface{ Scan(...any) error }) (usersettings.Goal, error) {
	var (
		g                usersettings.Goal
		start, target    string
		created, updated int64
	)
	if err := sc.Scan(&g.ID, &g.Title, &g.Description, &g.GoalType, &g.TargetValue, &g.Unit, &g.SportType, &g.DistanceMeters,
		&start, &target, &g.StartValue, &g.Status, &created, &updated); err != nil {
		return g, err
	}
	var err error
	if g.StartDate, err = intelligence.ParseDate(start); err != nil {
		return g, fmt.Errorf("goal %s start date: %w", g.ID, err)
	}
	if g.TargetDate, err = intelligence.ParseDate(target); err != nil {
		return g, fmt.Errorf("goal %s target date: %w", g.ID, err)
	}
	g.CreatedAt, g.UpdatedAt = fromMS(created), fromMS(updated)
	return g, nil
}

// Goal implements usersettings.GoalStore.
func (s *Store) Goal(ctx context.Context, tenantID, userID, id string) (usersettings.Goal, error) {
	g, err := scanGoal(s.queryRow(ctx, s.db, `SELECT `+goalColumns+` FROM goals WHERE tenant_id = ? AND user_id = ? AND id = ?`,
		tenantID, userID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return g, fmt.Errorf("goal %s: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return g, fmt.Errorf("load goal: %w", err)
	}
	return g, nil
}

// ListGoals implements usersettings.GoalStore.
func (s *Store) ListGoals(ctx context.Context, tenantID, userID string) ([]usersettings.Goal, error) {
	rows, err := s.query(ctx, s.db, `SELECT `+goalColumns+` FROM goals WHERE tenant_id = ? AND user_id = ?
		ORDER BY created_at DESC, id DESC`, tenantID, userID)
	if err != nil {
		return nil, fmt.Errorf("list goals: %w", err)
	}
	defer rows.Close()
	out := []usersettings.Goal{}
	for rows.Next() {
		g, err := scanGoal(rows)
		if err != nil {
			return nil, fmt.Errorf("list goals: %w", err)
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// SetGoalStatus implements usersettings.GoalStore.
func (s *Store) SetGoalStatus(ctx context.Context, tenantID, userID, id, status string, at time.Time) error {
	res, err := s.exec(ctx, s.db, `UPDATE goals SET status = ?, updated_at = ? WHERE tenant_id = ? AND user_id = ? AND id = ?`,
		status, ms(at), tenantID, userID, id)
	if err != nil {
		return fmt.Errorf("update goal status: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("goal %s: %w", id, store.ErrNotFound)
	}
	return nil
}

// UserConfig implements usersettings.ConfigStore.
func (s *Store) UserConfig(ctx context.Context, tenantID, userID string) (usersettings.UserConfig, error) {
	var (
		c            usersettings.UserConfig
		algos, param string
		updated      int64
	)
	err := s.queryRow(ctx, s.db, `SELECT profile, algorithms, parameters, updated_at FROM user_configurations
		WHERE tenant_id = ? AND user_id = ?`, tenantID, userID).Scan(&c.Profile, &algos, &param, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("user configuration: %w", store.ErrNotFound)
	}
	if err != nil {
		return c, fmt.Errorf("load user configuration: %w", err)
	}
	if err := json.Unmarshal([]byte(algos), &c.Algorithms); err != nil {
		return c, fmt.Errorf("decode stored algorithm choices: %w", err)
	}
	if err := json.Unmarshal([]byte(param), &c.Parameters); err != nil {
		return c, fmt.Errorf("decode stored parameters: %w", err)
	}
	c.UpdatedAt = fromMS(updated)
	return c, nil
}

// PutUserConfig implements usersettings.ConfigStore.
func (s *Store) PutUserConfig(ctx context.Context, tenantID, userID string, c usersettings.UserConfig) error {
	if c.Algorithms == nil {
		c.Algorithms = map[string]string{}
	}
	algos, err := json.Marshal(c.Algorithms)
	if err != nil {
		return fmt.Errorf("encode algorithm choices: %w", err)
	}
	param, err := json.Marshal(c.Parameters)
	if err != nil {
		return fmt.Errorf("encode parameters: %w", err)
	}
	_, err = s.exec(ctx, s.db, `INSERT INTO user_configurations (tenant_id, user_id, profile, algorithms, parameters, updated_at)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (tenant_id, user_id) DO UPDATE SET profile = excluded.profile, algorithms = excluded.algorithms,
			parameters = excluded.parameters, updated_at = excluded.updated_at`,
		tenantID, userID, c.Profile, string(algos), string(param), ms(c.UpdatedAt))
	if err != nil {
		return fmt.Errorf("store user configuration: %w", err)
	}
	return nil
}

// PutFitnessConfig implements usersettings.FitnessConfigStore. CreatedAt
// is kept from the first version.
func (s *Store) PutFitnessConfig(ctx context.Context, tenantID, userID string, c usersettings.FitnessConfig) (bool, error) {
	body, err := json.Marshal(c.Configuration)
	if err != nil {
		return false, fmt.Errorf("encode fitness configuration: %w", err)
	}
	created := false
	err = s.InTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := s.queryRow(ctx, tx, `SELECT COUNT(*) FROM fitness_configurations WHERE tenant_id = ? AND user_id = ? AND name = ?`,
			tenantID, userID, c.Name).Scan(&n); err != nil {
			return err
		}
		created = n == 0
		_, err := s.exec(ctx, tx, `INSERT INTO fitness_configurations (tenant_id, user_id, name, configuration, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (tenant_id, user_id, name) DO UPDATE SET configuration = excluded.configuration, updated_at = excluded.updated_at`,
			tenantID, userID, c.Name, string(body), ms(c.CreatedAt), ms(c.UpdatedAt))
		return err
	})
	if err != nil {
		return false, fmt.Errorf("store fitness configuration %q: %w", c.Name, err)
	}
	return created, nil
}

const fitnessColumns = `name, configuration, created_at, updated_at`

func scanFitness(sc interface{ Scan(...any) error }) (usersettings.FitnessConfig, error) {
	var (
		c                usersettings.FitnessConfig
		body             string
		created, updated int64
	)
	if err := sc.Scan(&c.Name, &body, &created, &updated); err != nil {
		return c, err
	}
	if err := json.Unmarshal([]byte(body), &c.Configuration); err != nil {
		return c, fmt.Errorf("decode fitness configuration %q: %w", c.Name, err)
	}
	c.CreatedAt, c.UpdatedAt = fromMS(created), fromMS(updated)
	return c, nil
}

// FitnessConfig implements usersettings.FitnessConfigStore.
func (s *Store) FitnessConfig(ctx context.Context, tenantID, userID, name string) (usersettings.FitnessConfig, error) {
	c, err := scanFitness(s.queryRow(ctx, s.db, `SELECT `+fitnessColumns+` FROM fitness_configurations
		WHERE tenant_id = ? AND user_id = ? AND name = ?`, tenantID, userID, name))
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("fitness configuration %q: %w", name, store.ErrNotFound)
	}
	if err != nil {
		return c, fmt.Errorf("load fitness configuration: %w", err)
	}
	return c, nil
}

// ListFitnessConfigs implements usersettings.FitnessConfigStore.
func (s *Store) ListFitnessConfigs(ctx context.Context, tenantID, userID string) ([]usersettings.FitnessConfig, error) {
	rows, err := s.query(ctx, s.db, `SELECT `+fitnessColumns+` FROM fitness_configurations
		WHERE tenant_id = ? AND user_id = ? ORDER BY name`, tenantID, userID)
	if err != nil {
		return nil, fmt.Errorf("list fitness configurations: %w", err)
	}
	defer rows.Close()
	out := []usersettings.FitnessConfig{}
	for rows.Next() {
		c, err := scanFitness(rows)
		if err != nil {
			return nil, fmt.Errorf("list fitness configurations: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// DeleteFitnessConfig implements usersettings.FitnessConfigStore.
func (s *Store) DeleteFitnessConfig(ctx context.Context, tenantID, userID, name string) error {
	res, err := s.exec(ctx, s.db, `DELETE FROM fitness_configurations WHERE tenant_id = ? AND user_id = ? AND name = ?`,
		tenantID, userID, name)
	if err != nil {
		return fmt.Errorf("delete fitness configuration: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("fitness configuration %q: %w", name, store.ErrNotFound)
	}
	return nil
}
