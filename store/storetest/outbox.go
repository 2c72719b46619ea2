package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
)

// RunOutbox runs the channel.Outbox conformance suite.
func RunOutbox(t *testing.T, newStore func(t *testing.T) channel.Outbox) {
	ctx := context.Background()
	t.Run("PutPendingResolve", func(t *testing.T) {
		o := newStore(t)
		got, err := o.Pending(ctx, 10)
		require.NoError(t, err)
		require.Empty(t, got)
		to := channel.Address{Channel: channel.WhatsApp, ID: "85212340003"}
		msgs := []channel.OutboxEntry{
			{Message: channel.Message{To: to, Text: "second"}, State: channel.OutboxUnknown, Err: "timeout", At: T0.Add(2 * time.Second)},
			{Message: channel.Message{To: to, Text: "first", Buttons: []channel.Button{{Title: "Yes", Payload: "yes"}}}, State: channel.OutboxUndelivered, Err: "131026", At: T0.Add(time.Second)},
			{Message: channel.Message{To: to, Text: "third"}, State: channel.OutboxUnknown, Err: "reset", At: T0.Add(3 * time.Second)},
		}
		ids := map[string]string{}
		for _, e := range msgs {
			id, err := o.Put(ctx, e)
			require.NoError(t, err)
			require.NotEmpty(t, id)
			ids[e.Message.Text] = id
		}
		require.Len(t, ids, 3)
		got, err = o.Pending(ctx, 2)
		require.NoError(t, err)
		require.Len(t, got, 2)
		assert.Equal(t, "first", got[0].Message.Text, "oldest first")
		assert.Equal(t, "second", got[1].Message.Text)
		assert.Equal(t, ids["first"], got[0].ID)
		assert.Equal(t, channel.OutboxUndelivered, got[0].State)
		assert.Equal(t, "131026", got[0].Err)
		assert.Equal(t, to, got[0].Message.To)
		assert.Equal(t, msgs[1].Message.Buttons, got[0].Message.Buttons)
		assert.True(t, T0.Add(time.Second).Equal(got[0].At))
		require.NoError(t, o.Resolve(ctx, ids["first"]))
		require.NoError(t, o.Resolve(ctx, "no-such-id"))
		got, err = o.Pending(ctx, 10)
		require.NoError(t, err)
		require.Len(t, got, 2)
		assert.Equal(t, "second", got[0].Message.Text)
		assert.Equal(t, "third", got[1].Message.Text)
	})
}
