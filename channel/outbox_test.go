package channel_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/switchboard-go/switchboard/channel"
)

func TestOutboxStateOf(t *testing.T) {
	tests := []struct {
		err  error
		want channel.OutboxState
	}{
		{&channel.DeliveryError{Channel: channel.WhatsApp, Err: errors.New("reset")}, channel.OutboxUnknown},
		{fmt.Errorf("send: %w", channel.ErrDeliveryUnknown), channel.OutboxUnknown},
		{channel.ErrInvalidRecipient, channel.OutboxUndelivered},
		{errors.New("boom"), channel.OutboxUndelivered},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, channel.OutboxStateOf(tt.err), "%v", tt.err)
	}
}
