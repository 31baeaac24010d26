package vault

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// DevKeyFile is the name of the generated master key in the data directory.
const DevKeyFile = "master.key"

// LoadOrCreateDevKey returns the development master key kept in dataDir,
// generating it (mode 0600) on first use. created reports a new key, so the
// caller can warn that production needs PIERRE_MASTER_ENCRYPTION_KEY.
func LoadOrCreateDevKey(dataDir string) (key []byte, path string, created bool, err error) {
	path = filepath.Join(dataDir, DevKeyFile)
	b, err := os.ReadFile(path)
	if err == nil {
		key, err = base64.StdEncoding.DecodeString(strings.TrimSpace(string(b)))
		if err != nil || len(key) != KeySize {
			return nil, path, false, fmt.Errorf("%s is corrupt: expected base64 of %d bytes", path, KeySize)
		}
		return key, path, false, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, path, false, fmt.Errorf("read %s: %w", path, err)
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, path, false, fmt.Errorf("create data directory: %w", err)
	}
	key = make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, path, false, err
	}
	// O_EXCL: if two processes race on first start, one wins and the other
	// reads the winner's key.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return LoadOrCreateDevKey(dataDir)
	}
	if err != nil {
		return nil, path, false, fmt.Errorf("create %s: %w", path, err)
	}
	defer f.Close()
	if _, err := f.WriteString(base64.StdEncoding.EncodeToString(key) + "\n"); err != nil {
		return nil, path, false, fmt.Errorf("write %s: %w", path, err)
	}
	return key, path, true, f.Sync()
}
