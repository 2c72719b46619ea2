package files

import (
	"context"
	"strings"
	"sync"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/switchboard-go/switchboard/channel"
)

// ConsentStore records a customer's explicit consent to receive sensitive
// documents of a kind.
//
// Implementations must be safe for concurrent use.
type ConsentStore interface {
	// Record stores that a agreed at, to documents of kind.
	Record(ctx context.Context, a channel.Address, kind string, at time.Time) error
	// Given returns when a agreed to documents of kind, and false when a
	// never did.
	Given(ctx context.Context, a channel.Address, kind string) (time.Time, bool, error)
}

// MemoryConsentStore is the in-memory ConsentStore. It is safe for
// concurrent use.
type MemoryConsentStore struct {
	mu sync.Mutex
	at map[consentKey]time.Time
}

type consentKey struct {
	a    channel.Address
	kind string
}

// NewMemoryConsentStore returns an empty MemoryConsentStore.
func NewMemoryConsentStore() *MemoryConsentStore {
	return &MemoryConsentStore{at: map[consentKey]time.Time{}}
}

// Record implements ConsentStore. It never fails.
func (s *MemoryConsentStore) Record(_ context.Context, a channel.Address, kind string, at time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.at[consentKey{a, kind}] = at
	return nil
}

// Given implements ConsentStore. It never fails.
func (s *MemoryConsentStore) Given(_ context.Context, a channel.Address, kind string) (time.Time, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.at[consentKey{a, kind}]
	return t, ok, nil
}

// consentPhrases are the replies that count as "I agree to receive" in the
// 12 languages of the starter set, normalized (NFKC, lower case, no
// punctuation, single spaces). Only a whole reply counts, so "I don't
// agree" or "agree?" followed by a question never does.
var consentPhrases = map[string]bool{
	// en
	"i agree": true, "agree": true, "i agree to receive": true, "i agree to receive it": true, "yes i agree": true,
	// es
	"acepto": true, "sí acepto": true, "si acepto": true, "estoy de acuerdo": true, "acepto recibirlo": true,
	// pt-BR
	"aceito": true, "eu aceito": true, "concordo": true, "eu concordo": true, "sim aceito": true, "aceito receber": true,
	// fr
	"j'accepte": true, "j accepte": true, "je suis d'accord": true, "oui j'accepte": true, "j'accepte de le recevoir": true,
	// de
	"ich stimme zu": true, "einverstanden": true, "ich bin einverstanden": true, "ja ich stimme zu": true, "zustimmen": true,
	// id
	"saya setuju": true, "setuju": true, "ya saya setuju": true, "saya setuju menerima": true,
	// vi
	"tôi đồng ý": true, "đồng ý": true, "có tôi đồng ý": true, "tôi đồng ý nhận": true,
	// th
	"ยินยอม": true, "ฉันยินยอม": true, "ผมยินยอม": true, "ตกลงรับ": true, "ยินยอมรับ": true, "ยอมรับ": true,
	// zh-Hans / zh-Hant
	"我同意": true, "同意": true, "同意接收": true, "我同意接收": true,
	// ja
	"同意します": true, "同意する": true, "はい同意します": true, "受け取りに同意します": true,
	// ar
	"أوافق": true, "موافق": true, "نعم أوافق": true, "أوافق على الاستلام": true,
}

// IsConsent reports whether text, a customer's whole reply, says "I agree
// to receive" in one of the 12 languages.
func IsConsent(text string) bool {
	return consentPhrases[normalizeReply(text)]
}

// normalizeReply folds text for IsConsent: NFKC, lower case, typographic
// apostrophes to ', punctuation and symbols (emoji) dropped, spaces
// collapsed.
func normalizeReply(text string) string {
	text = strings.ToLower(norm.NFKC.String(text))
	var b strings.Builder
	space := false
	for _, r := range text {
		switch {
		case r == '’' || r == '‘' || r == 'ʼ' || r == '\'':
			b.WriteRune('\'')
			space = false
		case unicode.IsSpace(r) || r == ',' || r == '،' || r == '、' || r == '，':
			space = b.Len() > 0
		case unicode.IsPunct(r) || unicode.IsSymbol(r):
		default:
			if space {
				b.WriteByte(' ')
				space = false
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

// ConsentPrompts is what a customer is asked before a sensitive document,
// by language (BCP 47 base or the Chinese scripts); {{kind}} is the
// document's kind.
var ConsentPrompts = map[string]string{
	"en":      "This document ({{kind}}) contains personal data. Reply \"I agree\" to receive it in this chat.",
	"es":      "Este documento ({{kind}}) contiene datos personales. Responde \"Acepto\" para recibirlo en este chat.",
	"pt":      "Este documento ({{kind}}) contém dados pessoais. Responda \"Aceito\" para recebê-lo neste chat.",
	"fr":      "Ce document ({{kind}}) contient des données personnelles. Répondez « J'accepte » pour le recevoir ici.",
	"de":      "Dieses Dokument ({{kind}}) enthält persönliche Daten. Antworten Sie „Einverstanden“, um es hier zu erhalten.",
	"id":      "Dokumen ini ({{kind}}) berisi data pribadi. Balas \"Saya setuju\" untuk menerimanya di chat ini.",
	"vi":      "Tài liệu này ({{kind}}) chứa dữ liệu cá nhân. Trả lời \"Tôi đồng ý\" để nhận trong cuộc trò chuyện này.",
	"th":      "เอกสารนี้ ({{kind}}) มีข้อมูลส่วนบุคคล ตอบว่า \"ยินยอม\" เพื่อรับเอกสารในแชทนี้",
	"zh-Hans": "此文件（{{kind}}）包含个人信息。回复“我同意”即可在此对话中接收。",
	"zh-Hant": "此文件（{{kind}}）包含個人資料。回覆「我同意」即可在此對話中接收。",
	"ja":      "この書類（{{kind}}）には個人情報が含まれます。このチャットで受け取るには「同意します」と返信してください。",
	"ar":      "يحتوي هذا المستند ({{kind}}) على بيانات شخصية. رد بكلمة \"أوافق\" لاستلامه في هذه المحادثة.",
}
