package line

import "bytes"

// eventSpans appends to dst the raw bytes of each element of the top-level
// "events" array of body, which encoding/json has already accepted as valid
// JSON. It is one cheap pass that saves decoding every event twice to keep
// its raw JSON. Where encoding/json could read the body differently (a key
// with escapes), it returns nil and the caller takes the slow road; like
// encoding/json it matches the key case-insensitively and lets the last
// duplicate win. It never panics, whatever body holds.
func eventSpans(body []byte, dst [][]byte) [][]byte {
	i := skipSpace(body, 0)
	if i >= len(body) || body[i] != '{' {
		return nil
	}
	i++
	var found [][]byte
	for {
		i = skipSpace(body, i)
		if i >= len(body) || body[i] == '}' {
			return found
		}
		if body[i] == ',' {
			i++
			continue
		}
		if body[i] != '"' {
			return nil
		}
		end := skipString(body, i)
		if end < 0 {
			return nil
		}
		key := body[i+1 : end-1]
		if bytes.IndexByte(key, '\\') >= 0 {
			return nil
		}
		i = skipSpace(body, end)
		if i >= len(body) || body[i] != ':' {
			return nil
		}
		i = skipSpace(body, i+1)
		if bytes.EqualFold(key, []byte("events")) {
			found = nil
			if i < len(body) && body[i] == '[' {
				found = dst[:0]
				for i++; ; {
					i = skipSpace(body, i)
					if i >= len(body) {
						return nil
					}
					if body[i] == ']' {
						i++
						break
					}
					if body[i] == ',' {
						i++
						continue
					}
					start := i
					if i = skipValue(body, i); i < 0 {
						return nil
					}
					found = append(found, body[start:i])
				}
				continue
			}
		}
		if i = skipValue(body, i); i < 0 {
			return nil
		}
	}
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index after the string starting at b[i] ('"'), or
// -1 when it does not end.
func skipString(b []byte, i int) int {
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return -1
}

// skipValue returns the index after the value starting at b[i], or -1.
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for ; i < len(b); i++ {
			switch b[i] {
			case '"':
				if i = skipString(b, i); i < 0 {
					return -1
				}
				i--
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
		}
		return -1
	}
	for ; i < len(b); i++ {
		switch b[i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return i
		}
	}
	return i
}
