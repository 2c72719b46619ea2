// Package files delivers documents to customers in the chat: invoices,
// warranty cards, return labels, contracts.
//
// Invoices are rendered as A4 PDF with fonts the shop supplies (subset
// into the file, so Latin, Chinese, Japanese and Thai text render without
// fonts on the reader's side), stored by content hash so a request is
// answered from the store, and served through signed, expiring links.
//
// A Deliverer tries, under one deadline (5 s by default): the document
// message where the platform has one and the file fits, else a message with
// a signed link valid 7 days, else an email with the link saying what
// happened. LINE and WeChat, which have no document message for customers,
// get the link at once. A sensitive document (a contract with personal
// data) goes only to a customer who said "I agree to receive" first; the
// consent is recorded with its time. Requests are counted per kind and week,
// and a kind asked for more than 50 times a week is flagged.
package files
