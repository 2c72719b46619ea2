package redis_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/store/redis"
	"github.com/switchboard-go/switchboard/store/storetest"
)

func TestNewPrefixesKeys(t *testing.T) {
	_, err := redis.New(nil, "x")
	require.ErrorIs(t, err, redis.ErrNoClient)
	c := storetest.RedisClient(t)
	s, err := redis.New(c, "shop")
	require.NoError(t, err)
	require.Equal(t, "shop:", s.Prefix())
	require.Equal(t, "shop:a:b", s.Key("a", "b"))
}

func TestPrefixesIsolateTests(t *testing.T) {
	a, b := storetest.Redis(t), storetest.Redis(t)
	ctx := context.Background()
	require.NoError(t, a.Client().Set(ctx, a.Key("k"), "1", 0).Err())
	n, err := b.Client().Exists(ctx, b.Key("k")).Result()
	require.NoError(t, err)
	require.Zero(t, n)
}
