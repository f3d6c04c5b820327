package main

import (
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// The File API that writer-go wraps, as one selection that the extract (-sync) and the
// comparison both apply: every operation under filesPrefix, plus the Knowledge Graph
// operations that files need, by operationId. Other operations on the same paths (createGraph,
// updateGraph, deleteGraph) are not taken.
const filesPrefix = "/v1/files"

// graphOperations are the operationIds taken from outside filesPrefix.
var graphOperations = []string{"findGraphWithFileStatus", "findGraphsWithFileStatus", "addFileToGraph", "removeFileFromGraph"}

// scope names the selection in messages.
const scope = "the File API: the paths under " + filesPrefix +
	" and findGraphWithFileStatus, findGraphsWithFileStatus, addFileToGraph, removeFileFromGraph"

// httpMethods are the keys of a Path Item that hold an operation.
var httpMethods = map[string]bool{
	"get": true, "put": true, "post": true, "delete": true, "options": true, "head": true, "patch": true, "trace": true,
}

// underFiles reports whether path is filesPrefix or below it.
func underFiles(path string) bool {
	return path == filesPrefix || strings.HasPrefix(path, filesPrefix+"/")
}

// isGraphOperation reports whether operationID is one of graphOperations.
func isGraphOperation(operationID string) bool { return slices.Contains(graphOperations, operationID) }

// selectPaths returns the selected part of a Paths Object, in its order: a path under
// filesPrefix whole, any other path with its selected operations only (and the keys of the
// Path Item that are not operations, such as its parameters), or not at all when it has none.
func selectPaths(paths *yaml.Node) *yaml.Node {
	kept := mapping()
	for i := 0; i+1 < len(paths.Content); i += 2 {
		path, item := paths.Content[i], paths.Content[i+1]
		if underFiles(path.Value) {
			kept.Content = append(kept.Content, path, item)
			continue
		}
		if item.Kind != yaml.MappingNode {
			continue
		}
		part := &yaml.Node{Kind: yaml.MappingNode, Tag: item.Tag, Style: item.Style}
		ops := 0
		for j := 0; j+1 < len(item.Content); j += 2 {
			key, value := item.Content[j], item.Content[j+1]
			switch {
			case !httpMethods[key.Value]:
				part.Content = append(part.Content, key, value)
			case isGraphOperation(scalarValue(get(value, "operationId"))):
				part.Content = append(part.Content, key, value)
				ops++
			}
		}
		if ops > 0 {
			kept.Content = append(kept.Content, path, part)
		}
	}
	return kept
}

// scalarValue is the value of a scalar node, or "".
func scalarValue(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}
