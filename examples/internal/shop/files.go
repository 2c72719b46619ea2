package shop

import (
	"context"
	"errors"

	"golang.org/x/text/language"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/notify/files"
)

// sendInvoice delivers the prepared invoice of order number to the customer
// who asked for it (only to the order's own customer), through the delivery
// chain: document message, else signed link, else email. A failure is
// queued like any reply's.
func (s *Shop) sendInvoice(ctx context.Context, to channel.Address, number string, prefs []language.Tag) {
	if s.cfg.Orders == nil {
		return
	}
	o, ok := s.cfg.Orders.Find(number)
	if !ok || o.Customer != to {
		return
	}
	doc, err := s.cfg.Invoices.Get(ctx, number)
	if errors.Is(err, files.ErrNotFound) {
		return // not invoiced yet: the reply said it will follow
	}
	lang := ""
	if len(prefs) > 0 {
		lang = prefs[0].String()
	}
	out, err := s.cfg.Files.Deliver(ctx, files.Request{To: to, Doc: doc, Lang: lang})
	if err != nil {
		s.fail(ctx, &channel.Message{To: to}, "invoice.file", err)
		return
	}
	s.count.files.Add(1)
	if s.log != nil {
		s.log.InfoContext(ctx, "invoice delivered", "order", number, "via", out.Via)
	}
}
