package desk

import (
	"context"
	"fmt"
	"strings"
	"unicode"
)

// RatingPayloadPrefix starts the payload of the rating buttons the desk
// sends ("desk.rating:5").
const RatingPayloadPrefix = "desk.rating:"

// ParseRating reads a 1–5 rating from a button payload ("desk.rating:4") or
// from a message that is only the number, in any script's digits, optionally
// with stars or "/5" ("4", "４", "4/5", "⭐⭐⭐⭐" counts stars). It never
// panics.
func ParseRating(payload, text string) (int, bool) {
	if rest, ok := strings.CutPrefix(payload, RatingPayloadPrefix); ok {
		return digitRating(rest)
	}
	t := strings.TrimSpace(text)
	if t == "" {
		return 0, false
	}
	if n := strings.Count(t, "⭐"); n > 0 && strings.Trim(t, "⭐ \uFE0F") == "" {
		return n, n >= 1 && n <= 5
	}
	t = strings.TrimSuffix(strings.TrimSuffix(t, "/5"), "/５")
	return digitRating(strings.TrimRight(strings.TrimSpace(t), "*★⭐ \uFE0F!.。"))
}

func digitRating(s string) (int, bool) {
	r := []rune(strings.TrimSpace(s))
	if len(r) != 1 || !unicode.IsDigit(r[0]) {
		return 0, false
	}
	n := digitValue(r[0])
	return n, n >= 1 && n <= 5
}

// digitValue returns the value of a decimal digit of any script: Unicode
// digits come in runs of ten starting at a zero, some runs back to back.
func digitValue(r rune) int {
	z := r
	for z > 0 && unicode.IsDigit(z-1) {
		z--
	}
	return int(r-z) % 10
}

// Rate records a customer's 1–5 rating of a resolved conversation.
func (d *Desk) Rate(ctx context.Context, conversationID string, n int) (Conversation, error) {
	if n < 1 || n > 5 {
		return Conversation{}, fmt.Errorf("%w: rating %d, want 1 to 5", ErrInvalid, n)
	}
	now := d.now()
	c, err := d.update(ctx, conversationID, func(c *Conversation) error {
		if c.Status != StatusResolved {
			return fmt.Errorf("%w: only a resolved conversation is rated", ErrConflict)
		}
		c.Rating, c.RatedAt = n, now
		return nil
	})
	if err == nil {
		d.emit(Event{Type: EventRated, At: now, ConversationID: c.ID, Agent: c.Agent})
	}
	return c, err
}
