package line

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Loading indicator bounds (Messaging API reference, "Display a loading
// animation"): 5 to 60 seconds in steps of 5.
const (
	minLoading  = 5 * time.Second
	maxLoading  = 60 * time.Second
	loadingStep = 5 * time.Second
)

// StartLoading shows the loading animation in the one-on-one chat with
// chatID (a user id) for d, rounded up to a multiple of 5 s and clamped to
// [5 s, 60 s]. It ends early when the bot's next message arrives.
//
// Errors: *APIError (channel.ErrInvalidRecipient for a group, room or unknown
// id).
func (c *Client) StartLoading(ctx context.Context, chatID string, d time.Duration) error {
	d = min(max(d, minLoading), maxLoading)
	d = (d + loadingStep - 1) / loadingStep * loadingStep
	_, err := c.doJSON(ctx, request{
		method: http.MethodPost,
		url:    c.base + "/v2/bot/chat/loading/start",
		body: struct {
			ChatID         string `json:"chatId"`
			LoadingSeconds int    `json:"loadingSeconds"`
		}{chatID, int(d / time.Second)},
	}, nil)
	return err
}

// Quota is the channel's monthly message quota.
type Quota struct {
	// Limited is false when the plan has no monthly limit.
	Limited bool
	// Limit is the number of messages a month when Limited.
	Limit int64
}

// Quota returns the monthly limit of additional (push, multicast, broadcast)
// messages. Errors: *APIError.
func (c *Client) Quota(ctx context.Context) (Quota, error) {
	var out struct {
		Type  string `json:"type"`
		Value int64  `json:"value"`
	}
	if _, err := c.doJSON(ctx, request{method: http.MethodGet, url: c.base + "/v2/bot/message/quota"}, &out); err != nil {
		return Quota{}, err
	}
	return Quota{Limited: out.Type == "limited", Limit: out.Value}, nil
}

// QuotaConsumption returns how many additional messages were sent this month.
// Errors: *APIError.
func (c *Client) QuotaConsumption(ctx context.Context) (int64, error) {
	var out struct {
		TotalUsage int64 `json:"totalUsage"`
	}
	if _, err := c.doJSON(ctx, request{method: http.MethodGet, url: c.base + "/v2/bot/message/quota/consumption"}, &out); err != nil {
		return 0, err
	}
	return out.TotalUsage, nil
}

// Content is a file a user sent (image, video, audio, file message), as
// downloaded from the data host. The caller must close Body.
type Content struct {
	// Body streams the content's bytes from LINE's data host; the caller
	// must close it.
	Body io.ReadCloser
	// Type is the Content-Type LINE reported.
	Type string
	// Length is the size in bytes, or -1 when unknown.
	Length int64
}

// Content downloads the content of the message with messageID (the Media.ID
// of an inbound image, video, audio or file message) from the data host.
// Content sent from an external provider (Media.URL set) is not on LINE's
// servers. Errors: *APIError (404 when the content is gone: LINE keeps it
// for a limited time).
func (c *Client) Content(ctx context.Context, messageID string) (*Content, error) {
	if messageID == "" {
		return nil, errors.New("line: empty message id")
	}
	res, err := c.do(ctx, request{
		method: http.MethodGet,
		url:    c.dataBase + "/v2/bot/message/" + url.PathEscape(messageID) + "/content",
	})
	if err != nil {
		return nil, err
	}
	length := res.resp.ContentLength
	if v := res.resp.Header.Get("Content-Length"); length < 0 && v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			length = n
		}
	}
	return &Content{Body: res.resp.Body, Type: res.resp.Header.Get("Content-Type"), Length: length}, nil
}
