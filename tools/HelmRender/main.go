// HelmRender renders a Helm chart's templates the way `helm template` does, for the tests of
// deploy/helm/tailship where no helm binary is available. It uses Go's text/template, the engine Helm itself
// runs, with the built-in objects and exactly the Sprig/Helm functions the chart's templates call, each with
// Helm's semantics. It is not Helm: no dependencies, no schema, no hooks, no lookup, no Capabilities beyond
// what is listed here. A template that calls any other function fails to parse, which is the point: the test
// then says which function to add here.
//
// Usage: HelmRender -chart DIR -values FILE.json [-name RELEASE] [-namespace NS]
//
// The values are JSON (the test converts values.yaml and its overrides). The output is every rendered
// template, each as `---\n# Source: CHART/templates/NAME\n` and its text, in file name order, documents that
// render to whitespace left out. A template error (a `fail` of validate.yaml, say) goes to stderr, exit 1.
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"text/template"
)

// Files is .Files: the chart's files outside templates/, by their path relative to the chart.
type Files map[string][]byte

// Get returns the file's text, or "" when the chart has no such file (as Helm's does).
func (f Files) Get(name string) string { return string(f[name]) }

func main() {
	chartDir := flag.String("chart", "", "the chart's directory")
	valuesFile := flag.String("values", "", "the values, as a JSON object")
	release := flag.String("name", "release-name", "the release's name")
	namespace := flag.String("namespace", "default", "the release's namespace")
	flag.Parse()
	if *chartDir == "" || *valuesFile == "" {
		fmt.Fprintln(os.Stderr, "usage: HelmRender -chart DIR -values FILE.json [-name RELEASE] [-namespace NS]")
		os.Exit(2)
	}

	out, err := render(*chartDir, *valuesFile, *release, *namespace)
	if err != nil {
		fmt.Fprintln(os.Stderr, "Error:", err)
		os.Exit(1)
	}
	os.Stdout.WriteString(out)
}

func render(chartDir, valuesFile, release, namespace string) (string, error) {
	chart, err := readChart(filepath.Join(chartDir, "Chart.yaml"))
	if err != nil {
		return "", err
	}
	values, err := readValues(valuesFile)
	if err != nil {
		return "", err
	}
	files, err := readFiles(chartDir)
	if err != nil {
		return "", err
	}

	name := chart["Name"].(string)
	root := template.New("gotpl")
	// Helm renders a missing key as empty (its "<no value>" is removed from the output below).
	root.Option("missingkey=zero")
	root.Funcs(funcs(root))

	entries, err := os.ReadDir(filepath.Join(chartDir, "templates"))
	if err != nil {
		return "", err
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() || !(strings.HasSuffix(e.Name(), ".yaml") || strings.HasSuffix(e.Name(), ".yml") || strings.HasSuffix(e.Name(), ".tpl") || strings.HasSuffix(e.Name(), ".txt")) {
			continue
		}
		text, err := os.ReadFile(filepath.Join(chartDir, "templates", e.Name()))
		if err != nil {
			return "", err
		}
		full := path.Join(name, "templates", e.Name())
		if _, err := root.New(full).Parse(string(text)); err != nil {
			return "", err
		}
		names = append(names, full)
	}
	sort.Strings(names)

	basePath := path.Join(name, "templates")
	var out strings.Builder
	for _, full := range names {
		// Partials (_helpers.tpl) only define templates; Helm does not output them.
		if strings.HasPrefix(path.Base(full), "_") {
			continue
		}
		data := map[string]interface{}{
			"Values":   values,
			"Chart":    chart,
			"Files":    files,
			"Release":  map[string]interface{}{"Name": release, "Namespace": namespace, "Service": "Helm", "IsInstall": true, "IsUpgrade": false, "Revision": 1},
			"Template": map[string]interface{}{"Name": full, "BasePath": basePath},
		}
		var buf bytes.Buffer
		if err := root.ExecuteTemplate(&buf, full, data); err != nil {
			return "", err
		}
		text := strings.TrimSpace(strings.ReplaceAll(buf.String(), "<no value>", ""))
		if text == "" {
			continue
		}
		fmt.Fprintf(&out, "---\n# Source: %s\n%s\n", full, text)
	}
	return out.String(), nil
}

// readChart reads the few top-level scalars of Chart.yaml the templates use, as .Chart's fields.
func readChart(file string) (map[string]interface{}, error) {
	text, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	chart := map[string]interface{}{}
	fields := map[string]string{"name": "Name", "version": "Version", "appVersion": "AppVersion", "description": "Description", "type": "Type", "kubeVersion": "KubeVersion", "apiVersion": "APIVersion"}
	for _, line := range strings.Split(string(text), "\n") {
		key, value, ok := strings.Cut(line, ":")
		field, known := fields[key]
		if !ok || !known {
			continue
		}
		value = strings.TrimSpace(value)
		if len(value) >= 2 && (value[0] == '"' || value[0] == '\'') && value[len(value)-1] == value[0] {
			value = value[1 : len(value)-1]
		}
		chart[field] = value
	}
	if chart["Name"] == nil || chart["Version"] == nil {
		return nil, fmt.Errorf("%s: no name or version", file)
	}
	return chart, nil
}

// readValues reads the values; numbers are float64, as Helm's values (read through JSON) are.
func readValues(file string) (map[string]interface{}, error) {
	text, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var values map[string]interface{}
	if err := json.Unmarshal(text, &values); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if values == nil {
		values = map[string]interface{}{}
	}
	return values, nil
}

func readFiles(chartDir string) (Files, error) {
	files := Files{}
	err := filepath.WalkDir(chartDir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(chartDir, p)
		if d.IsDir() {
			if rel == "templates" {
				return filepath.SkipDir
			}
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files[filepath.ToSlash(rel)] = data
		return nil
	})
	return files, err
}

// funcs are the functions the chart's templates call, with Helm's and Sprig's semantics.
func funcs(root *template.Template) template.FuncMap {
	return template.FuncMap{
		// Helm: renders a named template with the given data, as a string (so it can be piped).
		"include": func(name string, data interface{}) (string, error) {
			var buf bytes.Buffer
			if err := root.ExecuteTemplate(&buf, name, data); err != nil {
				return "", err
			}
			return buf.String(), nil
		},
		// Helm: YAML through JSON, keys sorted, no trailing newline; "" when it cannot be marshalled.
		"toYaml": func(v interface{}) string {
			s, err := toYaml(v)
			if err != nil {
				return ""
			}
			return strings.TrimSuffix(s, "\n")
		},
		"fail": func(msg string) (string, error) { return "", errors.New(msg) },
		"required": func(msg string, v interface{}) (interface{}, error) {
			if v == nil {
				return nil, errors.New(msg)
			}
			if s, ok := v.(string); ok && s == "" {
				return nil, errors.New(msg)
			}
			return v, nil
		},
		// Sprig: the default when the given value is empty (nil, "", 0, false, an empty list or map), or absent.
		"default": func(d interface{}, given ...interface{}) interface{} {
			if len(given) == 0 || empty(given[0]) {
				return d
			}
			return given[0]
		},
		"indent":  func(n int, s string) string { return indent(n, s) },
		"nindent": func(n int, s string) string { return "\n" + indent(n, s) },
		"quote": func(args ...interface{}) string {
			var out []string
			for _, a := range args {
				if a != nil {
					out = append(out, strconv.Quote(strval(a)))
				}
			}
			return strings.Join(out, " ")
		},
		// Sprig: the first c bytes; a negative c keeps the last -c.
		"trunc": func(c int, s string) string {
			if c < 0 && len(s)+c > 0 {
				return s[len(s)+c:]
			}
			if c >= 0 && len(s) > c {
				return s[:c]
			}
			return s
		},
		"trimSuffix": func(suffix, s string) string { return strings.TrimSuffix(s, suffix) },
		"contains":   func(substr, s string) bool { return strings.Contains(s, substr) },
		"replace":    func(old, new, s string) string { return strings.ReplaceAll(s, old, new) },
		"sha256sum": func(s string) string {
			sum := sha256.Sum256([]byte(s))
			return hex.EncodeToString(sum[:])
		},
		"list": func(v ...interface{}) []interface{} { return v },
		// Sprig: whether the list holds the value (deep equality).
		"has": func(needle interface{}, haystack interface{}) (bool, error) {
			if haystack == nil {
				return false, nil
			}
			h := reflect.ValueOf(haystack)
			if h.Kind() != reflect.Slice && h.Kind() != reflect.Array {
				return false, fmt.Errorf("cannot find has on type %s", h.Type())
			}
			for i := 0; i < h.Len(); i++ {
				if reflect.DeepEqual(needle, h.Index(i).Interface()) {
					return true, nil
				}
			}
			return false, nil
		},
		// Sprig: the lists, one after the other.
		"concat": func(lists ...interface{}) (interface{}, error) {
			var out []interface{}
			for _, l := range lists {
				if l == nil {
					continue
				}
				v := reflect.ValueOf(l)
				if v.Kind() != reflect.Slice && v.Kind() != reflect.Array {
					return nil, fmt.Errorf("cannot concat type %s as list", v.Type())
				}
				for i := 0; i < v.Len(); i++ {
					out = append(out, v.Index(i).Interface())
				}
			}
			return out, nil
		},
		"int": func(v interface{}) int { return int(toInt64(v)) },
		"add": func(v ...interface{}) int64 {
			var sum int64
			for _, x := range v {
				sum += toInt64(x)
			}
			return sum
		},
	}
}

func indent(n int, s string) string {
	pad := strings.Repeat(" ", n)
	return pad + strings.ReplaceAll(s, "\n", "\n"+pad)
}

// strval is Sprig's string conversion.
func strval(v interface{}) string {
	switch x := v.(type) {
	case string:
		return x
	case []byte:
		return string(x)
	case error:
		return x.Error()
	case fmt.Stringer:
		return x.String()
	default:
		return fmt.Sprintf("%v", v)
	}
}

// toInt64 is Sprig's (spf13/cast's) integer conversion: 0 for what does not convert.
func toInt64(v interface{}) int64 {
	switch x := v.(type) {
	case nil:
		return 0
	case bool:
		if x {
			return 1
		}
		return 0
	case string:
		i, err := strconv.ParseInt(strings.TrimSpace(x), 0, 64)
		if err != nil {
			return 0
		}
		return i
	}
	r := reflect.ValueOf(v)
	switch r.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return r.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return int64(r.Uint())
	case reflect.Float32, reflect.Float64:
		return int64(r.Float())
	}
	return 0
}

// empty is Sprig's emptiness: the zero value of its kind, or a collection without elements.
func empty(v interface{}) bool {
	if v == nil {
		return true
	}
	r := reflect.ValueOf(v)
	switch r.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return r.Len() == 0
	case reflect.Bool:
		return !r.Bool()
	case reflect.Complex64, reflect.Complex128:
		return r.Complex() == 0
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return r.Int() == 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return r.Uint() == 0
	case reflect.Float32, reflect.Float64:
		return r.Float() == 0
	case reflect.Interface, reflect.Pointer:
		return r.IsNil()
	}
	return false
}
