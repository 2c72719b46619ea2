package oauth

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/tracking"
	"github.com/switchboard-go/switchboard/tracking/internal/wire"
)

// TestSend checks the bearer header, the one retry with a fresh token after
// a 401, and that a second 401 is returned rather than retried again.
func TestSend(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		refuse  int // how many leading calls the server answers 401
		status  int
		calls   int
		fetches int
	}{
		{"accepted", 0, http.StatusOK, 1, 1},
		{"401 then fresh token", 1, http.StatusOK, 2, 2},
		{"401 twice", 2, http.StatusUnauthorized, 2, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var mu sync.Mutex
			var auths []string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				auths = append(auths, r.Header.Get("Authorization"))
				n := len(auths)
				mu.Unlock()
				if n <= tc.refuse {
					w.WriteHeader(http.StatusUnauthorized)
				}
			}))
			t.Cleanup(srv.Close)
			now := time.Unix(1_800_000_000, 0)
			fetched := 0
			c := NewCache(func(context.Context) (Token, error) {
				fetched++ // fetches are serialized by the cache
				return Token{Value: fmt.Sprintf("tok%d", fetched), Expiry: now.Add(time.Hour)}, nil
			}, func() time.Time { return now }, 0)
			hc := wire.NewClient(srv.Client(), channel.Retry{MaxAttempts: 1})
			ctx := context.Background()
			built := 0
			resp, err := c.Send(ctx, hc, tracking.UPS, func() (*retryablehttp.Request, error) {
				built++
				return retryablehttp.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
			})
			require.NoError(t, err)
			assert.Equal(t, tc.status, resp.Status)
			assert.Equal(t, tc.calls, built, "a fresh request per attempt")
			assert.Equal(t, tc.fetches, c.Fetches())
			mu.Lock()
			defer mu.Unlock()
			require.Len(t, auths, tc.calls)
			for i, a := range auths {
				assert.Equal(t, fmt.Sprintf("Bearer tok%d", i+1), a)
			}
		})
	}
}

func TestSendErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	hc := wire.NewClient(nil, channel.Retry{MaxAttempts: 1})
	refused := &tracking.APIError{Carrier: tracking.FedEx, Err: tracking.ErrUnauthorized}
	c := NewCache(func(context.Context) (Token, error) { return Token{}, refused }, nil, 0)
	_, err := c.Send(ctx, hc, tracking.FedEx, func() (*retryablehttp.Request, error) {
		t.Fatal("no request without a token")
		return nil, nil
	})
	assert.ErrorIs(t, err, tracking.ErrUnauthorized)

	ok := NewCache(func(context.Context) (Token, error) { return Token{Value: "t", Expiry: time.Now().Add(time.Hour)}, nil }, nil, 0)
	bad := fmt.Errorf("bad request")
	_, err = ok.Send(ctx, hc, tracking.FedEx, func() (*retryablehttp.Request, error) { return nil, bad })
	assert.Same(t, bad, err)
}
