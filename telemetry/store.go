package telemetry

import (
	"context"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/switchboard-go/switchboard/autoreply"
	"github.com/switchboard-go/switchboard/channel"
)

// inStoreSpan runs call inside a switchboard.store span for op (e.g.
// "dedupe.claim") and records its outcome; the wrappers below only exist
// when there is a tracer.
func (t *Telemetry) inStoreSpan(ctx context.Context, op string, call func(context.Context) error) error {
	ctx, span := t.tracer.Start(ctx, "switchboard.store", trace.WithSpanKind(trace.SpanKindClient))
	err := call(ctx)
	if span.IsRecording() {
		span.SetAttributes(attribute.String("switchboard.store.op", op), attribute.String("switchboard.outcome", Outcome(err)))
		if err != nil {
			span.SetStatus(codes.Error, "store error")
		}
	}
	span.End()
	return err
}

// ifTracing returns traced when t has a tracer, else plain: a store is
// wrapped only when its spans go somewhere.
func ifTracing[S any](t *Telemetry, plain, traced S) S {
	if !t.tracing() {
		return plain
	}
	return traced
}

// DedupeStore returns s with a switchboard.store span around each call
// (attributes: switchboard.store.op, switchboard.outcome; never the key,
// which holds a message id). Without a tracer provider it returns s.
func (t *Telemetry) DedupeStore(s channel.DedupeStore) channel.DedupeStore {
	return ifTracing[channel.DedupeStore](t, s, tracedDedupe{t, s})
}

type tracedDedupe struct {
	t *Telemetry
	s channel.DedupeStore
}

func (d tracedDedupe) Claim(ctx context.Context, key string, now time.Time, lease time.Duration) (st channel.ClaimStatus, err error) {
	err = d.t.inStoreSpan(ctx, "dedupe.claim", func(ctx context.Context) (err error) {
		st, err = d.s.Claim(ctx, key, now, lease)
		return err
	})
	return st, err
}

func (d tracedDedupe) Complete(ctx context.Context, key string, now time.Time, ttl time.Duration) error {
	return d.t.inStoreSpan(ctx, "dedupe.complete", func(ctx context.Context) error { return d.s.Complete(ctx, key, now, ttl) })
}

func (d tracedDedupe) Release(ctx context.Context, key string) error {
	return d.t.inStoreSpan(ctx, "dedupe.release", func(ctx context.Context) error { return d.s.Release(ctx, key) })
}

// WindowStore returns s with a switchboard.store span around each call.
// Without a tracer provider it returns s.
func (t *Telemetry) WindowStore(s channel.WindowStore) channel.WindowStore {
	return ifTracing[channel.WindowStore](t, s, tracedWindows{t, s})
}

type tracedWindows struct {
	t *Telemetry
	s channel.WindowStore
}

func (w tracedWindows) Touch(ctx context.Context, a channel.Address, at time.Time, ttl time.Duration) error {
	return w.t.inStoreSpan(ctx, "window.touch", func(ctx context.Context) error { return w.s.Touch(ctx, a, at, ttl) })
}

func (w tracedWindows) LastSeen(ctx context.Context, a channel.Address) (at time.Time, ok bool, err error) {
	err = w.t.inStoreSpan(ctx, "window.last_seen", func(ctx context.Context) (err error) {
		at, ok, err = w.s.LastSeen(ctx, a)
		return err
	})
	return at, ok, err
}

// RecipientLimitStore returns s with a switchboard.store span around each
// call. Without a tracer provider it returns s.
func (t *Telemetry) RecipientLimitStore(s channel.RecipientLimitStore) channel.RecipientLimitStore {
	return ifTracing[channel.RecipientLimitStore](t, s, tracedLimits{t, s})
}

type tracedLimits struct {
	t *Telemetry
	s channel.RecipientLimitStore
}

func (l tracedLimits) Take(ctx context.Context, a channel.Address, now time.Time, every time.Duration, burst int) (d time.Duration, err error) {
	err = l.t.inStoreSpan(ctx, "limit.take", func(ctx context.Context) (err error) {
		d, err = l.s.Take(ctx, a, now, every, burst)
		return err
	})
	return d, err
}

// StateStore returns s (autoreply conversation state) with a
// switchboard.store span around each call. Without a tracer provider it
// returns s.
func (t *Telemetry) StateStore(s autoreply.StateStore) autoreply.StateStore {
	return ifTracing[autoreply.StateStore](t, s, tracedState{t, s})
}

type tracedState struct {
	t *Telemetry
	s autoreply.StateStore
}

func (c tracedState) Load(ctx context.Context, a channel.Address, now time.Time) (v autoreply.Conversation, ok bool, err error) {
	err = c.t.inStoreSpan(ctx, "conversation.load", func(ctx context.Context) (err error) {
		v, ok, err = c.s.Load(ctx, a, now)
		return err
	})
	return v, ok, err
}

func (c tracedState) Save(ctx context.Context, a channel.Address, v autoreply.Conversation, expires time.Time) error {
	return c.t.inStoreSpan(ctx, "conversation.save", func(ctx context.Context) error { return c.s.Save(ctx, a, v, expires) })
}

func (c tracedState) Delete(ctx context.Context, a channel.Address) error {
	return c.t.inStoreSpan(ctx, "conversation.delete", func(ctx context.Context) error { return c.s.Delete(ctx, a) })
}
