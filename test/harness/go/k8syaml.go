package main

import (
	"encoding/json"
	"io"

	"sigs.k8s.io/yaml"
)

// yaml2jsonMany reads YAML documents the way Kubernetes does (sigs.k8s.io/yaml: go-yaml, then
// JSON), so tests judge rendered manifests by the reader that will consume them rather than by a
// JS library whose YAML 1.1 rules differ in corners (it reads a plain `.` as NaN). Input: a JSON
// array of single-document texts. Output: a JSON array with, per text, {"ok": <value>} or
// {"error": "<message>"}.
func yaml2jsonMany(in io.Reader, out io.Writer) error {
	var texts []string
	if err := json.NewDecoder(in).Decode(&texts); err != nil {
		return err
	}
	results := make([]map[string]interface{}, len(texts))
	for i, text := range texts {
		j, err := yaml.YAMLToJSON([]byte(text))
		if err != nil {
			results[i] = map[string]interface{}{"error": err.Error()}
		} else {
			results[i] = map[string]interface{}{"ok": json.RawMessage(j)}
		}
	}
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	return enc.Encode(results)
}
