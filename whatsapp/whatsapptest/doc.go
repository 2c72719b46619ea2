// Package whatsapptest is a fake WhatsApp Cloud API for tests, in the spirit
// of net/http/httptest: NewServer starts an HTTP server on loopback that
// speaks the Graph API wire protocol.
//
// It accepts exactly what the real API accepts (bearer token, the
// /v{N}/{phone-number-id}/messages path, required fields and documented
// limits) and otherwise answers Meta's error JSON with code 100. It answers
// with realistic ids (wamid.…), records every request, keeps uploaded media
// for lookup and authenticated download, and fails on demand (Inject, with
// the Fault shape all four fakes share): throttling codes with Retry-After,
// 5xx, the 24 h window error (131047), resets and slowness, before Meta saw
// the request or after it recorded the message (AfterAccept: the answer is
// lost).
// It also builds, signs and delivers webhooks to a handler or a URL.
//
//	srv := whatsapptest.NewServer(whatsapptest.Config{})
//	defer srv.Close()
//	wa, _ := whatsapp.New(srv.ClientConfig())
//
// A Server is safe for concurrent use.
package whatsapptest
