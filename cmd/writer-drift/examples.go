package main

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"gopkg.in/yaml.v3"
)

// An example is documentation: one that does not match its schema (a typo in Writer's
// reference site) is a warning that names it, never a change of verdict. The extract leaves
// it out, so that openapi.yaml stays valid OpenAPI for the tests that validate it.

// badExample is an example that does not match its schema.
type badExample struct {
	pointer []string // the path of keys to it from the document's root
	reason  string
}

// warning is the report line of e, in the document where.
func (e badExample) warning(where string) string {
	reason, _, _ := strings.Cut(e.reason, "\n")
	if len(reason) > 200 {
		reason = reason[:200] + "..."
	}
	return fmt.Sprintf("writer-drift: WARNING: the example at %s of %s does not match its schema (%s); it is left out",
		jsonPointer(e.pointer), shown(where), strconv.Quote(reason))
}

// jsonPointer writes keys as a JSON pointer fragment (RFC 6901): #/paths/~1v1~1files/...
func jsonPointer(keys []string) string {
	var b strings.Builder
	b.WriteString("#")
	for _, k := range keys {
		b.WriteString("/")
		b.WriteString(strings.NewReplacer("~", "~0", "/", "~1").Replace(k))
	}
	return b.String()
}

// badExamples lists the examples of doc that do not match their schema: those of the
// parameters, request bodies and responses of every operation, and those of the schemas of
// components and their properties.
func badExamples(doc *openapi3.T) []badExample {
	var out []badExample
	check := func(ptr []string, value any, schema *openapi3.SchemaRef, as openapi3.SchemaValidationOption) {
		if value == nil || schema == nil || schema.Value == nil {
			return
		}
		if err := schema.Value.VisitJSON(value, openapi3.MultiErrors(), as); err != nil {
			out = append(out, badExample{pointer: slices.Clone(ptr), reason: err.Error()})
		}
	}
	media := func(ptr []string, content openapi3.Content, as openapi3.SchemaValidationOption) {
		for _, mime := range slices.Sorted(maps.Keys(content)) {
			mt := content[mime]
			p := append(slices.Clone(ptr), "content", mime)
			check(append(p, "example"), mt.Example, mt.Schema, as)
			for _, name := range slices.Sorted(maps.Keys(mt.Examples)) {
				if ex := mt.Examples[name]; ex != nil && ex.Ref == "" && ex.Value != nil {
					check(append(slices.Clone(p), "examples", name), ex.Value.Value, mt.Schema, as)
				}
			}
		}
	}
	for _, path := range slices.Sorted(maps.Keys(doc.Paths.Map())) {
		item := doc.Paths.Value(path)
		for _, method := range slices.Sorted(maps.Keys(item.Operations())) {
			op := item.Operations()[method]
			ptr := []string{"paths", path, strings.ToLower(method)}
			for i, p := range op.Parameters {
				if p.Ref == "" && p.Value != nil {
					check(append(slices.Clone(ptr), "parameters", strconv.Itoa(i), "example"), p.Value.Example, p.Value.Schema, openapi3.VisitAsRequest())
				}
			}
			if op.RequestBody != nil && op.RequestBody.Ref == "" && op.RequestBody.Value != nil {
				media(append(slices.Clone(ptr), "requestBody"), op.RequestBody.Value.Content, openapi3.VisitAsRequest())
			}
			for status, resp := range op.Responses.Map() {
				if resp.Ref == "" && resp.Value != nil {
					media(append(slices.Clone(ptr), "responses", status), resp.Value.Content, openapi3.VisitAsResponse())
				}
			}
		}
	}
	for _, name := range slices.Sorted(maps.Keys(doc.Components.Schemas)) {
		s := doc.Components.Schemas[name]
		if s.Value == nil {
			continue
		}
		ptr := []string{"components", "schemas", name}
		check(append(slices.Clone(ptr), "example"), s.Value.Example, s, openapi3.VisitAsResponse())
		for _, prop := range slices.Sorted(maps.Keys(s.Value.Properties)) {
			if p := s.Value.Properties[prop]; p.Ref == "" {
				check(append(slices.Clone(ptr), "properties", prop, "example"), p.Value.Example, p, openapi3.VisitAsResponse())
			}
		}
	}
	slices.SortFunc(out, func(a, b badExample) int { return strings.Compare(jsonPointer(a.pointer), jsonPointer(b.pointer)) })
	return out
}

// remove deletes the node at keys from the YAML document root (a mapping), if it is there;
// an "examples" mapping left empty goes too.
func remove(root *yaml.Node, keys []string) {
	parents := []*yaml.Node{root}
	n := root
	for _, k := range keys[:len(keys)-1] {
		if n = child(n, k); n == nil {
			return
		}
		parents = append(parents, n)
	}
	last := keys[len(keys)-1]
	for i := 0; n.Kind == yaml.MappingNode && i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == last {
			n.Content = append(n.Content[:i], n.Content[i+2:]...)
			break
		}
	}
	if len(keys) >= 2 && keys[len(keys)-2] == "examples" && len(n.Content) == 0 {
		remove(root, keys[:len(keys)-1])
	}
}

// child is the value of key k in a mapping, or element k of a sequence.
func child(n *yaml.Node, k string) *yaml.Node {
	if n.Kind == yaml.SequenceNode {
		if i, err := strconv.Atoi(k); err == nil && i >= 0 && i < len(n.Content) {
			return n.Content[i]
		}
		return nil
	}
	return get(n, k)
}
