// Package vault encrypts secrets at rest with envelope encryption.
//
// The master encryption key (MEK, PIERRE_MASTER_ENCRYPTION_KEY) never touches
// the database. It wraps one data encryption key (DEK) per scope: a tenant id,
// or "system" for server-wide secrets such as JWT signing keys. Secrets are
// sealed with the scope's DEK using AES-256-GCM and associated data (AAD)
// naming where the ciphertext belongs (tenant|user|provider|table), so a
// ciphertext copied into another row, tenant or table fails to open.
// Rotating the MEK re-wraps the DEKs only; sealed data is untouched.
package vault

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"sync"
)

// SystemScope is the DEK scope for secrets that belong to no tenant.
const SystemScope = "system"

// KeySize is the size of the MEK and of every DEK, in bytes (AES-256).
const KeySize = 32

const (
	formatV1  byte = 1
	nonceSize      = 12
	overhead       = 1 + nonceSize + 16 // version, nonce, GCM tag
)

// ErrDecrypt means a ciphertext did not authenticate: wrong key, wrong AAD,
// or tampering. Callers must treat the secret as unusable.
var ErrDecrypt = errors.New("decryption failed: wrong key, wrong context, or tampered data")

// ErrKeyNotFound is returned by a KeyStore when a scope has no DEK yet.
var ErrKeyNotFound = errors.New("data key not found")

// KeyStore persists wrapped DEKs.
type KeyStore interface {
	// WrappedDataKey returns the wrapped DEK of scope, or ErrKeyNotFound.
	WrappedDataKey(ctx context.Context, scope string) ([]byte, error)
	// PutWrappedDataKeyIfAbsent stores a new wrapped DEK unless one already
	// exists, and returns whichever is stored afterwards, so concurrent
	// first uses agree on one key.
	PutWrappedDataKeyIfAbsent(ctx context.Context, scope string, wrapped []byte) ([]byte, error)
	// RewrapDataKeys replaces every wrapped DEK with rewrap(scope, old) in
	// one transaction; any error leaves all keys unchanged.
	RewrapDataKeys(ctx context.Context, rewrap func(scope string, wrapped []byte) ([]byte, error)) (int, error)
}

// Vault seals and opens secrets.
type Vault struct {
	mek   cipher.AEAD
	store KeyStore
	deks  sync.Map // scope → cipher.AEAD
}

// New returns a vault using mek (32 bytes) to wrap the DEKs in store.
func New(mek []byte, store KeyStore) (*Vault, error) {
	aead, err := newAEAD(mek)
	if err != nil {
		return nil, fmt.Errorf("master key: %w", err)
	}
	return &Vault{mek: aead, store: store}, nil
}

// Verify checks that the MEK matches the database by opening (or, on a new
// database, creating) the system DEK. Call it at start-up so a wrong key
// fails loudly before any request.
func (v *Vault) Verify(ctx context.Context) error {
	if _, err := v.dek(ctx, SystemScope); err != nil {
		if errors.Is(err, ErrDecrypt) {
			return fmt.Errorf("PIERRE_MASTER_ENCRYPTION_KEY does not match the key this database was encrypted with; " +
				"restore the original key (or run `pierre-server keys rotate` with the old key to move to a new one)")
		}
		return err
	}
	return nil
}

// AAD joins context parts into associated data: "tenant|user|provider|table".
func AAD(parts ...string) []byte { return []byte(strings.Join(parts, "|")) }

// Seal encrypts plaintext with scope's DEK, bound to aad.
func (v *Vault) Seal(ctx context.Context, scope string, aad, plaintext []byte) ([]byte, error) {
	aead, err := v.dek(ctx, scope)
	if err != nil {
		return nil, err
	}
	return seal(aead, aad, plaintext), nil
}

// Open decrypts a ciphertext made by Seal with the same scope and aad.
func (v *Vault) Open(ctx context.Context, scope string, aad, ciphertext []byte) ([]byte, error) {
	aead, err := v.dek(ctx, scope)
	if err != nil {
		return nil, err
	}
	return open(aead, aad, ciphertext)
}

// Rotate re-wraps every DEK under newMEK in one transaction. Afterwards the
// server must be started with newMEK; data sealed before stays readable.
func (v *Vault) Rotate(ctx context.Context, newMEK []byte) (int, error) {
	next, err := newAEAD(newMEK)
	if err != nil {
		return 0, fmt.Errorf("new master key: %w", err)
	}
	n, err := v.store.RewrapDataKeys(ctx, func(scope string, wrapped []byte) ([]byte, error) {
		dek, err := open(v.mek, wrapAAD(scope), wrapped)
		if err != nil {
			return nil, fmt.Errorf("unwrap data key %q with the current master key: %w", scope, err)
		}
		return seal(next, wrapAAD(scope), dek), nil
	})
	if err != nil {
		return 0, err
	}
	v.mek = next
	v.deks = sync.Map{}
	return n, nil
}

func (v *Vault) dek(ctx context.Context, scope string) (cipher.AEAD, error) {
	if a, ok := v.deks.Load(scope); ok {
		return a.(cipher.AEAD), nil
	}
	wrapped, err := v.store.WrappedDataKey(ctx, scope)
	if errors.Is(err, ErrKeyNotFound) {
		fresh := make([]byte, KeySize)
		if _, err := rand.Read(fresh); err != nil {
			return nil, fmt.Errorf("generate data key: %w", err)
		}
		wrapped, err = v.store.PutWrappedDataKeyIfAbsent(ctx, scope, seal(v.mek, wrapAAD(scope), fresh))
		clear(fresh)
		if err != nil {
			return nil, fmt.Errorf("store data key %q: %w", scope, err)
		}
	} else if err != nil {
		return nil, fmt.Errorf("load data key %q: %w", scope, err)
	}
	raw, err := open(v.mek, wrapAAD(scope), wrapped)
	if err != nil {
		return nil, err
	}
	aead, err := newAEAD(raw)
	clear(raw)
	if err != nil {
		return nil, err
	}
	actual, _ := v.deks.LoadOrStore(scope, aead)
	return actual.(cipher.AEAD), nil
}

// wrapAAD binds a wrapped DEK to its scope so DEKs cannot be swapped.
func wrapAAD(scope string) []byte { return AAD("dek", scope) }

func newAEAD(key []byte) (cipher.AEAD, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("key must be %d bytes, got %d", KeySize, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

func seal(aead cipher.AEAD, aad, plaintext []byte) []byte {
	out := make([]byte, 1+nonceSize, overhead+len(plaintext))
	out[0] = formatV1
	if _, err := rand.Read(out[1:]); err != nil {
		// crypto/rand never fails on supported platforms (Go 1.24+).
		panic(fmt.Sprintf("crypto/rand: %v", err))
	}
	return aead.Seal(out, out[1:1+nonceSize], plaintext, aad)
}

func open(aead cipher.AEAD, aad, ct []byte) ([]byte, error) {
	if len(ct) < overhead || ct[0] != formatV1 {
		return nil, ErrDecrypt
	}
	pt, err := aead.Open(nil, ct[1:1+nonceSize], ct[1+nonceSize:], aad)
	if err != nil {
		return nil, ErrDecrypt
	}
	return pt, nil
}
