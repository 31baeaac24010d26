package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters: the OWASP Password Storage Cheat Sheet minimum
// (19 MiB, 2 passes, 1 lane). They are encoded in every hash, so raising
// them later keeps old hashes verifiable.
const (
	argonMemoryKiB = 19 * 1024
	argonTime      = 2
	argonThreads   = 1
	argonKeyLen    = 32
	argonSaltLen   = 16
)

// Password length bounds (OWASP ASVS 2.1.1 and 2.1.2).
const (
	MinPasswordLength = 12
	MaxPasswordLength = 128
)

// commonPasswords are refused outright; long enough to pass the length rule
// yet among the most breached passwords.
var commonPasswords = map[string]bool{
	"123456789012": true, "password1234": true, "qwertyuiop12": true, "passwordpassword": true,
	"123456123456": true, "111111111111": true, "iloveyou1234": true, "administrator": true,
	"qwerty123456": true, "password123!": true, "letmein12345": true, "welcome12345": true,
	"changeme1234": true, "abcdefghijkl": true, "000000000000": true, "1q2w3e4r5t6y": true,
}

// PasswordError says why a password was refused; its message is shown to
// the user.
type PasswordError struct{ Reason string }

func (e *PasswordError) Error() string { return e.Reason }

// CheckPasswordPolicy refuses passwords that are too short, too long, common,
// or the same as the e-mail address.
func CheckPasswordPolicy(password, email string) error {
	n := utf8.RuneCountInString(password)
	switch {
	case n < MinPasswordLength:
		return &PasswordError{Reason: fmt.Sprintf("password must be at least %d characters", MinPasswordLength)}
	case n > MaxPasswordLength:
		return &PasswordError{Reason: fmt.Sprintf("password must be at most %d characters", MaxPasswordLength)}
	case commonPasswords[strings.ToLower(password)]:
		return &PasswordError{Reason: "password is too common; choose a passphrase of several unrelated words"}
	case email != "" && strings.EqualFold(password, email):
		return &PasswordError{Reason: "password must not be the e-mail address"}
	case strings.Count(password, password[:1]) == len(password):
		return &PasswordError{Reason: "password must not repeat a single character"}
	}
	return nil
}

// HashPassword returns an Argon2id hash in the PHC string format:
// $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>.
func HashPassword(password string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemoryKiB, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemoryKiB, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

var errBadHash = errors.New("unrecognised password hash format")

// VerifyPassword reports whether password matches the PHC-encoded hash,
// comparing in constant time.
func VerifyPassword(password, encoded string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errBadHash
	}
	var mem, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &mem, &t, &p); err != nil || mem == 0 || t == 0 || p == 0 || mem > 1<<20 {
		return false, errBadHash
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return false, errBadHash
	}
	want, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(want) == 0 || len(want) > 128 {
		return false, errBadHash
	}
	got := argon2.IDKey([]byte(password), salt, t, mem, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}
