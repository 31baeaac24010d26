package auth

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"sync"
	"time"

	"github.com/pierre-fitness/pierre/internal/store"
	"github.com/pierre-fitness/pierre/internal/vault"
)

// KeySet holds the RSA keys that sign and verify JWTs. The newest key
// signs; retired keys keep verifying (and stay in the JWKS) until every
// token they signed has expired.
type KeySet struct {
	store SigningKeyStore
	vault *vault.Vault
	bits  int

	mu     sync.RWMutex
	active *signingKey
	byKID  map[string]*rsa.PublicKey
	jwks   []byte

	// lastMissReload rate-limits reloads triggered by unknown kids, which
	// anyone can send.
	reloadMu       sync.Mutex
	lastMissReload time.Time
}

// SigningKeyStore is the persistence KeySet needs.
type SigningKeyStore interface {
	SigningKeys(ctx context.Context) ([]store.SigningKey, error)
	AddSigningKey(ctx context.Context, k store.SigningKey) error
	DeleteSigningKeysRetiredBefore(ctx context.Context, t time.Time) (int, error)
}

type signingKey struct {
	kid  string
	priv *rsa.PrivateKey
}

// LoadKeySet loads the signing keys, generating the first one (bits long)
// when the database has none.
func LoadKeySet(ctx context.Context, st SigningKeyStore, v *vault.Vault, bits int) (*KeySet, error) {
	ks := &KeySet{store: st, vault: v, bits: bits}
	keys, err := st.SigningKeys(ctx)
	if err != nil {
		return nil, err
	}
	if len(keys) == 0 || keys[0].RetiredAt != nil {
		if err := ks.Rotate(ctx); err != nil {
			return nil, err
		}
		return ks, nil
	}
	return ks, ks.install(ctx, keys)
}

// Rotate generates a new signing key; the previous one retires but still
// verifies.
func (ks *KeySet) Rotate(ctx context.Context) error {
	priv, err := rsa.GenerateKey(rand.Reader, ks.bits)
	if err != nil {
		return fmt.Errorf("generate %d-bit RSA key: %w", ks.bits, err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return err
	}
	pub, err := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	kid := fmt.Sprintf("key_%s_%x", now.Format("20060102T150405"), randomBytes(4))
	sealed, err := ks.vault.Seal(ctx, vault.SystemScope, signingKeyAAD(kid), der)
	clear(der)
	if err != nil {
		return fmt.Errorf("seal signing key: %w", err)
	}
	if err := ks.store.AddSigningKey(ctx, store.SigningKey{KID: kid, PrivateSealed: sealed, PublicDER: pub, CreatedAt: now}); err != nil {
		return err
	}
	keys, err := ks.store.SigningKeys(ctx)
	if err != nil {
		return err
	}
	return ks.install(ctx, keys)
}

// PruneRetired deletes keys retired longer ago than maxTokenAge: no token
// they signed can still be valid.
func (ks *KeySet) PruneRetired(ctx context.Context, maxTokenAge time.Duration) (int, error) {
	n, err := ks.store.DeleteSigningKeysRetiredBefore(ctx, time.Now().Add(-maxTokenAge))
	if err != nil || n == 0 {
		return n, err
	}
	keys, err := ks.store.SigningKeys(ctx)
	if err != nil {
		return n, err
	}
	return n, ks.install(ctx, keys)
}

// Reload re-reads the keys, picking up a rotation made by another replica.
func (ks *KeySet) Reload(ctx context.Context) error {
	keys, err := ks.store.SigningKeys(ctx)
	if err != nil {
		return err
	}
	return ks.install(ctx, keys)
}

func signingKeyAAD(kid string) []byte {
	return vault.AAD(vault.SystemScope, "", "", "signing_keys", kid)
}

func (ks *KeySet) install(ctx context.Context, keys []store.SigningKey) error {
	byKID := make(map[string]*rsa.PublicKey, len(keys))
	var set jwkSet
	var active *signingKey
	for _, k := range keys {
		pubAny, err := x509.ParsePKIXPublicKey(k.PublicDER)
		if err != nil {
			return fmt.Errorf("parse public key %s: %w", k.KID, err)
		}
		pub, ok := pubAny.(*rsa.PublicKey)
		if !ok {
			return fmt.Errorf("signing key %s is not RSA", k.KID)
		}
		byKID[k.KID] = pub
		set.Keys = append(set.Keys, jwk{Kty: "RSA", Use: "sig", Alg: "RS256", Kid: k.KID,
			N: base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
			E: base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes())})
		if k.RetiredAt != nil {
			continue
		}
		if active != nil {
			continue
		}
		der, err := ks.vault.Open(ctx, vault.SystemScope, signingKeyAAD(k.KID), k.PrivateSealed)
		if err != nil {
			return fmt.Errorf("open signing key %s: %w", k.KID, err)
		}
		privAny, err := x509.ParsePKCS8PrivateKey(der)
		clear(der)
		if err != nil {
			return fmt.Errorf("parse signing key %s: %w", k.KID, err)
		}
		priv, ok := privAny.(*rsa.PrivateKey)
		if !ok {
			return fmt.Errorf("signing key %s is not RSA", k.KID)
		}
		active = &signingKey{kid: k.KID, priv: priv}
	}
	if active == nil {
		return fmt.Errorf("no active signing key")
	}
	jwks, err := json.Marshal(set)
	if err != nil {
		return err
	}
	ks.mu.Lock()
	ks.active, ks.byKID, ks.jwks = active, byKID, jwks
	ks.mu.Unlock()
	return nil
}

// JWKS returns the public keys as an RFC 7517 JSON Web Key Set.
func (ks *KeySet) JWKS() []byte {
	ks.mu.RLock()
	defer ks.mu.RUnlock()
	return ks.jwks
}

// ActiveKID is the id of the key that signs new tokens.
func (ks *KeySet) ActiveKID() string {
	ks.mu.RLock()
	defer ks.mu.RUnlock()
	return ks.active.kid
}

func (ks *KeySet) signer() *signingKey {
	ks.mu.RLock()
	defer ks.mu.RUnlock()
	return ks.active
}

func (ks *KeySet) publicKey(kid string) (*rsa.PublicKey, bool) {
	ks.mu.RLock()
	k, ok := ks.byKID[kid]
	ks.mu.RUnlock()
	if ok {
		return k, true
	}
	// Another replica (or `keys rotate-signing`) may have added a key since
	// we loaded ours: reload, at most every 10 seconds.
	ks.reloadMu.Lock()
	if time.Since(ks.lastMissReload) < 10*time.Second {
		ks.reloadMu.Unlock()
		return nil, false
	}
	ks.lastMissReload = time.Now()
	ks.reloadMu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := ks.Reload(ctx); err != nil {
		return nil, false
	}
	ks.mu.RLock()
	defer ks.mu.RUnlock()
	k, ok = ks.byKID[kid]
	return k, ok
}

type jwk struct {
	Kty string `json:"kty"`
	Use string `json:"use"`
	Alg string `json:"alg"`
	Kid string `json:"kid"`
	N   string `json:"n"`
	E   string `json:"e"`
}

type jwkSet struct {
	Keys []jwk `json:"keys"`
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}
