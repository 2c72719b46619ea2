package files

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"strings"
	"time"
)

// Mailer sends an email: the last step of the delivery chain.
type Mailer interface {
	Mail(ctx context.Context, to, subject, body string) error
}

// SMTPMailer sends through the shop's SMTP server with net/smtp, within
// the context's deadline. It is safe for concurrent use.
type SMTPMailer struct {
	// Addr is host:port of the server.
	Addr string
	// From is the sender address.
	From string
	// Auth, when set, authenticates (smtp.PlainAuth; net/smtp refuses it
	// without TLS except to localhost).
	Auth smtp.Auth
}

// ErrBadAddress: an address or subject holds a line break (header
// injection) or is empty.
var ErrBadAddress = errors.New("files: bad mail address or subject")

// Mail implements Mailer.
func (m SMTPMailer) Mail(ctx context.Context, to, subject, body string) error {
	for _, s := range []string{to, m.From, subject} {
		if s == "" || strings.ContainsAny(s, "\r\n") {
			return ErrBadAddress
		}
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", m.Addr)
	if err != nil {
		return fmt.Errorf("files: smtp dial: %w", err)
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	host, _, _ := net.SplitHostPort(m.Addr)
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		return fmt.Errorf("files: smtp: %w", err)
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok {
		if err := c.StartTLS(nil); err != nil {
			return fmt.Errorf("files: smtp starttls: %w", err)
		}
	}
	if m.Auth != nil {
		if err := c.Auth(m.Auth); err != nil {
			return fmt.Errorf("files: smtp auth: %w", err)
		}
	}
	if err := c.Mail(m.From); err != nil {
		return fmt.Errorf("files: smtp mail from: %w", err)
	}
	if err := c.Rcpt(to); err != nil {
		return fmt.Errorf("files: smtp rcpt: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("files: smtp data: %w", err)
	}
	msg := "From: " + m.From + "\r\nTo: " + to + "\r\nSubject: " + subject +
		"\r\nDate: " + time.Now().UTC().Format(time.RFC1123Z) +
		"\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" +
		strings.ReplaceAll(strings.ReplaceAll(body, "\r\n", "\n"), "\n", "\r\n") + "\r\n"
	if _, err := w.Write([]byte(msg)); err != nil {
		return fmt.Errorf("files: smtp write: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("files: smtp data end: %w", err)
	}
	return c.Quit()
}
