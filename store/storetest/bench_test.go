package storetest_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/switchboard-go/switchboard/autoreply"
	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/notify"
	"github.com/switchboard-go/switchboard/store/postgres"
	"github.com/switchboard-go/switchboard/store/redis"
	"github.com/switchboard-go/switchboard/store/storetest"
)

// timed runs op b.N times, reporting the median and 99th percentile.
func timed(b *testing.B, op func(i int) error) {
	b.Helper()
	lat := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		t := time.Now()
		if err := op(i); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t))
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}

func claimBench(b *testing.B, s channel.DedupeStore) {
	ctx := context.Background()
	now := time.Now()
	timed(b, func(i int) error {
		_, err := s.Claim(ctx, channel.DedupeKey(channel.WhatsApp, "wamid."+strconv.Itoa(i)), now, time.Minute)
		return err
	})
}

func BenchmarkClaimMemory(b *testing.B) { claimBench(b, channel.NewMemoryDedupeStore(0)) }

func BenchmarkClaimSQLite(b *testing.B) { claimBench(b, storetest.SQLite(b).Dedupe()) }

// BenchmarkClaimSQLiteBaseline is the same file's cheapest write: one
// INSERT of a new key, nothing else.
func BenchmarkClaimSQLiteBaseline(b *testing.B) {
	db := storetest.SQLite(b).SQL()
	ctx := context.Background()
	timed(b, func(i int) error {
		_, err := db.ExecContext(ctx, `INSERT INTO switchboard_dedupe (key, until_ms) VALUES (?, 1)`, "k"+strconv.Itoa(i))
		return err
	})
}

func BenchmarkClaimPostgres(b *testing.B) { claimBench(b, storetest.Postgres(b).Dedupe()) }

// BenchmarkClaimPostgresBaseline is one round trip that does nothing
// (SELECT 1): the floor of any statement.
func BenchmarkClaimPostgresBaseline(b *testing.B) {
	pool := storetest.Postgres(b).Pool()
	ctx := context.Background()
	timed(b, func(int) error {
		var one int
		return pool.QueryRow(ctx, `SELECT 1`).Scan(&one)
	})
}

func BenchmarkClaimRedis(b *testing.B) { claimBench(b, storetest.Redis(b).Dedupe()) }

// BenchmarkClaimRedisBaseline is one raw round trip of the same size: SET
// NX PX of a new key.
func BenchmarkClaimRedisBaseline(b *testing.B) {
	s := storetest.Redis(b)
	ctx := context.Background()
	timed(b, func(i int) error {
		return s.Client().SetNX(ctx, s.Key("dedupe", strconv.Itoa(i)), "f", time.Minute).Err()
	})
}

// BenchmarkMessageRedis is the state work of one handled message with
// every piece on Redis, the calls the webhook server makes in its order:
// claim, window touch, conversation load, per-recipient take, conversation
// save, complete (the window check before the send is answered by Windows
// itself: it saw the message). With the delivery in the context, as
// channel.Dedupe puts it there, that is two round trips.
func BenchmarkMessageRedis(b *testing.B) {
	b.Run("delivery", func(b *testing.B) { messageRedis(b, true) })
	b.Run("no-delivery", func(b *testing.B) { messageRedis(b, false) })
}

func messageRedis(b *testing.B, delivery bool) {
	timed(b, messageRedisOp(storetest.Redis(b), delivery))
}

// messageRedisOp returns one message's state work on s, as the server
// does it, for message i.
func messageRedisOp(s *redis.Store, delivery bool) func(i int) error {
	d, w, l, c := s.Dedupe(), s.Windows(), s.RecipientLimits(), s.Conversations()
	now := time.Now()
	conv := autoreply.Conversation{Await: "order_number", Triggered: map[string]int{"wismo": 1}}
	return func(i int) error {
		id := strconv.Itoa(i)
		a := channel.Address{Channel: channel.WhatsApp, ID: "8521234" + id}
		e := channel.Event{Type: channel.EventMessage, Channel: channel.WhatsApp, ID: "wamid." + id, From: a, Time: now}
		ctx := context.Background()
		if delivery {
			ctx = channel.WithDelivery(ctx, &channel.Delivery{Event: e})
		}
		k := channel.DedupeKey(e.Channel, e.ID)
		if _, err := d.Claim(ctx, k, now, time.Minute); err != nil {
			return err
		}
		if err := w.Touch(ctx, a, now, 24*time.Hour); err != nil {
			return err
		}
		if _, _, err := c.Load(ctx, a, now); err != nil {
			return err
		}
		if _, err := l.Take(ctx, a, now, 6*time.Second, 1); err != nil {
			return err
		}
		if err := c.Save(ctx, a, conv, now.Add(time.Hour)); err != nil {
			return err
		}
		return d.Complete(ctx, k, now, time.Hour)
	}
}

// BenchmarkMessageRedisBaseline is the same two round trips done raw
// (pipelines of plain SET/GET of values of the same size): the floor the
// stores are measured against.
func BenchmarkMessageRedisBaseline(b *testing.B) {
	s := storetest.Redis(b)
	timed(b, messageRedisRaw(s))
}

func messageRedisRaw(s *redis.Store) func(i int) error {
	rdb := s.Client()
	ctx := context.Background()
	const v = "f1764735000000"
	return func(i int) error {
		id := strconv.Itoa(i)
		if _, err := rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
			p.Set(ctx, s.Key("dedupe", id), v, time.Hour)
			p.Set(ctx, s.Key("win", id), v, time.Hour)
			p.Get(ctx, s.Key("conv", id))
			p.Set(ctx, s.Key("rl", id), v, time.Hour)
			return nil
		}); err != nil && !errors.Is(err, goredis.Nil) {
			return err
		}
		_, err := rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
			p.Set(ctx, s.Key("conv", id), v, time.Hour)
			p.Set(ctx, s.Key("dedupe", id), v, time.Hour)
			return nil
		})
		return err
	}
}

// BenchmarkClaimPostgresAsyncCommit: the same claim on a pool with
// synchronous_commit=off (no WAL flush before the answer).
func BenchmarkClaimPostgresAsyncCommit(b *testing.B) {
	url, schema := storetest.PostgresURL(b)
	db, err := postgres.Open(context.Background(), url, postgres.Options{Schema: schema, AsyncCommit: true})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	claimBench(b, db.Dedupe())
}

// BenchmarkPlanNotices is notify.Planner throughput with its frequency cap
// on each backend (every plan takes the cap: one customer per notice);
// memory is the baseline of the same plans.
func BenchmarkPlanNotices(b *testing.B) {
	backends := map[string]func(testing.TB) notify.CapStore{
		"memory":   func(testing.TB) notify.CapStore { return notify.NewMemoryCapStore() },
		"sqlite":   func(tb testing.TB) notify.CapStore { return storetest.SQLite(tb).NoticeCaps() },
		"postgres": func(tb testing.TB) notify.CapStore { return storetest.Postgres(tb).NoticeCaps() },
		"redis":    func(tb testing.TB) notify.CapStore { return storetest.Redis(tb).NoticeCaps() },
	}
	for _, name := range []string{"memory", "sqlite", "postgres", "redis"} {
		b.Run(name, func(b *testing.B) {
			caps := backends[name](b)
			p, err := notify.New(notify.Config{Windows: allOpen{}, Caps: caps, Clock: func() time.Time { return storetest.T0 }})
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				i++
				id := strconv.Itoa(i)
				if _, err := p.Plan(ctx, notify.Notice{ID: id, Customer: id, Kind: notify.Utility, TemplateKey: "invoice_ready",
					To: channel.Address{Channel: channel.WhatsApp, ID: id}, TimeZone: "Asia/Hong_Kong"}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "plans/s")
		})
	}
}

type allOpen struct{}

func (allOpen) Open(channel.Address) bool { return true }
