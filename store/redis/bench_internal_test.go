package redis

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
)

// BenchmarkMessageRatio is one WhatsApp message's state work on Redis as
// the webhook server does it (claim, window touch, conversation load,
// per-recipient take, conversation save, completion: 2 round trips with
// the delivery in the context) beside two baselines, run turn about,
// message by message, on one client, so that all three meet the same
// loopback (whose latency wanders 2–3× between runs on a shared machine):
//
//   - commands: the same commands in the same 2 pipelines, built by hand
//     (EVALSHA of the claim's script with the same keys and arguments, GET;
//     SET, SET) — what the Store's code costs on top of its commands;
//   - set: 2 pipelines of plain SET/GET of the same keys — what the
//     scripts' atomic check-and-set costs on top of writing.
//
// It reports each p50 and the p50 and mean ratios of the Store's path to
// each baseline.
func BenchmarkMessageRatio(b *testing.B) {
	s, c := newTestStore(b)
	ctx := context.Background()
	prefix := s.Prefix()
	now := time.Now()
	every := 6 * time.Second
	conv := autoreply.Conversation{Await: "order_number", Triggered: map[string]int{"wismo": 1}}
	convJSON := `{"await":"order_number","triggered":{"wismo":1}}`
	addr := func(tag string, i int) channel.Address {
		return channel.Address{Channel: channel.WhatsApp, ID: tag + "8521234" + strconv.Itoa(i)}
	}
	if _, err := s.RecipientLimits().Take(ctx, addr("warm", 0), now, every, 1); err != nil {
		b.Fatal(err)
	}
	if err := claimScript.Load(ctx, c).Err(); err != nil {
		b.Fatal(err)
	}
	store := func(i int) error {
		a := addr("s", i)
		e := channel.Event{Type: channel.EventMessage, Channel: channel.WhatsApp, ID: "wamid.s" + strconv.Itoa(i), From: a, Time: now}
		ctx := channel.WithDelivery(ctx, &channel.Delivery{Event: e})
		k := channel.DedupeKey(e.Channel, e.ID)
		if _, err := s.Dedupe().Claim(ctx, k, now, time.Minute); err != nil {
			return err
		}
		if err := s.Windows().Touch(ctx, a, now, 24*time.Hour); err != nil {
			return err
		}
		if _, _, err := s.Conversations().Load(ctx, a, now); err != nil {
			return err
		}
		if _, err := s.RecipientLimits().Take(ctx, a, now, every, 1); err != nil {
			return err
		}
		if err := s.Conversations().Save(ctx, a, conv, now.Add(time.Hour)); err != nil {
			return err
		}
		return s.Dedupe().Complete(ctx, k, now, time.Hour)
	}
	commands := func(i int) error {
		a := addr("c", i)
		k := prefix + "dedupe:" + channel.DedupeKey(channel.WhatsApp, "wamid.c"+strconv.Itoa(i))
		e := every.Microseconds()
		if _, err := c.Pipelined(ctx, func(p goredis.Pipeliner) error {
			claimScript.EvalSha(ctx, p, []string{k, s.windowKey(a), s.limitKey(a)},
				now.UnixMilli(), now.Add(time.Minute).UnixMilli(), px(time.Minute+channel.TakeoverMemory), channel.TakeoverMemory.Milliseconds(),
				strconv.FormatInt(now.UnixNano(), 10), px(deliveryWindowTTL), now.UnixMicro(), e, 0)
			p.Get(ctx, s.convKey(a))
			return nil
		}); err != nil && !errors.Is(err, goredis.Nil) {
			return err
		}
		_, err := c.Pipelined(ctx, func(p goredis.Pipeliner) error {
			p.SetArgs(ctx, s.convKey(a), strconv.FormatInt(now.Add(time.Hour).UnixMilli(), 10)+"|"+convJSON,
				goredis.SetArgs{ExpireAt: now.Add(time.Hour + time.Second)})
			p.Set(ctx, k, "d"+strconv.FormatInt(now.Add(time.Hour).UnixMilli(), 10), time.Hour)
			return nil
		})
		return err
	}
	const v = "f1764735000000"
	set := func(i int) error {
		a := addr("p", i)
		k := prefix + "dedupe:" + channel.DedupeKey(channel.WhatsApp, "wamid.p"+strconv.Itoa(i))
		if _, err := c.Pipelined(ctx, func(p goredis.Pipeliner) error {
			p.Set(ctx, k, v, time.Hour)
			p.Set(ctx, s.windowKey(a), v, time.Hour)
			p.Get(ctx, s.convKey(a))
			p.Set(ctx, s.limitKey(a), v, time.Hour)
			return nil
		}); err != nil && !errors.Is(err, goredis.Nil) {
			return err
		}
		_, err := c.Pipelined(ctx, func(p goredis.Pipeliner) error {
			p.Set(ctx, s.convKey(a), v, time.Hour)
			p.Set(ctx, k, v, time.Hour)
			return nil
		})
		return err
	}
	ops := []func(int) error{store, commands, set}
	lat := make([][]time.Duration, len(ops))
	sum := make([]time.Duration, len(ops))
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		for k, op := range ops {
			t := time.Now()
			if err := op(i); err != nil {
				b.Fatal(err)
			}
			d := time.Since(t)
			lat[k] = append(lat[k], d)
			sum[k] += d
		}
	}
	b.StopTimer()
	p50 := make([]time.Duration, len(ops))
	for k := range lat {
		slices.Sort(lat[k])
		p50[k] = lat[k][len(lat[k])/2]
	}
	b.ReportMetric(float64(p50[0].Microseconds()), "p50-µs")
	b.ReportMetric(float64(p50[0])/float64(p50[1]), "p50/commands")
	b.ReportMetric(float64(sum[0])/float64(sum[1]), "mean/commands")
	b.ReportMetric(float64(p50[0])/float64(p50[2]), "p50/set")
	b.ReportMetric(float64(sum[0])/float64(sum[2]), "mean/set")
}
