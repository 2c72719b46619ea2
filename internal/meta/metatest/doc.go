// Package metatest holds the test helpers the whatsapp and messenger tests
// share: a recording channel.Handler that fails on demand, a JSON subset
// assertion for request bodies the fakes recorded, and the tests both
// adapters must pass (WebhookHTTP, Redelivery, SendFaults). It is for tests
// only.
package metatest
