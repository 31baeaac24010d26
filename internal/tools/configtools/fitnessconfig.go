package configtools

import (
	"context"
	"errors"
	"fmt"
	"regexp"

	"github.com/pierre-fitness/pierre/internal/auth"
	"github.com/pierre-fitness/pierre/internal/store"
	"github.com/pierre-fitness/pierre/internal/tools"
	"github.com/pierre-fitness/pierre/internal/usersettings"
)

// configNamePattern keeps names safe in URLs (/api/fitness-configurations/{name}).
var configNamePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}$`)

const configNameRule = "must be 1–64 letters, digits, spaces, '.', '_' or '-', starting with a letter or digit"

func zoneSchema() *tools.Schema {
	return tools.FreeObject("Zones by name, e.g. {\"zone1\": {\"min\": 100, \"max\": 120}}.",
		tools.Object(map[string]*tools.Schema{"min": number("Lower bound."), "max": number("Upper bound.")}, "min", "max"))
}

func (s *service) registerFitnessConfigs(r *tools.Registry) {
	cfgProps := physiologyProps()
	cfgProps["heart_rate_zones"] = zoneSchema()
	cfgProps["power_zones"] = zoneSchema()
	nameArg := tools.StringLen("Configuration name (default \"default\", the one analyses read).", 1, 64)
	r.Add(
		tools.New(tools.Spec{
			Name: "get_fitness_config", Title: "Get fitness configuration", Category: CategoryFitnessConfig,
			Description: "Read one of the user's named fitness configurations (custom heart-rate and power zones, FTP, " +
				"LTHR, max and resting HR, weight). Returns {configuration_name, configuration, created_at, updated_at}.",
			Input:       tools.Object(map[string]*tools.Schema{"configuration_name": nameArg}),
			Annotations: tools.Annotations{ReadOnly: true, Idempotent: true},
		}, s.getFitnessConfig),
		tools.New(tools.Spec{
			Name: "set_fitness_config", Title: "Save fitness configuration", Category: CategoryFitnessConfig,
			Description: "Create or replace a named fitness configuration: custom zones and physiological values. The " +
				"configuration named \"default\" fills values the user has not set with update_user_configuration, so " +
				"analyses use it. Values are validated (ranges, resting < LTHR < max, zone min < max). Returns " +
				"{configuration_name, created, configuration}.",
			Input: tools.Object(map[string]*tools.Schema{
				"configuration":      tools.Object(cfgProps),
				"configuration_name": nameArg,
			}, "configuration"),
			Annotations: tools.Annotations{Destructive: true, Idempotent: true},
		}, s.setFitnessConfig),
		tools.New(tools.Spec{
			Name: "list_fitness_configs", Title: "List fitness configurations", Category: CategoryFitnessConfig,
			Description: "List the user's named fitness configurations, by name. Returns {configurations[], count}.",
			Input:       tools.Object(nil),
			Annotations: tools.Annotations{ReadOnly: true, Idempotent: true},
		}, s.listFitnessConfigs),
		tools.New(tools.Spec{
			Name: "delete_fitness_config", Title: "Delete fitness configuration", Category: CategoryFitnessConfig,
			Description: "Delete one of the user's named fitness configurations. Returns {deleted, configuration_name}.",
			Input: tools.Object(map[string]*tools.Schema{
				"configuration_name": tools.StringLen("Name of the configuration to delete.", 1, 64),
			}, "configuration_name"),
			Annotations: tools.Annotations{Destructive: true, Idempotent: true},
		}, s.deleteFitnessConfig),
	)
}

func configName(n string) (string, error) {
	if n == "" {
		return usersettings.DefaultFitnessConfig, nil
	}
	if !configNamePattern.MatchString(n) {
		return "", tools.Invalid("configuration_name", configNameRule)
	}
	return n, nil
}

func configNotFound(name string) error {
	return tools.Fail(tools.CodeNotFound, fmt.Sprintf("configuration_name %q does not match any of your fitness configurations", name),
		"call list_fitness_configs to see the names, or set_fitness_config to create it")
}

// putFitnessConfig validates and stores a configuration (tools and REST).
func (s *service) putFitnessConfig(ctx context.Context, p auth.Principal, name string, cfg usersettings.FitnessConfiguration) (usersettings.FitnessConfig, bool, error) {
	if err := cfg.Validate(); err != nil {
		return usersettings.FitnessConfig{}, false, err
	}
	now := s.now().UTC()
	fc := usersettings.FitnessConfig{Name: name, Configuration: cfg, CreatedAt: now, UpdatedAt: now}
	created, err := s.st.PutFitnessConfig(ctx, p.TenantID, p.UserID, fc)
	if err != nil {
		return fc, false, err
	}
	stored, err := s.st.FitnessConfig(ctx, p.TenantID, p.UserID, name)
	return stored, created, err
}

func (s *service) getFitnessConfig(ctx context.Context, c *tools.Call, in struct {
	Name string `json:"configuration_name"`
}) (any, error) {
	name, err := configName(in.Name)
	if err != nil {
		return nil, err
	}
	fc, err := s.st.FitnessConfig(ctx, c.Principal.TenantID, c.Principal.UserID, name)
	if errors.Is(err, store.ErrNotFound) {
		return nil, configNotFound(name)
	}
	if err != nil {
		return nil, err
	}
	return fc, nil
}

func (s *service) setFitnessConfig(ctx context.Context, c *tools.Call, in struct {
	Configuration usersettings.FitnessConfiguration `json:"configuration"`
	Name          string                            `json:"configuration_name"`
}) (any, error) {
	name, err := configName(in.Name)
	if err != nil {
		return nil, err
	}
	fc, created, err := s.putFitnessConfig(ctx, c.Principal, name, in.Configuration)
	if err != nil {
		return nil, invalid("configuration.", err)
	}
	return map[string]any{"configuration_name": fc.Name, "created": created, "configuration": fc.Configuration,
		"created_at": fc.CreatedAt, "updated_at": fc.UpdatedAt}, nil
}

func (s *service) listFitnessConfigs(ctx context.Context, c *tools.Call, _ struct{}) (any, error) {
	list, err := s.st.ListFitnessConfigs(ctx, c.Principal.TenantID, c.Principal.UserID)
	if err != nil {
		return nil, err
	}
	return map[string]any{"configurations": list, "count": len(list)}, nil
}

func (s *service) deleteFitnessConfig(ctx context.Context, c *tools.Call, in struct {
	Name string `json:"configuration_name"`
}) (any, error) {
	name, err := configName(in.Name)
	if err != nil {
		return nil, err
	}
	err = s.st.DeleteFitnessConfig(ctx, c.Principal.TenantID, c.Principal.UserID, name)
	if errors.Is(err, store.ErrNotFound) {
		return nil, configNotFound(name)
	}
	if err != nil {
		return nil, err
	}
	return map[string]any{"deleted": true, "configuration_name": name}, nil
}
