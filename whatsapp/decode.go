package whatsapp

// decodeFast fills p from body without reflection: the webhook's hot path.
// It understands exactly the shape webhookBody declares and gives up
// (ok false) on anything it is not sure to read the way encoding/json would:
// invalid JSON, a type it does not expect, a duplicate or differently-cased
// key, an escaped key, very deep nesting. ParseWebhook then decodes with
// encoding/json, which stays the reference: FuzzDecodeFast checks that
// whenever decodeFast succeeds, encoding/json accepts the body and yields
// the same events.
func decodeFast(body []byte) (p webhookBody, ok bool) {
	s := scanner{b: body}
	s.object(func(key []byte) {
		switch string(key) {
		case "object":
			p.Object = s.str()
		case "entry":
			s.array(func() {
				var e entry
				s.object(func(key []byte) {
					if string(key) != "changes" {
						s.skipUnknown(key)
						return
					}
					s.array(func() {
						var c change
						s.object(func(key []byte) {
							switch string(key) {
							case "field":
								c.Field = s.str()
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
	s.ws()
	if s.i != len(s.b) {
		s.fail()
	}
	return p, !s.bad
}

func (s *scanner) changeValue(v *changeValue) {
	s.object(func(key []byte) {
		switch string(key) {
		case "metadata":
			s.object(func(key []byte) {
				if string(key) == "phone_number_id" {
					v.Metadata.PhoneNumberID = s.str()
				} else {
					s.skipUnknown(key)
				}
			})
		case "contacts":
			s.array(func() {
				var c inContact
				s.object(func(key []byte) {
					switch string(key) {
					case "profile":
						s.object(func(key []byte) {
							if string(key) == "name" {
								c.Profile.Name = s.str()
							} else {
								s.skipUnknown(key)
							}
						})
					case "wa_id":
						c.WaID = s.str()
					case "user_id":
						c.UserID = s.str()
					default:
						s.skipUnknown(key)
					}
				})
				v.Contacts = append(v.Contacts, c)
			})
		case "messages":
			s.array(func() {
				v.Messages = append(v.Messages, inMessage{})
				s.message(&v.Messages[len(v.Messages)-1])
			})
		case "statuses":
			s.array(func() {
				v.Statuses = append(v.Statuses, inStatus{})
				s.status(&v.Statuses[len(v.Statuses)-1])
			})
		default:
			s.skipUnknown(key)
		}
	})
}

func (s *scanner) message(m *inMessage) {
	media := func(p **inMedia) {
		if s.null() {
			return
		}
		*p = new(inMedia)
		s.object(func(key []byte) {
			switch string(key) {
			case "id":
				(*p).ID = s.str()
			case "mime_type":
				(*p).MIMEType = s.str()
			case "caption":
				(*p).Caption = s.str()
			case "filename":
				(*p).Filename = s.str()
			default:
				s.skipUnknown(key)
			}
		})
	}
	s.object(func(key []byte) {
		switch string(key) {
		case "from":
			m.From = s.str()
		case "from_user_id":
			m.FromUserID = s.str()
		case "id":
			m.ID = s.str()
		case "timestamp":
			m.Timestamp = s.str()
		case "type":
			m.Type = s.str()
		case "context":
			if s.null() {
				break
			}
			m.Context = new(inContext)
			s.object(func(key []byte) {
				switch string(key) {
				case "from":
					m.Context.From = s.str()
				case "id":
					m.Context.ID = s.str()
				default:
					s.skipUnknown(key)
				}
			})
		case "text":
			if s.null() {
				break
			}
			m.Text = new(struct{ Body string })
			s.object(func(key []byte) {
				if string(key) == "body" {
					m.Text.Body = s.str()
				} else {
					s.fail() // encoding/json matches "Body" without a tag case-insensitively: leave it to the reference
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
			if s.null() {
				break
			}
			m.Interactive = new(inInteractive)
			s.object(func(key []byte) {
				switch string(key) {
				case "type":
					m.Interactive.Type = s.str()
				case "button_reply":
					m.Interactive.ButtonReply = s.reply()
				case "list_reply":
					m.Interactive.ListReply = s.reply()
				default:
					s.skipUnknown(key)
				}
			})
		case "button":
			if s.null() {
				break
			}
			m.Button = new(inButton)
			s.object(func(key []byte) {
				switch string(key) {
				case "payload":
					m.Button.Payload = s.str()
				case "text":
					m.Button.Text = s.str()
				default:
					s.skipUnknown(key)
				}
			})
		case "location":
			s.fail()
		default:
			s.skipUnknown(key)
		}
	})
}

func (s *scanner) reply() *inReply {
	if s.null() {
		return nil
	}
	r := new(inReply)
	s.object(func(key []byte) {
		switch string(key) {
		case "id":
			r.ID = s.str()
		case "title":
			r.Title = s.str()
		case "description":
			r.Description = s.str()
		default:
			s.skipUnknown(key)
		}
	})
	return r
}

func (s *scanner) status(st *inStatus) {
	s.object(func(key []byte) {
		switch string(key) {
		case "id":
			st.ID = s.str()
		case "status":
			st.Status = s.str()
		case "timestamp":
			st.Timestamp = s.str()
		case "recipient_id":
			st.RecipientID = s.str()
		case "recipient_user_id":
			st.RecipientUserID = s.str()
		case "errors":
			s.fail() // failed statuses are rare: the reference decoder handles them
		default:
			s.skipUnknown(key)
		}
	})
}
