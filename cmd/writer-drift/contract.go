package main

import (
	"strings"

	"gopkg.in/yaml.v3"
)

// What a drift check compares is the contract of the File API: its operations, parameters,
// request bodies, responses, schemas and security. Descriptions, summaries, examples and x-
// extensions (what Writer's reference site adds to its copy of the document) are documentation:
// contractOnly removes them from both sides before the comparison, so that they never change a
// verdict.

// nameMaps are the keys whose value maps names (paths, properties, status codes, media types,
// ...) to objects: their keys are names, never keywords to remove.
var nameMaps = map[string]bool{
	"paths": true, "properties": true, "patternProperties": true, "schemas": true, "responses": true,
	"parameters": true, "requestBodies": true, "headers": true, "securitySchemes": true, "links": true,
	"callbacks": true, "content": true, "encoding": true, "variables": true, "scopes": true, "mapping": true,
}

// dataKeys hold values, not objects of the document: nothing under them is a keyword.
var dataKeys = map[string]bool{"enum": true, "default": true, "const": true, "required": true}

// contractOnly removes, in place, every description, summary, example, examples and x-
// extension of the document node n (a mapping).
func contractOnly(n *yaml.Node) { stripDocs(n, false) }

// stripDocs removes the documentation keywords of n; names says n's keys are names.
func stripDocs(n *yaml.Node, names bool) {
	switch n.Kind {
	case yaml.SequenceNode:
		for _, c := range n.Content {
			stripDocs(c, false)
		}
	case yaml.MappingNode:
		kept := n.Content[:0]
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, value := n.Content[i], n.Content[i+1]
			switch k := key.Value; {
			case names:
				stripDocs(value, false)
			case k == "description" || k == "summary" || k == "example" || k == "examples" || strings.HasPrefix(k, "x-"):
				continue
			case dataKeys[k]:
			default:
				stripDocs(value, nameMaps[k])
			}
			kept = append(kept, key, value)
		}
		n.Content = kept
	}
}
