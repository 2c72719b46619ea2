package fakefault

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestQueue(t *testing.T) {
	t.Parallel()
	var q Queue[string]
	q.Push("/push", 2, "a")
	q.Push("", 0, "b")
	assert.Equal(t, 2, q.Len())
	f, ok := q.Take("/v2/bot/message/reply")
	require.True(t, ok)
	assert.Equal(t, "b", f, "a path-limited fault waits for its path")
	for range 2 {
		f, ok = q.Take("/v2/bot/message/push")
		require.True(t, ok)
		assert.Equal(t, "a", f)
	}
	_, ok = q.Take("/v2/bot/message/push")
	assert.False(t, ok)
	assert.Zero(t, q.Len())
}

// TestServe runs each fault on a real server and client and checks what the
// client saw and whether the request was accepted (recorded).
func TestServe(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		spec     Spec
		status   int // 0: fail answers nothing
		accepted bool
		clientOK bool
		answer   int
	}{
		{"status before", Spec{}, 500, false, true, 500},
		{"status after", Spec{AfterAccept: true}, 500, true, true, 500},
		{"reset before", Spec{Reset: true}, 0, false, false, 0},
		{"reset after", Spec{Reset: true, AfterAccept: true}, 0, true, false, 0},
		{"slow before, client gives up", Spec{Delay: time.Minute}, 0, false, false, 0},
		{"slow after, client gives up", Spec{Delay: time.Minute, AfterAccept: true}, 0, true, false, 0},
		{"slow before, client waits", Spec{Delay: 10 * time.Millisecond}, 0, true, true, 201},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var accepted atomic.Bool
			done := make(chan struct{})
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				defer close(done)
				Serve(w, r, tt.spec, func(w http.ResponseWriter) {
					accepted.Store(true)
					w.WriteHeader(http.StatusCreated)
				}, func(w http.ResponseWriter) bool {
					if tt.status == 0 {
						return false
					}
					w.WriteHeader(tt.status)
					return true
				})
			}))
			defer srv.Close()
			hc := &http.Client{Timeout: time.Second}
			resp, err := hc.Post(srv.URL, "application/json", strings.NewReader(`{"a":1}`))
			if tt.clientOK {
				require.NoError(t, err)
				resp.Body.Close()
				assert.Equal(t, tt.answer, resp.StatusCode)
			} else {
				require.Error(t, err)
			}
			<-done
			assert.Equal(t, tt.accepted, accepted.Load(), "accepted")
		})
	}
}

func TestLog(t *testing.T) {
	t.Parallel()
	var l Log[int]
	assert.Nil(t, l.All())
	l.Add(1)
	l.Add(2)
	all := l.All()
	assert.Equal(t, []int{1, 2}, all)
	all[0] = 9
	assert.Equal(t, []int{1, 2}, l.All(), "All returns a copy")
	l.Reset()
	assert.Nil(t, l.All())
}
