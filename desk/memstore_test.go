package desk_test

import (
	"testing"

	"github.com/switchboard-go/switchboard/desk"
	"github.com/switchboard-go/switchboard/desk/desktest"
)

func TestMemoryStoreConformance(t *testing.T) {
	desktest.Run(t, func(*testing.T) desk.Store { return desk.NewMemoryStore() })
}
