package bridge

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/zalando/go-keyring"
)

// Credentials are what the bridge remembers about one server: its OAuth
// client registration and the user's tokens.
type Credentials struct {
	ServerURL    string    `json:"server_url"`
	Method       string    `json:"method"` // "oauth" or "password"
	ClientID     string    `json:"client_id,omitempty"`
	ClientSecret string    `json:"client_secret,omitempty"`
	RedirectURI  string    `json:"redirect_uri,omitempty"`
	Issuer       string    `json:"issuer,omitempty"`
	TokenURL     string    `json:"token_url,omitempty"`
	AccessToken  string    `json:"access_token,omitempty"`
	RefreshToken string    `json:"refresh_token,omitempty"`
	TokenType    string    `json:"token_type,omitempty"`
	Expiry       time.Time `json:"expiry,omitzero"`
}

// Store keeps credentials between runs.
type Store interface {
	// Load returns the credentials for serverURL, or nil when none.
	Load(serverURL string) (*Credentials, error)
	Save(c *Credentials) error
	Delete(serverURL string) error
	// Describe says where credentials are kept, for messages.
	Describe() string
}

const keyringService = "pierre-mcp-client"

// KeyringStore keeps credentials in the OS keychain (macOS Keychain,
// Windows Credential Manager, Secret Service on Linux).
type KeyringStore struct{}

// Load implements Store.
func (KeyringStore) Load(server string) (*Credentials, error) {
	s, err := keyring.Get(keyringService, server)
	if errors.Is(err, keyring.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read keychain: %w", err)
	}
	var c Credentials
	if err := json.Unmarshal([]byte(s), &c); err != nil {
		return nil, nil // unreadable entry: start over
	}
	return &c, nil
}

// Save implements Store.
func (KeyringStore) Save(c *Credentials) error {
	b, _ := json.Marshal(c)
	if err := keyring.Set(keyringService, c.ServerURL, string(b)); err != nil {
		return fmt.Errorf("write keychain: %w", err)
	}
	return nil
}

// Delete implements Store.
func (KeyringStore) Delete(server string) error {
	err := keyring.Delete(keyringService, server)
	if errors.Is(err, keyring.ErrNotFound) {
		return nil
	}
	return err
}

// Describe implements Store.
func (KeyringStore) Describe() string { return "the OS keychain" }

// FileStore keeps credentials in a JSON file readable only by the user
// (0600 in a 0700 directory), for systems without a keychain.
type FileStore struct {
	Path string
	mu   sync.Mutex
}

// DefaultCredentialsFile is where FileStore keeps credentials by default.
func DefaultCredentialsFile() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "pierre", "mcp-client-credentials.json")
}

func (f *FileStore) readAll() (map[string]*Credentials, error) {
	b, err := os.ReadFile(f.Path)
	if errors.Is(err, os.ErrNotExist) {
		return map[string]*Credentials{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", f.Path, err)
	}
	m := map[string]*Credentials{}
	if err := json.Unmarshal(b, &m); err != nil {
		return map[string]*Credentials{}, nil // corrupt file: start over rather than fail forever
	}
	return m, nil
}

func (f *FileStore) writeAll(m map[string]*Credentials) error {
	if err := os.MkdirAll(filepath.Dir(f.Path), 0o700); err != nil {
		return fmt.Errorf("create %s: %w", filepath.Dir(f.Path), err)
	}
	b, _ := json.MarshalIndent(m, "", "  ")
	tmp, err := os.CreateTemp(filepath.Dir(f.Path), ".credentials-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	// Rename is atomic: a crash never leaves a half-written file.
	return os.Rename(tmp.Name(), f.Path)
}

// Load implements Store.
func (f *FileStore) Load(server string) (*Credentials, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m, err := f.readAll()
	if err != nil {
		return nil, err
	}
	return m[server], nil
}

// Save implements Store.
func (f *FileStore) Save(c *Credentials) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	m, err := f.readAll()
	if err != nil {
		return err
	}
	m[c.ServerURL] = c
	return f.writeAll(m)
}

// Delete implements Store.
func (f *FileStore) Delete(server string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	m, err := f.readAll()
	if err != nil {
		return err
	}
	delete(m, server)
	return f.writeAll(m)
}

// Describe implements Store.
func (f *FileStore) Describe() string { return f.Path }

// OpenStore returns the keychain when it works, else a file store at path
// (DefaultCredentialsFile when empty). A non-empty path always selects the
// file.
func OpenStore(path string) Store {
	if path != "" {
		return &FileStore{Path: path}
	}
	if _, err := keyring.Get(keyringService, "probe"); err == nil || errors.Is(err, keyring.ErrNotFound) {
		return KeyringStore{}
	}
	return &FileStore{Path: DefaultCredentialsFile()}
}
