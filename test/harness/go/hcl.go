package main

import (
	"encoding/json"
	"io"

	"github.com/hashicorp/hcl"
)

// hcl2json decodes HCL v1 (or JSON, which HCL v1 accepts natively) with hcl.Decode — the same
// entry point SPIRE's config loader calls — and prints the generic result as JSON.
//
// Shape of the result when decoding into interface{} (callers must normalize):
//
//   - Attributes (`k = v`) become plain values; integers decode as int, floats as float64.
//   - Every block becomes a LIST of maps, because HCL v1 allows a block name to repeat and has no
//     schema to say it will not. Block labels nest as further single-key maps, each wrapped in a
//     list again:
//     plugins { NodeAttestor "join_token" { plugin_data {} } }
//     => {"plugins":[{"NodeAttestor":[{"join_token":[{"plugin_data":[{}]}]}]}]}
//   - A repeated block name appends to that list instead of overwriting.
//   - JSON input goes through HCL's JSON parser, which turns JSON objects into the same AST as
//     blocks, so JSON objects come back as lists of maps too (JSON arrays of objects are flattened
//     into one such list).
//
// SPIRE itself decodes into typed structs (and keeps `plugins` as a raw ast.Node), where the
// decoder unwraps these lists; generic callers see the raw shape above.
func hcl2json(in io.Reader, out io.Writer) error {
	src, err := io.ReadAll(in)
	if err != nil {
		return err
	}
	var v interface{}
	if err := hcl.Decode(&v, string(src)); err != nil {
		return err
	}
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false) // keep `<`, `>`, `&` readable; JSON.parse accepts either form
	return enc.Encode(v)
}

// hcl2jsonMany decodes many texts in one process (property tests parse hundreds of configs; a
// process each would dominate their run time). Input: a JSON array of strings. Output: a JSON
// array with, per text, {"ok": <decoded value>} or {"error": "<hcl.Decode error>"}.
func hcl2jsonMany(in io.Reader, out io.Writer) error {
	var texts []string
	if err := json.NewDecoder(in).Decode(&texts); err != nil {
		return err
	}
	results := make([]map[string]interface{}, len(texts))
	for i, text := range texts {
		var v interface{}
		if err := hcl.Decode(&v, text); err != nil {
			results[i] = map[string]interface{}{"error": err.Error()}
		} else {
			results[i] = map[string]interface{}{"ok": v}
		}
	}
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	return enc.Encode(results)
}
