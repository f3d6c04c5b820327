package writer

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"

	"github.com/writerfiles/writer-go/api"
)

// A shape lists the properties that the generated types declare for the objects of a JSON
// answer by nesting depth: shape[0] for the top-level object, shape[d] for the objects d
// arrays or objects down; nil where no object is checked.
type shape [][]string

// The shapes of file_response and files_response, from the generated types' json tags.
var (
	fileShape  = shape{jsonNames(reflect.TypeFor[api.FileResponse]())}
	filesShape = shape{jsonNames(reflect.TypeFor[api.FilesResponse]()), nil, fileShape[0]}
)

// jsonNames returns the property names of struct type t's json tags.
func jsonNames(t reflect.Type) []string {
	names := make([]string, 0, t.NumField())
	for i := range t.NumField() {
		if name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ","); name != "" && name != "-" {
			names = append(names, name)
		}
	}
	return names
}

// decodeShaped decodes the answer into v as decode does. When the body holds a property
// that s does not declare, it also returns the body, from which extraOf takes those
// properties; otherwise it returns nil, and the body was decoded once.
func (r *reply) decodeShaped(v any, s shape) ([]byte, error) {
	body, err := r.decodeBody(v)
	if err != nil || !s.undeclared(body) {
		return nil, err
	}
	return body, nil
}

// undeclared reports whether body, valid JSON, has a key that s does not declare in an
// object that s checks. Keys match without regard to case, as encoding/json matches them;
// an escaped key counts as undeclared.
func (s shape) undeclared(body []byte) bool {
	depth := 0
	for i := 0; i < len(body); i++ {
		switch body[i] {
		case '{', '[':
			depth++
		case '}', ']':
			depth--
		case '"':
			end := stringEnd(body, i+1)
			key := body[i+1 : end]
			i = end
			next := end + 1
			for next < len(body) && (body[next] == ' ' || body[next] == '\t' || body[next] == '\n' || body[next] == '\r') {
				next++
			}
			if next == len(body) || body[next] != ':' || depth == 0 || depth > len(s) || s[depth-1] == nil {
				continue
			}
			if bytes.IndexByte(key, '\\') >= 0 || !declared(string(key), s[depth-1]) {
				return true
			}
		}
	}
	return false
}

// stringEnd returns the index of the quote that ends the JSON string whose text starts at
// body[from], or len(body).
func stringEnd(body []byte, from int) int {
	for i := from; ; i++ {
		q := bytes.IndexByte(body[i:], '"')
		if q < 0 {
			return len(body)
		}
		i += q
		escapes := 0
		for body[i-1-escapes] == '\\' {
			escapes++
		}
		if escapes%2 == 0 {
			return i
		}
	}
}

// declared reports whether name is one of names, without regard to case.
func declared(name string, names []string) bool {
	for _, n := range names {
		if n == name || strings.EqualFold(n, name) {
			return true
		}
	}
	return false
}

// extraOf returns the properties of the JSON object obj that are not in names (without
// regard to case), or nil when there are none.
func extraOf(obj []byte, names []string) map[string]json.RawMessage {
	var all map[string]json.RawMessage
	if json.Unmarshal(obj, &all) != nil {
		return nil
	}
	for name := range all {
		if declared(name, names) {
			delete(all, name)
		}
	}
	if len(all) == 0 {
		return nil
	}
	return all
}

// filesExtra sets the Extra of page and of its files from body, the files_response that
// page was converted from.
func filesExtra(page *Page, body []byte) {
	page.Extra = extraOf(body, filesShape[0])
	var out struct {
		Data []json.RawMessage `json:"data"`
	}
	if json.Unmarshal(body, &out) != nil || len(out.Data) != len(page.Files) {
		return
	}
	for i, f := range out.Data {
		page.Files[i].Extra = extraOf(f, fileShape[0])
	}
}
