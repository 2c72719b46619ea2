// Package metatest holds the test helpers the whatsapp and messenger tests
// share: a recording channel.Handler that fails on demand, and a JSON subset
// assertion for request bodies the fakes recorded. It is for tests only.
package metatest
