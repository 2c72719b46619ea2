package whatsapp

import "github.com/switchboard-go/switchboard/internal/jsonscan"

// decodeFast fills p from body without reflection: the webhook's hot path.
// It understands exactly the shape webhookBody declares and gives up
// (ok false) on anything it is not sure to read the way encoding/json would:
// invalid JSON, a type it does not expect, a duplicate or differently-cased
// key, an escaped key, very deep nesting. ParseWebhook then decodes with
// encoding/json, which stays the reference: FuzzDecodeFast checks that
// whenever decodeFast succeeds, encoding/json accepts the body and yields
// the same events.
func decodeFast(body []byte) (p webhookBody, ok bool) {
	s := decoder{jsonscan.NewExact(body)}
	s.Object(func(key []byte) {
		switch string(key) {
		case "object":
			p.Object = s.String()
		case "entry":
			s.Array(func() {
				var e entry
				s.Object(func(key []byte) {
					if string(key) != "changes" {
						s.skipUnknown(key)
						return
					}
					s.Array(func() {
						var c change
						s.Object(func(key []byte) {
							switch string(key) {
							case "field":
								c.Field = s.String()
							case "value":
								s.changeValue(&c.Value)
							default:
								s.skipUnknown(key)
							}
						})
						e.Changes = append(e.Changes, c)
					})
				})
				p.Entry = append(p.Entry, e)
			})
		default:
			s.skipUnknown(key)
		}
	})
	return p, s.Finish() == nil
}

// decoder is the scanner decodeFast reads with, plus the shape of the
// webhook body.
type decoder struct{ *jsonscan.Scanner }

// skipUnknown skips the value of a key the caller does not model. A key
// that encoding/json could match case-insensitively to a field (any upper
// case or non-ASCII byte) gives up instead.
func (s decoder) skipUnknown(key []byte) {
	for _, c := range key {
		if c >= 'A' && c <= 'Z' || c >= 0x80 {
			s.Fail("key may match a field case-insensitively")
			return
		}
	}
	s.Skip()
}

func (s decoder) changeValue(v *changeValue) {
	s.Object(func(key []byte) {
		switch string(key) {
		case "metadata":
			s.Object(func(key []byte) {
				if string(key) == "phone_number_id" {
					v.Metadata.PhoneNumberID = s.String()
				} else {
					s.skipUnknown(key)
				}
			})
		case "contacts":
			s.Array(func() {
				var c inContact
				s.Object(func(key []byte) {
					switch string(key) {
					case "profile":
						s.Object(func(key []byte) {
							if string(key) == "name" {
								c.Profile.Name = s.String()
							} else {
								s.skipUnknown(key)
							}
						})
					case "wa_id":
						c.WaID = s.String()
					case "user_id":
						c.UserID = s.String()
					default:
						s.skipUnknown(key)
					}
				})
				v.Contacts = append(v.Contacts, c)
			})
		case "messages":
			s.Array(func() {
				v.Messages = append(v.Messages, inMessage{})
				s.message(&v.Messages[len(v.Messages)-1])
			})
		case "statuses":
			s.Array(func() {
				v.Statuses = append(v.Statuses, inStatus{})
				s.status(&v.Statuses[len(v.Statuses)-1])
			})
		default:
			s.skipUnknown(key)
		}
	})
}

func (s decoder) message(m *inMessage) {
	media := func(p **inMedia) {
		if s.Null() {
			return
		}
		*p = new(inMedia)
		s.Object(func(key []byte) {
			switch string(key) {
			case "id":
				(*p).ID = s.String()
			case "mime_type":
				(*p).MIMEType = s.String()
			case "caption":
				(*p).Caption = s.String()
			case "filename":
				(*p).Filename = s.String()
			default:
				s.skipUnknown(key)
			}
		})
	}
	s.Object(func(key []byte) {
		switch string(key) {
		case "from":
			m.From = s.String()
		case "from_user_id":
			m.FromUserID = s.String()
		case "id":
			m.ID = s.String()
		case "timestamp":
			m.Timestamp = s.String()
		case "type":
			m.Type = s.String()
		case "context":
			if s.Null() {
				break
			}
			m.Context = new(inContext)
			s.Object(func(key []byte) {
				switch string(key) {
				case "from":
					m.Context.From = s.String()
				case "id":
					m.Context.ID = s.String()
				default:
					s.skipUnknown(key)
				}
			})
		case "text":
			if s.Null() {
				break
			}
			m.Text = new(struct{ Body string })
			s.Object(func(key []byte) {
				if string(key) == "body" {
					m.Text.Body = s.String()
				} else {
					s.Fail("text key") // encoding/json matches "Body" without a tag case-insensitively: leave it to the reference
				}
			})
		case "image":
			media(&m.Image)
		case "audio":
			media(&m.Audio)
		case "video":
			media(&m.Video)
		case "document":
			media(&m.Document)
		case "sticker":
			media(&m.Sticker)
		case "interactive":
			if s.Null() {
				break
			}
			m.Interactive = new(inInteractive)
			s.Object(func(key []byte) {
				switch string(key) {
				case "type":
					m.Interactive.Type = s.String()
				case "button_reply":
					m.Interactive.ButtonReply = s.reply()
				case "list_reply":
					m.Interactive.ListReply = s.reply()
				default:
					s.skipUnknown(key)
				}
			})
		case "button":
			if s.Null() {
				break
			}
			m.Button = new(inButton)
			s.Object(func(key []byte) {
				switch string(key) {
				case "payload":
					m.Button.Payload = s.String()
				case "text":
					m.Button.Text = s.String()
				default:
					s.skipUnknown(key)
				}
			})
		case "location":
			s.Fail("location") // its coordinates are numbers: the reference decoder reads them
		default:
			s.skipUnknown(key)
		}
	})
}

func (s decoder) reply() *inReply {
	if s.Null() {
		return nil
	}
	r := new(inReply)
	s.Object(func(key []byte) {
		switch string(key) {
		case "id":
			r.ID = s.String()
		case "title":
			r.Title = s.String()
		case "description":
			r.Description = s.String()
		default:
			s.skipUnknown(key)
		}
	})
	return r
}

func (s decoder) status(st *inStatus) {
	s.Object(func(key []byte) {
		switch string(key) {
		case "id":
			st.ID = s.String()
		case "status":
			st.Status = s.String()
		case "timestamp":
			st.Timestamp = s.String()
		case "recipient_id":
			st.RecipientID = s.String()
		case "recipient_user_id":
			st.RecipientUserID = s.String()
		case "errors":
			s.Fail("status errors") // failed statuses are rare: the reference decoder handles them
		default:
			s.skipUnknown(key)
		}
	})
}
