package vault

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// mapKeys is a KeyStore over a map; the SQL implementation passes the same
// contract in the store suite.
type mapKeys struct {
	mu sync.Mutex
	m  map[string][]byte
}

func (k *mapKeys) WrappedDataKey(_ context.Context, scope string) ([]byte, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if w, ok := k.m[scope]; ok {
		return w, nil
	}
	return nil, ErrKeyNotFound
}

func (k *mapKeys) PutWrappedDataKeyIfAbsent(_ context.Context, scope string, w []byte) ([]byte, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if old, ok := k.m[scope]; ok {
		return old, nil
	}
	k.m[scope] = w
	return w, nil
}

func (k *mapKeys) RewrapDataKeys(_ context.Context, f func(string, []byte) ([]byte, error)) (int, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	next := map[string][]byte{}
	for s, w := range k.m {
		nw, err := f(s, w)
		if err != nil {
			return 0, err
		}
		next[s] = nw
	}
	k.m = next
	return len(next), nil
}

func key(t *testing.T) []byte {
	b := make([]byte, KeySize)
	rand.Read(b)
	return b
}

func TestSealOpenBindsContext(t *testing.T) {
	ctx := context.Background()
	ks := &mapKeys{m: map[string][]byte{}}
	v, err := New(key(t), ks)
	if err != nil {
		t.Fatal(err)
	}
	aad := AAD("tenant-123", "550e8400-e29b-41d4-a716-446655440000", "strava", "user_oauth_tokens")
	if string(aad) != "tenant-123|550e8400-e29b-41d4-a716-446655440000|strava|user_oauth_tokens" {
		t.Fatalf("AAD = %s", aad)
	}
	pt := []byte("strava-access-token")
	ct, err := v.Seal(ctx, "tenant-123", aad, pt)
	if err != nil {
		t.Fatal(err)
	}
	if len(ct) != overhead+len(pt) || bytes.Contains(ct, pt) {
		t.Fatalf("ciphertext length %d or plaintext visible", len(ct))
	}
	ct2, _ := v.Seal(ctx, "tenant-123", aad, pt)
	if bytes.Equal(ct, ct2) {
		t.Fatal("two seals of the same plaintext must differ (random nonce)")
	}
	got, err := v.Open(ctx, "tenant-123", aad, ct)
	if err != nil || !bytes.Equal(got, pt) {
		t.Fatalf("open: %q %v", got, err)
	}
	// Moved to another tenant, user, provider or table: refused.
	for _, wrong := range [][]byte{
		AAD("tenant-999", "550e8400-e29b-41d4-a716-446655440000", "strava", "user_oauth_tokens"),
		AAD("tenant-123", "other-user", "strava", "user_oauth_tokens"),
		AAD("tenant-123", "550e8400-e29b-41d4-a716-446655440000", "fitbit", "user_oauth_tokens"),
		AAD("tenant-123", "550e8400-e29b-41d4-a716-446655440000", "strava", "other_table"),
	} {
		if _, err := v.Open(ctx, "tenant-123", wrong, ct); !errors.Is(err, ErrDecrypt) {
			t.Errorf("open with %s: want ErrDecrypt, got %v", wrong, err)
		}
	}
	// Another tenant's DEK cannot open it either.
	if _, err := v.Open(ctx, "tenant-999", aad, ct); !errors.Is(err, ErrDecrypt) {
		t.Errorf("other tenant's key opened it: %v", err)
	}
	// Any flipped byte is detected; short input is refused.
	for i := range ct {
		bad := bytes.Clone(ct)
		bad[i] ^= 0x01
		if _, err := v.Open(ctx, "tenant-123", aad, bad); !errors.Is(err, ErrDecrypt) {
			t.Fatalf("flipped byte %d accepted", i)
		}
	}
	if _, err := v.Open(ctx, "tenant-123", aad, ct[:10]); !errors.Is(err, ErrDecrypt) {
		t.Fatal("short ciphertext accepted")
	}
}

func TestWrongMasterKeyIsDetectedAtStartup(t *testing.T) {
	ctx := context.Background()
	ks := &mapKeys{m: map[string][]byte{}}
	v1, _ := New(key(t), ks)
	if err := v1.Verify(ctx); err != nil {
		t.Fatal(err)
	}
	v2, _ := New(key(t), ks)
	err := v2.Verify(ctx)
	if err == nil || !strings.Contains(err.Error(), "does not match") {
		t.Fatalf("want mismatch error, got %v", err)
	}
}

func TestRotateKeepsDataReadable(t *testing.T) {
	ctx := context.Background()
	ks := &mapKeys{m: map[string][]byte{}}
	oldKey, newKey := key(t), key(t)
	v, _ := New(oldKey, ks)
	aad := AAD("t", "u", "strava", "tokens")
	ct, _ := v.Seal(ctx, "t", aad, []byte("secret"))
	sys, _ := v.Seal(ctx, SystemScope, AAD("signing_keys", "k1"), []byte("rsa"))

	n, err := v.Rotate(ctx, newKey)
	if err != nil || n != 2 {
		t.Fatalf("rotate: %d %v", n, err)
	}
	fresh, _ := New(newKey, ks)
	if got, err := fresh.Open(ctx, "t", aad, ct); err != nil || string(got) != "secret" {
		t.Fatalf("after rotation: %q %v", got, err)
	}
	if got, err := fresh.Open(ctx, SystemScope, AAD("signing_keys", "k1"), sys); err != nil || string(got) != "rsa" {
		t.Fatalf("system secret after rotation: %q %v", got, err)
	}
	stale, _ := New(oldKey, ks)
	if err := stale.Verify(ctx); err == nil {
		t.Fatal("old key must no longer verify")
	}
}

func TestRotateWithWrongCurrentKeyChangesNothing(t *testing.T) {
	ctx := context.Background()
	ks := &mapKeys{m: map[string][]byte{}}
	good := key(t)
	v, _ := New(good, ks)
	v.Verify(ctx)
	before := bytes.Clone(ks.m[SystemScope])
	wrong, _ := New(key(t), ks)
	if _, err := wrong.Rotate(ctx, key(t)); err == nil {
		t.Fatal("rotation with the wrong current key must fail")
	}
	if !bytes.Equal(before, ks.m[SystemScope]) {
		t.Fatal("failed rotation modified keys")
	}
}

func TestConcurrentFirstUseAgreesOnOneKey(t *testing.T) {
	ctx := context.Background()
	ks := &mapKeys{m: map[string][]byte{}}
	mek := key(t)
	var wg sync.WaitGroup
	cts := make([][]byte, 8)
	for i := range cts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, _ := New(mek, ks) // separate vaults, as on separate replicas
			cts[i], _ = v.Seal(ctx, "t", nil, []byte("x"))
		}()
	}
	wg.Wait()
	v, _ := New(mek, ks)
	for i, ct := range cts {
		if _, err := v.Open(ctx, "t", nil, ct); err != nil {
			t.Fatalf("ciphertext %d sealed with a losing key: %v", i, err)
		}
	}
}

func TestDevKeyIsCreatedOnceWithPrivatePermissions(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	k1, path, created, err := LoadOrCreateDevKey(dir)
	if err != nil || !created || len(k1) != KeySize {
		t.Fatalf("first: %v %v", created, err)
	}
	st, _ := os.Stat(path)
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", st.Mode().Perm())
	}
	k2, _, created, err := LoadOrCreateDevKey(dir)
	if err != nil || created || !bytes.Equal(k1, k2) {
		t.Fatal("second call must return the same key")
	}
	os.WriteFile(path, []byte("garbage"), 0o600)
	if _, _, _, err := LoadOrCreateDevKey(dir); err == nil || !strings.Contains(err.Error(), "corrupt") {
		t.Fatalf("want corrupt error, got %v", err)
	}
}

func BenchmarkSealOpen(b *testing.B) {
	ctx := context.Background()
	v, _ := New(make([]byte, KeySize), &mapKeys{m: map[string][]byte{}})
	aad := AAD("t", "u", "strava", "tokens")
	pt := make([]byte, 64)
	for b.Loop() {
		ct, _ := v.Seal(ctx, "t", aad, pt)
		v.Open(ctx, "t", aad, ct)
	}
}
