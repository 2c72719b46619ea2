package files

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Document is a file for a customer.
type Document struct {
	// ID is the hex SHA-256 of Data: Store.Put sets it.
	ID string
	// Kind is what the file is ("invoice", "warranty", "return_label",
	// "contract"): counted per week.
	Kind string
	// Name is the file name the customer sees; MIME its media type.
	Name, MIME string
	// Data is the file's content.
	Data []byte
	// Sensitive documents (a contract with personal data) are delivered
	// only after the customer's explicit consent.
	Sensitive bool
}

// Hash is the ID of data.
func Hash(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// ErrNotFound: no document with that id (or order).
var ErrNotFound = errors.New("files: not found")

// Store keeps documents by content hash.
//
// Implementations must be safe for concurrent use.
type Store interface {
	// Put stores d under Hash(d.Data) and returns that id; storing the same
	// content again is not an error.
	Put(ctx context.Context, d Document) (string, error)
	// Get returns the document, or an error wrapping ErrNotFound.
	Get(ctx context.Context, id string) (Document, error)
}

// MemoryStore is the in-memory Store. It is safe for concurrent use; it
// keeps every document until the process ends, so it suits tests and small
// shops (a shop's file store, S3 or a database, implements Store for
// production).
type MemoryStore struct {
	mu   sync.RWMutex
	docs map[string]Document
}

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore { return &MemoryStore{docs: map[string]Document{}} }

// Put implements Store. It never fails.
func (s *MemoryStore) Put(_ context.Context, d Document) (string, error) {
	d.ID = Hash(d.Data)
	d.Data = append([]byte(nil), d.Data...)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.docs[d.ID] = d
	return d.ID, nil
}

// Get implements Store.
func (s *MemoryStore) Get(_ context.Context, id string) (Document, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	d, ok := s.docs[id]
	if !ok {
		return Document{}, ErrNotFound
	}
	d.Data = append([]byte(nil), d.Data...)
	return d, nil
}

// Invoices renders invoices when orders complete and answers requests from
// the store: a customer asking for an invoice gets the file prepared
// earlier, with no rendering on the request's path. It is safe for
// concurrent use.
type Invoices struct {
	renderer *Renderer
	store    Store

	mu      sync.RWMutex
	byOrder map[string]string // order number → document id
}

// NewInvoices returns an Invoices over r and s; r may be nil when every
// invoice comes through Add.
func NewInvoices(r *Renderer, s Store) *Invoices {
	return &Invoices{renderer: r, store: s, byOrder: map[string]string{}}
}

// Prepare renders inv (when an order completes) and stores it; preparing
// the same invoice again stores nothing new.
func (iv *Invoices) Prepare(ctx context.Context, inv Invoice) (Document, error) {
	if iv.renderer == nil {
		return Document{}, fmt.Errorf("%w: no renderer", ErrInvoice)
	}
	pdf, err := iv.renderer.RenderInvoice(inv)
	if err != nil {
		return Document{}, err
	}
	d := Document{Kind: "invoice", Name: "invoice-" + inv.Number + ".pdf", MIME: "application/pdf", Data: pdf}
	if d.ID, err = iv.store.Put(ctx, d); err != nil {
		return Document{}, err
	}
	iv.mu.Lock()
	iv.byOrder[inv.Number] = d.ID
	iv.mu.Unlock()
	return d, nil
}

// Add stores an invoice rendered elsewhere (the shop's ERP) under its
// order number.
func (iv *Invoices) Add(ctx context.Context, number string, d Document) error {
	id, err := iv.store.Put(ctx, d)
	if err != nil {
		return err
	}
	iv.mu.Lock()
	iv.byOrder[number] = id
	iv.mu.Unlock()
	return nil
}

// Get returns the prepared invoice numbered number, or an error wrapping
// ErrNotFound when it was never prepared.
func (iv *Invoices) Get(ctx context.Context, number string) (Document, error) {
	iv.mu.RLock()
	id, ok := iv.byOrder[number]
	iv.mu.RUnlock()
	if !ok {
		return Document{}, ErrNotFound
	}
	return iv.store.Get(ctx, id)
}

// mediaIDs remembers the media id a platform gave an uploaded document, so
// the same file is not uploaded again while the id is valid (WhatsApp keeps
// uploaded media 30 days).
type mediaIDs struct {
	mu  sync.Mutex
	ids map[string]uploaded
}

type uploaded struct {
	id string
	at time.Time
}
