package identity

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestThreadAcrossChannels(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	_, err := f.reg.Record(ctx, wa("85291234567"), "", ThreadMessage{Direction: Inbound, Text: "hi"})
	require.ErrorIs(t, err, ErrNoConsent, "nothing is recorded before consent")

	waID := f.customer(t, wa("85291234567"), Hints{Name: "Ada Wong"})
	fbID := f.customer(t, fb("psid-1"), Hints{Name: "Ada Wong"})
	rec := func(id string, p ThreadMessage) {
		t.Helper()
		var err error
		switch id {
		case waID:
			_, err = f.reg.Record(ctx, wa("85291234567"), "", p)
		case fbID:
			_, err = f.reg.Record(ctx, fb("psid-1"), "", p)
		}
		require.NoError(t, err)
		f.clock.Advance(time.Minute)
	}
	rec(waID, ThreadMessage{Direction: Inbound, Sender: SenderCustomer, Text: "where is my parcel?"})
	rec(waID, ThreadMessage{Direction: Outbound, Sender: SenderBot, Text: "it is in Kowloon"})
	rec(fbID, ThreadMessage{Direction: Inbound, Sender: SenderCustomer, Media: "https://cdn.example/photo.jpg"})
	rec(fbID, ThreadMessage{Direction: Outbound, Sender: "agent:7", Text: "thanks for the photo"})

	// The customer moves from WhatsApp to Messenger and gives the same
	// email on both: the resolve step merges, and the threads with it.
	_, err = f.reg.Resolve(ctx, wa("85291234567"), Hints{Email: "ada@example.com"})
	require.NoError(t, err)
	p, err := f.reg.Resolve(ctx, fb("psid-1"), Hints{Email: "ada@example.com"})
	require.NoError(t, err)
	require.Equal(t, waID, p.ID, "merged into the older profile")

	ms, next, err := f.reg.Thread(ctx, fbID, ThreadCursor{}, 0)
	require.NoError(t, err)
	assert.Equal(t, ThreadCursor{}, next)
	require.Len(t, ms, 4)
	texts := []string{}
	for _, m := range ms {
		texts = append(texts, string(m.Link.Channel)+":"+string(m.Direction)+":"+m.Sender+":"+m.Text+m.Media)
		assert.Equal(t, waID, m.ProfileID)
	}
	assert.Equal(t, []string{
		"messenger:out:agent:7:thanks for the photo",
		"messenger:in:customer:https://cdn.example/photo.jpg",
		"whatsapp:out:bot:it is in Kowloon",
		"whatsapp:in:customer:where is my parcel?",
	}, texts, "one thread, newest first")

	// Paging by time: two pages of two, then nothing.
	page1, c1, err := f.reg.Thread(ctx, waID, ThreadCursor{}, 2)
	require.NoError(t, err)
	require.Len(t, page1, 2)
	page2, c2, err := f.reg.Thread(ctx, waID, c1, 2)
	require.NoError(t, err)
	require.Len(t, page2, 2)
	assert.Equal(t, ms[2:], page2)
	page3, _, err := f.reg.Thread(ctx, waID, c2, 2)
	require.NoError(t, err)
	assert.Empty(t, page3)

	// Unmerge gives each profile its own messages back.
	require.NoError(t, f.reg.Unmerge(ctx, fbID))
	back, _, err := f.reg.Thread(ctx, fbID, ThreadCursor{}, 10)
	require.NoError(t, err)
	assert.Len(t, back, 2)
	kept, _, err := f.reg.Thread(ctx, waID, ThreadCursor{}, 10)
	require.NoError(t, err)
	assert.Len(t, kept, 2)

	// Erase deletes the thread with the profile.
	require.NoError(t, f.reg.Erase(ctx, waID))
	left, err := f.store.Messages(ctx, waID, ThreadCursor{}, 10)
	require.NoError(t, err)
	assert.Empty(t, left)
}

// TestThreadPagingSameInstant: messages sent in the same millisecond are
// neither skipped nor repeated across pages.
func TestThreadPagingSameInstant(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	id := f.customer(t, line("U1"), Hints{})
	at := f.clock.Now()
	for i := range 7 {
		_, err := f.reg.Record(ctx, line("U1"), "", ThreadMessage{ID: fmt.Sprintf("m%d", i), Direction: Inbound, At: at, Text: fmt.Sprint(i)})
		require.NoError(t, err)
	}
	seen := map[string]bool{}
	cur := ThreadCursor{}
	for range 10 {
		ms, next, err := f.reg.Thread(ctx, id, cur, 3)
		require.NoError(t, err)
		for _, m := range ms {
			require.False(t, seen[m.ID], m.ID)
			seen[m.ID] = true
		}
		if next == (ThreadCursor{}) {
			break
		}
		cur = next
	}
	assert.Len(t, seen, 7)
	_, err := f.reg.Record(ctx, line("U1"), "", ThreadMessage{Direction: "sideways"})
	require.Error(t, err)
}
