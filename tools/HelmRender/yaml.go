package main

import (
	"bytes"
	"encoding/json"
	"sort"
	"strconv"
	"strings"
)

// toYaml writes v as YAML the way Helm's toYaml does: through JSON (so what JSON omits or renames is omitted
// or renamed), maps in block style with their keys sorted, sequences not indented under their key (go-yaml's
// style), strings plain unless they would read back as something else, then double-quoted; multi-line
// strings as literal blocks when that keeps them exactly, double-quoted otherwise.
func toYaml(v interface{}) (string, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var tree interface{}
	if err := dec.Decode(&tree); err != nil {
		return "", err
	}
	ind := 0
	if _, ok := tree.(string); ok {
		ind = 2 // a top-level literal block's lines: indented, or they would end it
	}
	inline, block := node(tree, ind)
	if inline != "" {
		return inline + "\n" + block, nil
	}
	return block, nil
}

// node renders v for a place indented by ind (a literal block's lines are indented by ind): either an inline scalar (with, for a literal block, its
// lines in block), or, for a non-empty map or list, only block: its lines, each indented by ind.
func node(v interface{}, ind int) (inline string, block string) {
	pad := strings.Repeat(" ", ind)
	switch x := v.(type) {
	case nil:
		return "null", ""
	case bool:
		if x {
			return "true", ""
		}
		return "false", ""
	case json.Number:
		return x.String(), ""
	case string:
		return str(x, pad)
	case map[string]interface{}:
		if len(x) == 0 {
			return "{}", ""
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var b strings.Builder
		for _, k := range keys {
			key, _ := str(k, pad)
			if strings.HasPrefix(key, "|") {
				key = strconv.Quote(k) // a multi-line key: quoted, never a block
			}
			b.WriteString(pad + key + ":")
			child := x[k]
			childInd := ind + 2
			if l, ok := child.([]interface{}); ok && len(l) > 0 {
				childInd = ind // go-yaml's sequences sit at their key's indentation
			}
			ci, cb := node(child, childInd)
			if ci != "" {
				b.WriteString(" " + ci)
			}
			b.WriteString("\n" + cb)
		}
		return "", b.String()
	case []interface{}:
		if len(x) == 0 {
			return "[]", ""
		}
		var b strings.Builder
		for _, item := range x {
			ii, ib := node(item, ind+2)
			if ii != "" {
				b.WriteString(pad + "- " + ii + "\n" + ib)
				continue
			}
			// The item's first line takes the dash in place of its indentation.
			b.WriteString(pad + "- " + ib[ind+2:])
		}
		return "", b.String()
	}
	// Not reachable for a tree decoded from JSON.
	return strconv.Quote(strval(v)), ""
}

// str renders a string: plain when it reads back as this same string, a literal block for multi-line text
// that a block keeps exactly, double-quoted otherwise (Go's escapes are all YAML double-quoted escapes).
func str(s string, pad string) (inline string, block string) {
	if strings.Contains(s, "\n") {
		if lit, ok := literal(s, pad); ok {
			return lit[0], lit[1]
		}
		return strconv.Quote(s), ""
	}
	if plainSafe(s) {
		return s, ""
	}
	return strconv.Quote(s), ""
}

// literal is s as a literal block (`|` keeps one final newline, `|-` none), when that reads back exactly:
// no leading space on the first line (it would set the indentation), no trailing spaces, no tabs or
// control characters, at most one final newline.
func literal(s string, pad string) ([2]string, bool) {
	header := "|-"
	body := s
	if strings.HasSuffix(s, "\n") {
		header = "|"
		body = strings.TrimSuffix(s, "\n")
		if strings.HasSuffix(body, "\n") {
			return [2]string{}, false
		}
	}
	if body == "" || body[0] == ' ' {
		return [2]string{}, false
	}
	lines := strings.Split(body, "\n")
	var b strings.Builder
	for _, line := range lines {
		if strings.HasSuffix(line, " ") {
			return [2]string{}, false
		}
		for _, r := range line {
			if r < 0x20 || r == 0x7f || r == 0xfeff {
				return [2]string{}, false
			}
		}
		if line == "" {
			b.WriteString("\n")
			continue
		}
		b.WriteString(pad + line + "\n")
	}
	return [2]string{header, b.String()}, true
}

// plainSafe: s as a plain scalar reads back as this string. Conservative: anything that YAML 1.1 or 1.2 could
// take for a boolean, null, number or timestamp, or that starts with an indicator, holds ": " or " #", ends in
// a colon or space, or holds a non-printable or non-ASCII character, is quoted.
func plainSafe(s string) bool {
	if s == "" || s != strings.TrimSpace(s) {
		return false
	}
	switch strings.ToLower(s) {
	case "y", "yes", "n", "no", "true", "false", "on", "off", "null", "~", ".inf", "-.inf", "+.inf", ".nan", "<<", "=":
		return false
	}
	if strings.ContainsAny(s[:1], "-?:,[]{}#&*!|>'\"%@`") && !(len(s) > 1 && (s[0] == '-' || s[0] == '?' || s[0] == ':') && s[1] != ' ' && !numberLike(s)) {
		return false
	}
	if numberLike(s) {
		return false
	}
	if strings.Contains(s, ": ") || strings.Contains(s, " #") || strings.HasSuffix(s, ":") {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r > 0x7e {
			return false
		}
	}
	return true
}

// numberLike: s could be read as a number or a timestamp: a digit, sign or dot first and only digits, hex
// digits, signs, dots, underscores, colons, commas and the letters of 0x/0o/0b and exponents after it.
func numberLike(s string) bool {
	if !strings.ContainsAny(s[:1], "0123456789+-.") {
		return false
	}
	for _, r := range s {
		if !strings.ContainsRune("0123456789abcdefABCDEFxXoO_+-.:,", r) {
			return false
		}
	}
	return strings.ContainsAny(s, "0123456789")
}
