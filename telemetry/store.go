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

// storeSpan starts a switchboard.store span for op (e.g. "dedupe.claim");
// end records the outcome. Without a tracer it costs nothing.
func (t *Telemetry) storeSpan(ctx context.Context, op string) (context.Context, func(error)) {
	if !t.tracing() {
		return ctx, func(error) {}
	}
	ctx, span := t.tracer.Start(ctx, "switchboard.store", trace.WithSpanKind(trace.SpanKindClient))
	return ctx, func(err error) {
		if span.IsRecording() {
			span.SetAttributes(attribute.String("switchboard.store.op", op), attribute.String("switchboard.outcome", Outcome(err)))
			if err != nil {
				span.SetStatus(codes.Error, "store error")
			}
		}
		span.End()
	}
}

// DedupeStore returns s with a switchboard.store span around each call
// (attributes: switchboard.store.op, switchboard.outcome; never the key,
// which holds a message id). Without a tracer provider it returns s.
func (t *Telemetry) DedupeStore(s channel.DedupeStore) channel.DedupeStore {
	if !t.tracing() {
		return s
	}
	return tracedDedupe{t, s}
}

type tracedDedupe struct {
	t *Telemetry
	s channel.DedupeStore
}

func (d tracedDedupe) Claim(ctx context.Context, key string, now time.Time, lease time.Duration) (channel.ClaimStatus, error) {
	ctx, end := d.t.storeSpan(ctx, "dedupe.claim")
	st, err := d.s.Claim(ctx, key, now, lease)
	end(err)
	return st, err
}

func (d tracedDedupe) Complete(ctx context.Context, key string, now time.Time, ttl time.Duration) error {
	ctx, end := d.t.storeSpan(ctx, "dedupe.complete")
	err := d.s.Complete(ctx, key, now, ttl)
	end(err)
	return err
}

func (d tracedDedupe) Release(ctx context.Context, key string) error {
	ctx, end := d.t.storeSpan(ctx, "dedupe.release")
	err := d.s.Release(ctx, key)
	end(err)
	return err
}

// WindowStore returns s with a switchboard.store span around each call.
// Without a tracer provider it returns s.
func (t *Telemetry) WindowStore(s channel.WindowStore) channel.WindowStore {
	if !t.tracing() {
		return s
	}
	return tracedWindows{t, s}
}

type tracedWindows struct {
	t *Telemetry
	s channel.WindowStore
}

func (w tracedWindows) Touch(ctx context.Context, a channel.Address, at time.Time, ttl time.Duration) error {
	ctx, end := w.t.storeSpan(ctx, "window.touch")
	err := w.s.Touch(ctx, a, at, ttl)
	end(err)
	return err
}

func (w tracedWindows) LastSeen(ctx context.Context, a channel.Address) (time.Time, bool, error) {
	ctx, end := w.t.storeSpan(ctx, "window.last_seen")
	at, ok, err := w.s.LastSeen(ctx, a)
	end(err)
	return at, ok, err
}

// RecipientLimitStore returns s with a switchboard.store span around each
// call. Without a tracer provider it returns s.
func (t *Telemetry) RecipientLimitStore(s channel.RecipientLimitStore) channel.RecipientLimitStore {
	if !t.tracing() {
		return s
	}
	return tracedLimits{t, s}
}

type tracedLimits struct {
	t *Telemetry
	s channel.RecipientLimitStore
}

func (l tracedLimits) Take(ctx context.Context, a channel.Address, now time.Time, every time.Duration, burst int) (time.Duration, error) {
	ctx, end := l.t.storeSpan(ctx, "limit.take")
	d, err := l.s.Take(ctx, a, now, every, burst)
	end(err)
	return d, err
}

// StateStore returns s (autoreply conversation state) with a
// switchboard.store span around each call. Without a tracer provider it
// returns s.
func (t *Telemetry) StateStore(s autoreply.StateStore) autoreply.StateStore {
	if !t.tracing() {
		return s
	}
	return tracedState{t, s}
}

type tracedState struct {
	t *Telemetry
	s autoreply.StateStore
}

func (c tracedState) Load(ctx context.Context, a channel.Address, now time.Time) (autoreply.Conversation, bool, error) {
	ctx, end := c.t.storeSpan(ctx, "conversation.load")
	v, ok, err := c.s.Load(ctx, a, now)
	end(err)
	return v, ok, err
}

func (c tracedState) Save(ctx context.Context, a channel.Address, v autoreply.Conversation, expires time.Time) error {
	ctx, end := c.t.storeSpan(ctx, "conversation.save")
	err := c.s.Save(ctx, a, v, expires)
	end(err)
	return err
}

func (c tracedState) Delete(ctx context.Context, a channel.Address) error {
	ctx, end := c.t.storeSpan(ctx, "conversation.delete")
	err := c.s.Delete(ctx, a)
	end(err)
	return err
}
