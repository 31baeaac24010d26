package sqlstore

import (
	"context"
	"fmt"

	"github.com/pierre-fitness/pierre/internal/store"
)

// ConnectionsByVendorUser lists the Pierre users (any tenant) connected to
// provider as vendorUserID: whom a vendor's push notification concerns.
func (s *Store) ConnectionsByVendorUser(ctx context.Context, provider, vendorUserID string) ([]store.ProviderConnection, error) {
	rows, err := s.query(ctx, s.db, `SELECT `+connectionColumns+` FROM provider_connections
		WHERE provider = ? AND vendor_user_id = ? ORDER BY tenant_id, user_id`, provider, vendorUserID)
	if err != nil {
		return nil, fmt.Errorf("find %s user %s: %w", provider, vendorUserID, err)
	}
	defer rows.Close()
	var out []store.ProviderConnection
	for rows.Next() {
		c, err := scanConnection(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
