package main

// A minimal re-implementation of `helm template` for one chart without subcharts, following
// helm.sh/helm/v3 pkg/engine (engine.go, funcs.go), pkg/chartutil (coalesce.go, values.go) and
// pkg/releaseutil (manifest.go). Deliberate simplifications: no subcharts/dependencies, no
// `lookup`/`toToml`/`.Files.Glob`, no schema validation, and documents are emitted in template
// path order instead of Helm's kind-based install order (hooks are not separated out either).

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig"
	"sigs.k8s.io/yaml"
)

// notesMarker is the line printed between the manifests and the rendered NOTES.txt (--notes).
const notesMarker = "---NOTES---"

// Helm wraps required/fail messages in these delimiters so it can strip Go's error prefix later.
const errStart, errEnd = "HELM_ERR_START", "HELM_ERR_END"

// chartMeta mirrors the Chart.yaml fields templates commonly read; Helm exposes *chart.Metadata,
// so templates use capitalized field names (.Chart.Name, .Chart.AppVersion).
type chartMeta struct {
	APIVersion  string `json:"apiVersion"`
	Name        string `json:"name"`
	Version     string `json:"version"`
	AppVersion  string `json:"appVersion"`
	Description string `json:"description"`
	Type        string `json:"type"`
}

type kubeVersion struct{ Version, Major, Minor string }

func (k kubeVersion) String() string     { return k.Version }
func (k kubeVersion) GitVersion() string { return k.Version }

// versionSet mirrors chartutil.VersionSet; Has is what charts call for API feature checks.
type versionSet []string

func (v versionSet) Has(apiVersion string) bool {
	for _, x := range v {
		if x == apiVersion {
			return true
		}
	}
	return false
}

type capabilities struct {
	KubeVersion kubeVersion
	APIVersions versionSet
	HelmVersion struct{ Version string }
}

// files mirrors the subset of Helm's .Files we support: non-template chart files by path.
type files map[string][]byte

func (f files) Get(name string) string { return string(f[name]) }

func helmTemplate(args []string, out io.Writer) error {
	fl := flag.NewFlagSet("helm-template", flag.ContinueOnError)
	chartDir := fl.String("chart", "", "chart directory")
	valuesFile := fl.String("values", "", "user values file (YAML or JSON)")
	relName := fl.String("release-name", "release-name", "release name") // helm template's default
	relNS := fl.String("release-namespace", "default", "release namespace")
	notes := fl.Bool("notes", false, "print rendered NOTES.txt after a "+notesMarker+" line")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if *chartDir == "" {
		return errors.New("helm-template: --chart is required")
	}

	var meta chartMeta
	if err := readYAML(filepath.Join(*chartDir, "Chart.yaml"), &meta, false); err != nil {
		return err
	}
	if meta.Name == "" {
		return errors.New("Chart.yaml: name is required")
	}
	defaults := map[string]interface{}{}
	if err := readYAML(filepath.Join(*chartDir, "values.yaml"), &defaults, true); err != nil {
		return err
	}
	user := map[string]interface{}{}
	if *valuesFile != "" {
		if err := readYAML(*valuesFile, &user, false); err != nil {
			return err
		}
	}
	values := coalesce(user, defaults)

	// Template names are "<chart>/templates/<rel>" exactly as in Helm, so error messages,
	// .Template.Name and `# Source:` lines match real Helm output.
	tpls := map[string]string{}
	chartFiles := files{}
	err := filepath.WalkDir(*chartDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(*chartDir, p)
		rel = filepath.ToSlash(rel)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if strings.HasPrefix(rel, "templates/") {
			tpls[meta.Name+"/"+rel] = string(b)
		} else if rel != "Chart.yaml" && rel != "values.yaml" {
			chartFiles[rel] = b
		}
		return nil
	})
	if err != nil {
		return err
	}

	top := map[string]interface{}{
		"Values": values,
		"Release": map[string]interface{}{
			"Name": *relName, "Namespace": *relNS, "Service": "Helm",
			"IsInstall": true, "IsUpgrade": false, "Revision": 1,
		},
		"Chart": &meta,
		"Capabilities": &capabilities{
			KubeVersion: kubeVersion{"v1.30.0", "1", "30"},
			APIVersions: defaultAPIVersions,
			HelmVersion: struct{ Version string }{"v3.16.0"},
		},
		"Files": chartFiles,
	}
	rendered, err := render(tpls, top, meta.Name+"/templates")
	if err != nil {
		return err
	}

	names := make([]string, 0, len(rendered))
	for n := range rendered {
		names = append(names, n)
	}
	sort.Strings(names)
	// Buffer so a late failure leaves stdout empty rather than holding half a render.
	var buf strings.Builder
	var notesText string
	for _, n := range names {
		if path.Base(n) == "NOTES.txt" {
			// Helm renders NOTES.txt (so its errors fail the render) but never emits it as a manifest.
			notesText = rendered[n]
			continue
		}
		for _, doc := range splitManifests(rendered[n]) {
			// Helm parses each document's head and fails on invalid YAML; do the same so template
			// bugs that break YAML are caught here rather than by a cluster.
			var head interface{}
			if err := yaml.Unmarshal([]byte(doc), &head); err != nil {
				return fmt.Errorf("YAML parse error on %s: %v", n, err)
			}
			fmt.Fprintf(&buf, "---\n# Source: %s\n%s\n", n, doc)
		}
	}
	if *notes {
		fmt.Fprintf(&buf, "%s\n%s", notesMarker, notesText)
	}
	_, err = io.WriteString(out, buf.String())
	return err
}

// readYAML unmarshals a YAML/JSON file; a missing file is an error unless optional.
func readYAML(p string, into interface{}, optional bool) error {
	b, err := os.ReadFile(p)
	if err != nil {
		if optional && errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return err
	}
	if err := yaml.Unmarshal(b, into); err != nil {
		return fmt.Errorf("%s: %v", p, err)
	}
	return nil
}

// coalesce merges chart defaults under user values with Helm's coalesce semantics
// (chartutil.coalesceTablesFullKey): maps merge recursively, any user non-map value (scalar or
// list) replaces the default, and a user null deletes the key so templates see it as unset.
func coalesce(user, defaults map[string]interface{}) map[string]interface{} {
	for k, dv := range defaults {
		uv, ok := user[k]
		switch {
		case !ok:
			user[k] = dv
		case uv == nil:
			delete(user, k)
		default:
			um, uIsMap := uv.(map[string]interface{})
			dm, dIsMap := dv.(map[string]interface{})
			if uIsMap && dIsMap {
				coalesce(um, dm)
			}
		}
	}
	return user
}

// sepRe/splitManifests copy releaseutil.SplitManifests: split on `---` lines, trim, drop empties.
var sepRe = regexp.MustCompile(`(?:^|\s*\n)---\s*`)

func splitManifests(s string) []string {
	var docs []string
	for _, d := range sepRe.Split(strings.TrimSpace(s), -1) {
		if d = strings.TrimSpace(d); d != "" {
			docs = append(docs, d)
		}
	}
	return docs
}

// render parses all templates into one set (so defines are shared) and executes each
// non-partial one, like engine.render.
func render(tpls map[string]string, top map[string]interface{}, basePath string) (map[string]string, error) {
	t := template.New("gotpl")
	// Helm's non-strict mode: missing map keys yield zero values; the "<no value>" text Go still
	// prints for nil interfaces is stripped after execution, as Helm does.
	t.Option("missingkey=zero")
	t.Funcs(funcMap())
	bindFuncs(t, new(int))

	// Helm parses deeper paths first, then reverse-lexically (sortTemplates/byPathLen); the order
	// decides which duplicate `define` wins, so keep it.
	keys := make([]string, 0, len(tpls))
	for k := range tpls {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		ci, cj := strings.Count(keys[i], "/"), strings.Count(keys[j], "/")
		if ci != cj {
			return ci > cj
		}
		return keys[i] > keys[j]
	})
	for _, k := range keys {
		if _, err := t.New(k).Parse(tpls[k]); err != nil {
			return nil, fmt.Errorf("parse error in %q: %v", k, err)
		}
	}

	out := map[string]string{}
	for _, k := range keys {
		if strings.HasPrefix(path.Base(k), "_") {
			continue // partials only provide defines
		}
		top["Template"] = map[string]interface{}{"Name": k, "BasePath": basePath}
		var buf strings.Builder
		if err := t.ExecuteTemplate(&buf, k, top); err != nil {
			return nil, cleanupExecError(k, err)
		}
		out[k] = strings.ReplaceAll(buf.String(), "<no value>", "")
	}
	return out, nil
}

// bindFuncs installs the functions that must close over a template set: include (renders a
// define into a string so it can be piped, e.g. into nindent) and tpl (renders a string as a
// template with access to all defines). depth guards runaway include recursion, as Helm does.
func bindFuncs(t *template.Template, depth *int) {
	t.Funcs(template.FuncMap{
		"include": func(name string, data interface{}) (string, error) {
			if *depth > 1000 {
				return "", fmt.Errorf("rendering template has a nested reference name: %s", name)
			}
			*depth++
			defer func() { *depth-- }()
			var buf strings.Builder
			err := t.ExecuteTemplate(&buf, name, data)
			return buf.String(), err
		},
		"tpl": func(text string, vals map[string]interface{}) (string, error) {
			// Clone so defines inside `text` don't leak into the main set, and rebind include/tpl
			// to the clone so such defines are visible within the tpl call.
			c, err := t.Clone()
			if err != nil {
				return "", err
			}
			bindFuncs(c, depth)
			name, _ := vals["Template"].(map[string]interface{})["Name"].(string)
			if _, err := c.New(name).Parse(text); err != nil {
				return "", fmt.Errorf("cannot parse template %q: %v", text, err)
			}
			var buf strings.Builder
			if err := c.ExecuteTemplate(&buf, name, vals); err != nil {
				return "", err
			}
			return strings.ReplaceAll(buf.String(), "<no value>", ""), nil
		},
	})
}

// funcMap is sprig's text functions plus Helm's additions (pkg/engine/funcs.go).
func funcMap() template.FuncMap {
	f := sprig.TxtFuncMap()
	// Helm removes these so rendering cannot depend on the machine's environment.
	delete(f, "env")
	delete(f, "expandenv")
	f["toYaml"] = func(v interface{}) string {
		b, err := yaml.Marshal(v)
		if err != nil {
			return "" // Helm swallows marshal errors inside templates
		}
		return strings.TrimSuffix(string(b), "\n")
	}
	f["fromYaml"] = func(s string) map[string]interface{} {
		m := map[string]interface{}{}
		if err := yaml.Unmarshal([]byte(s), &m); err != nil {
			m["Error"] = err.Error()
		}
		return m
	}
	f["toJson"] = func(v interface{}) string {
		b, err := json.Marshal(v) // json.Marshal's HTML escaping (\u003c) matches Helm
		if err != nil {
			return ""
		}
		return string(b)
	}
	f["fromJson"] = func(s string) map[string]interface{} {
		m := map[string]interface{}{}
		if err := json.Unmarshal([]byte(s), &m); err != nil {
			m["Error"] = err.Error()
		}
		return m
	}
	f["required"] = func(msg string, v interface{}) (interface{}, error) {
		if s, ok := v.(string); v == nil || (ok && s == "") {
			return v, errors.New(errStart + msg + errEnd)
		}
		return v, nil
	}
	f["fail"] = func(msg string) (string, error) { return "", errors.New(errStart + msg + errEnd) }
	// Placeholders so parsing succeeds; bindFuncs replaces them per template set.
	f["include"] = func(string, interface{}) (string, error) { return "", nil }
	f["tpl"] = func(string, map[string]interface{}) (string, error) { return "", nil }
	return f
}

// cleanupExecError turns Go's verbose exec error into Helm's
// "execution error at (<file>:<line>:<col>): <msg>" for required/fail.
func cleanupExecError(name string, err error) error {
	s := err.Error()
	i, j := strings.Index(s, errStart), strings.Index(s, errEnd)
	parts := strings.SplitN(s, ": ", 3)
	if i < 0 || j < i || len(parts) < 3 {
		return fmt.Errorf("render error in %q: %v", name, err)
	}
	return fmt.Errorf("execution error at (%s): %s", parts[1], s[i+len(errStart):j])
}

// defaultAPIVersions approximates a stock v1.30 cluster for .Capabilities.APIVersions.Has.
var defaultAPIVersions = versionSet{"v1", "apps/v1", "batch/v1", "policy/v1", "autoscaling/v2",
	"networking.k8s.io/v1", "rbac.authorization.k8s.io/v1", "apiextensions.k8s.io/v1",
	"admissionregistration.k8s.io/v1", "coordination.k8s.io/v1", "storage.k8s.io/v1",
	"apps/v1/Deployment", "apps/v1/DaemonSet", "apps/v1/StatefulSet", "batch/v1/Job",
	"v1/ConfigMap", "v1/Secret", "v1/Service", "v1/ServiceAccount", "policy/v1/PodDisruptionBudget"}
