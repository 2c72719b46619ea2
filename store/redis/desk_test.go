package redis_test

import (
	"testing"

	"github.com/switchboard-go/switchboard/desk"
	"github.com/switchboard-go/switchboard/desk/desktest"
	"github.com/switchboard-go/switchboard/store/redis"
	"github.com/switchboard-go/switchboard/store/storetest"
)

func TestDeskConformance(t *testing.T) {
	desktest.Run(t, func(t *testing.T) desk.Store { return redis.NewDesk(storetest.Redis(t)) })
}
