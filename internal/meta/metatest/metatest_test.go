package metatest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/switchboard-go/switchboard/channel"
)

func TestRecorder(t *testing.T) {
	t.Parallel()
	r := &Recorder{FailOn: map[string]int{"b": 2}}
	ctx := context.Background()
	for i, wantErr := range []error{nil, ErrHandler, ErrHandler, nil} {
		id := "a"
		if i > 0 {
			id = "b"
		}
		assert.Equal(t, wantErr, r.HandleEvent(ctx, channel.Event{ID: id}), i)
	}
	assert.Equal(t, []string{"a", "b", "b", "b"}, r.IDs())
}

func TestAssertJSONSubset(t *testing.T) {
	t.Parallel()
	AssertJSONSubset(t, `{"a":{"b":[1,{"c":"x"}]}}`, []byte(`{"a":{"b":[1,{"c":"x","d":2}],"e":true},"f":0}`))
}
