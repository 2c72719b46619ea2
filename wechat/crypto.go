package wechat

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
)

// Signatures and safe mode (安全模式) follow WeChat's "message encryption and
// decryption" guide for Official Accounts:
//
//   - signature     = hex(SHA1(concat(sort(token, timestamp, nonce))))
//   - msg_signature = hex(SHA1(concat(sort(token, timestamp, nonce, Encrypt))))
//   - AES key = base64decode(EncodingAESKey + "="): 43 characters → 32 bytes,
//     AES-256-CBC with the IV = the first 16 bytes of the key.
//   - plaintext = 16 random bytes ‖ 4-byte big-endian length of msg ‖ msg ‖
//     AppID, padded with PKCS#7 to a multiple of 32 bytes (not the AES block
//     size of 16: WeChat's padding block is 32).

// signature returns WeChat's hex SHA-1 of parts sorted and concatenated.
func signature(parts ...string) string {
	sum := signatureSum(parts...)
	return hex.EncodeToString(sum[:])
}

func signatureSum(parts ...string) [sha1.Size]byte {
	sorted := make([]string, 0, 4)
	sorted = append(sorted, parts...)
	slices.Sort(sorted)
	n := 0
	for _, p := range sorted {
		n += len(p)
	}
	buf := make([]byte, 0, n)
	for _, p := range sorted {
		buf = append(buf, p...)
	}
	return sha1.Sum(buf)
}

// verifySignature reports in constant time whether got (hex, any case) is the
// signature of parts.
func verifySignature(got string, parts ...string) bool {
	var gotSum [sha1.Size]byte
	if len(got) != hex.EncodedLen(sha1.Size) {
		return false
	}
	if _, err := hex.Decode(gotSum[:], []byte(got)); err != nil {
		return false
	}
	want := signatureSum(parts...)
	return subtle.ConstantTimeCompare(gotSum[:], want[:]) == 1
}

// box encrypts and decrypts safe-mode payloads for one account. It is
// immutable and safe for concurrent use.
type box struct {
	block cipher.Block
	iv    []byte
	appID string
}

const (
	encodingAESKeyLen = 43
	padBlock          = 32 // WeChat's PKCS#7 block size
)

func newBox(encodingAESKey, appID string) (*box, error) {
	if len(encodingAESKey) != encodingAESKeyLen {
		return nil, fmt.Errorf("wechat: EncodingAESKey must be %d characters, got %d", encodingAESKeyLen, len(encodingAESKey))
	}
	key, err := base64.StdEncoding.DecodeString(encodingAESKey + "=")
	if err != nil || len(key) != 32 {
		return nil, errors.New("wechat: EncodingAESKey is not valid base64 of 32 bytes")
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("wechat: EncodingAESKey: %w", err)
	}
	return &box{block: block, iv: key[:aes.BlockSize], appID: appID}, nil
}

// open decrypts the base64 Encrypt value and returns the message XML. It
// checks the padding, the length prefix and that the trailing AppID is this
// account's (ErrBadAppID otherwise).
func (b *box) open(encrypted string) ([]byte, error) {
	ct := make([]byte, base64.StdEncoding.DecodedLen(len(encrypted)))
	n, err := base64.StdEncoding.Decode(ct, []byte(encrypted))
	if err != nil {
		return nil, fmt.Errorf("%w: not base64", ErrBadCiphertext)
	}
	ct = ct[:n]
	if len(ct) < padBlock || len(ct)%aes.BlockSize != 0 {
		return nil, fmt.Errorf("%w: length %d", ErrBadCiphertext, len(ct))
	}
	cipher.NewCBCDecrypter(b.block, b.iv).CryptBlocks(ct, ct)
	pad := int(ct[len(ct)-1])
	if pad < 1 || pad > padBlock || pad > len(ct) {
		return nil, fmt.Errorf("%w: padding", ErrBadCiphertext)
	}
	for _, p := range ct[len(ct)-pad:] {
		if int(p) != pad {
			return nil, fmt.Errorf("%w: padding", ErrBadCiphertext)
		}
	}
	plain := ct[:len(ct)-pad]
	if len(plain) < 20 {
		return nil, fmt.Errorf("%w: too short", ErrBadCiphertext)
	}
	size := binary.BigEndian.Uint32(plain[16:20])
	rest := plain[20:]
	if uint64(size) > uint64(len(rest)) {
		return nil, fmt.Errorf("%w: length prefix", ErrBadCiphertext)
	}
	msg, appID := rest[:size], rest[size:]
	if subtle.ConstantTimeCompare(appID, []byte(b.appID)) != 1 {
		return nil, ErrBadAppID
	}
	return msg, nil
}

// seal encrypts msg for a passive reply and returns the base64 Encrypt value.
func (b *box) seal(msg []byte) string {
	var random [16]byte
	_, _ = rand.Read(random[:]) // crypto/rand.Read never fails
	return b.sealWith(random, msg)
}

// sealWith is seal with the 16 leading bytes given (deterministic for fuzzing).
func (b *box) sealWith(random [16]byte, msg []byte) string {
	n := 20 + len(msg) + len(b.appID)
	pad := padBlock - n%padBlock
	plain := make([]byte, n+pad)
	copy(plain, random[:])
	binary.BigEndian.PutUint32(plain[16:20], uint32(len(msg)))
	copy(plain[20:], msg)
	copy(plain[20+len(msg):], b.appID)
	for i := n; i < len(plain); i++ {
		plain[i] = byte(pad)
	}
	cipher.NewCBCEncrypter(b.block, b.iv).CryptBlocks(plain, plain)
	return base64.StdEncoding.EncodeToString(plain)
}

// nonce returns a random 16-character hex string for reply envelopes.
func nonce() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
