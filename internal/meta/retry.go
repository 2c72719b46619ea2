package meta

import (
	"bytes"
	"context"
	"io"
	"net/http"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/switchboard-go/switchboard/internal/transport"
)

const maxErrorBody = 64 << 10

func readLimited(r io.Reader, n int64) ([]byte, error) {
	if r == nil {
		return nil, nil
	}
	return io.ReadAll(io.LimitReader(r, n))
}

// CheckRetry returns a retryablehttp.CheckRetry for the Graph API. It never
// retries once ctx is done. Connection errors, 429 and 5xx (not 501) are
// retried as transport.DefaultCheck does. A 4xx is retried only when its
// body carries a code for which retryable(code, subcode) is true: Meta
// reports throttling (4, 80007, 130429, 131056, 613, ...) with HTTP 400, not
// 429. The body is read (at most 64 KiB) and restored, so the caller can
// still build its error from it. Every other 4xx is permanent.
func CheckRetry(retryable func(code, subcode int) bool) retryablehttp.CheckRetry {
	return func(ctx context.Context, resp *http.Response, err error) (bool, error) {
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		if err != nil || resp == nil {
			return transport.DefaultCheck(ctx, resp, err)
		}
		if resp.StatusCode < 400 {
			return false, nil
		}
		if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests {
			return transport.DefaultCheck(ctx, resp, nil)
		}
		body, rerr := readLimited(resp.Body, maxErrorBody)
		_ = resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(body))
		if rerr != nil {
			return false, nil
		}
		g, ok := ParseError(body)
		return ok && retryable(g.Code, g.Subcode), nil
	}
}
