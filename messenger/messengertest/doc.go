// Package messengertest is a fake Messenger Send API for tests, in the
// spirit of net/http/httptest: NewServer starts an HTTP server on loopback
// that speaks the Graph API wire protocol.
//
// It accepts exactly what the real API accepts (page token as bearer header
// or access_token parameter, the /v{N}/me/messages path, messaging_type and
// tag rules, documented limits) and otherwise answers Meta's error JSON with
// code 100. It answers with realistic ids (m_…), records every request,
// keeps uploaded attachments, and fails on demand (Inject, with the Fault
// shape all four fakes share): throttling codes with Retry-After, 5xx, the
// outside-window error (10/2018278), resets and slowness, before Meta saw
// the request or after it recorded the message (AfterAccept). It
// builds, signs and delivers Page webhooks to a handler or a URL.
//
//	srv := messengertest.NewServer(messengertest.Config{})
//	defer srv.Close()
//	fb, _ := messenger.New(srv.ClientConfig())
//
// A Server is safe for concurrent use.
package messengertest
