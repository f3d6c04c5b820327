package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"gopkg.in/yaml.v3"
)

// errorSchema is the error body every endpoint uses; no operation references it, so it is
// kept by name.
const errorSchema = "fail_response"

const header = "Writer's File API, extracted by `make spec-sync` from Writer's published OpenAPI document.\n" +
	"Do not edit by hand: run `make spec-sync UPSTREAM=<file>` and commit the result."

// syncSpec writes the File API of Writer's document at in (a file or an http(s) URL) to out:
// in upstream order, the operations of scope (selection.go), the security schemes they use,
// the schemas they reference (transitively) and the shared error body, each copied node for
// node. The same input always gives the same bytes.
//
// It returns the warnings of the examples it left out (badExamples).
func syncSpec(r reader, in, out string) ([]string, error) {
	src, err := r.read(in)
	if err != nil {
		return nil, err
	}
	node, bad, err := extractNode(src)
	if err != nil {
		return nil, &inputError{fmt.Sprintf("cannot take the File API from %s: %v", shown(in), err)}
	}
	doc, err := encode(node)
	if err != nil {
		return nil, err
	}
	// openapi.yaml is a source file of the module: readable by all, like the rest of it.
	// An existing file keeps its mode.
	if err := os.WriteFile(out, doc, 0o644); err != nil { //nolint:gosec // G306: 0644 is the mode of a committed source file
		return nil, fmt.Errorf("cannot write %s: %w", out, err)
	}
	return warnings(bad, in), nil
}

// warnings are the report lines of bad, examples of the document where.
func warnings(bad []badExample, where string) []string {
	var out []string
	for _, b := range bad {
		out = append(out, b.warning(where))
	}
	return out
}

// errNotOpenAPI is the error of extract for a document that is not a YAML or JSON mapping.
var errNotOpenAPI = errors.New("not an OpenAPI document")

// extract returns the File API part (scope) of an OpenAPI document, YAML or JSON, as YAML,
// without the examples that do not match their schema.
func extract(src []byte) ([]byte, error) {
	node, _, err := extractNode(src)
	if err != nil {
		return nil, err
	}
	return encode(node)
}

// extractNode returns the File API part (scope) of an OpenAPI document, YAML or JSON, as a
// YAML document node, and the examples it left out because they do not match their schema.
func extractNode(src []byte) (*yaml.Node, []badExample, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(src, &root); err != nil {
		return nil, nil, fmt.Errorf("%w: parse upstream document: %w", errNotOpenAPI, err)
	}
	if root.Kind != yaml.DocumentNode || len(root.Content) != 1 || root.Content[0].Kind != yaml.MappingNode {
		return nil, nil, fmt.Errorf("%w: upstream document is not a YAML mapping", errNotOpenAPI)
	}
	top := root.Content[0]
	if err := checkVersion(scalarValue(get(top, "openapi"))); err != nil {
		return nil, nil, err
	}
	paths := get(top, "paths")
	components := get(top, "components")
	if paths == nil || components == nil {
		return nil, nil, errors.New("upstream document has no paths or no components")
	}
	schemas := get(components, "schemas")
	schemes := get(components, "securitySchemes")

	keptPaths := selectPaths(paths)
	if len(keptPaths.Content) == 0 {
		return nil, nil, fmt.Errorf("upstream document has none of %s", scope)
	}

	wanted := map[string]bool{errorSchema: true}
	collectRefs(keptPaths, wanted)
	for changed := true; changed; {
		changed = false
		for name := range wanted {
			n := len(wanted)
			collectRefs(get(schemas, name), wanted)
			changed = changed || len(wanted) != n
		}
	}
	keptSchemas := mapping()
	for i := 0; schemas != nil && i+1 < len(schemas.Content); i += 2 {
		if wanted[schemas.Content[i].Value] {
			keptSchemas.Content = append(keptSchemas.Content, schemas.Content[i], schemas.Content[i+1])
			delete(wanted, schemas.Content[i].Value)
		}
	}
	if len(wanted) > 0 {
		return nil, nil, fmt.Errorf("schemas referenced but not defined upstream: %v", keys(wanted))
	}

	usedSchemes := map[string]bool{}
	collectSecurity(get(top, "security"), usedSchemes)
	collectSecurity(keptPaths, usedSchemes)
	keptSchemes := mapping()
	for i := 0; schemes != nil && i+1 < len(schemes.Content); i += 2 {
		if usedSchemes[schemes.Content[i].Value] {
			keptSchemes.Content = append(keptSchemes.Content, schemes.Content[i], schemes.Content[i+1])
		}
	}

	out := mapping()
	out.HeadComment = header
	for _, k := range []string{"openapi", "info", "servers", "security"} {
		if v := get(top, k); v != nil {
			out.Content = append(out.Content, scalar(k), v)
		}
	}
	comps := mapping()
	if len(keptSchemes.Content) > 0 {
		comps.Content = append(comps.Content, scalar("securitySchemes"), keptSchemes)
	}
	comps.Content = append(comps.Content, scalar("schemas"), keptSchemas)
	out.Content = append(out.Content, scalar("paths"), keptPaths, scalar("components"), comps)
	if bytes.HasPrefix(bytes.TrimLeft(src, " \t\r\n"), []byte("{")) { // JSON
		blockStyle(out)
	}
	doc := &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{out}}

	text, err := encode(doc)
	if err != nil {
		return nil, nil, err
	}
	var bad []badExample
	if parsed, perr := openapi3.NewLoader().LoadFromData(text); perr == nil { // else the caller's parse says why
		bad = badExamples(parsed)
	}
	for _, b := range bad {
		remove(out, b.pointer)
	}
	return doc, bad, nil
}

// encode writes a YAML document node as YAML, indented by 2.
func encode(doc *yaml.Node) ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("write document: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("write document: %w", err)
	}
	return buf.Bytes(), nil
}

// blockStyle gives the nodes of a document read from JSON the style of YAML: block mappings
// and sequences, and scalars quoted only where YAML needs it.
func blockStyle(n *yaml.Node) {
	n.Style = 0
	for _, c := range n.Content {
		blockStyle(c)
	}
}

// supportedVersion matches the OpenAPI versions that kin-openapi and oasdiff (the comparison)
// and oapi-codegen v2.8.2 (the generator) read: 3.0.x and 3.1.x.
var supportedVersion = regexp.MustCompile(`^3\.[01]\.[0-9]+$`)

// checkVersion refuses a document whose "openapi" field is not a supported version.
func checkVersion(version string) error {
	if version == "" {
		return errors.New(`the document has no "openapi" version field (a Swagger 2.0 document is not read): the supported versions are 3.0.x and 3.1.x`)
	}
	if !supportedVersion.MatchString(version) {
		return fmt.Errorf("OpenAPI version %s is not supported: the supported versions are 3.0.x and 3.1.x", strconv.Quote(version))
	}
	return nil
}

// collectRefs adds the name of every '#/components/schemas/' reference below n to names.
func collectRefs(n *yaml.Node, names map[string]bool) {
	if n == nil {
		return
	}
	const prefix = "#/components/schemas/"
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == "$ref" && strings.HasPrefix(n.Content[i+1].Value, prefix) {
				names[strings.TrimPrefix(n.Content[i+1].Value, prefix)] = true
			}
		}
	}
	for _, c := range n.Content {
		collectRefs(c, names)
	}
}

// collectSecurity adds the scheme names of every security requirement below n to names.
func collectSecurity(n *yaml.Node, names map[string]bool) {
	if n == nil {
		return
	}
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == "security" {
				collectSecurity(n.Content[i+1], names)
			}
		}
	}
	if n.Kind == yaml.SequenceNode {
		for _, req := range n.Content {
			for i := 0; req.Kind == yaml.MappingNode && i+1 < len(req.Content); i += 2 {
				names[req.Content[i].Value] = true
			}
		}
		return
	}
	for _, c := range n.Content {
		collectSecurity(c, names)
	}
}

func get(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func mapping() *yaml.Node { return &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"} }

func scalar(v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v} }

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
