package switchboard_test

import (
	"fmt"
	"go/ast"
	"go/doc/comment"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const module = "github.com/switchboard-go/switchboard"

// outside are the packages of other modules that snippets use, by name.
var outside = map[string]string{
	"context": "context", "errors": "errors", "fmt": "fmt", "http": "net/http", "io": "io",
	"log": "log", "os": "os", "slog": "log/slog", "strings": "strings", "time": "time",
	"rate": "golang.org/x/time/rate", "language": "golang.org/x/text/language",
	"currency": "golang.org/x/text/currency",
}

// preamble declares the names that snippets use without declaring them and
// that mean the same everywhere.
const preamble = `package snippet

import (
	"context"
	"io"

	"golang.org/x/text/language"

	"github.com/switchboard-go/switchboard/autoreply/catalog"
	"github.com/switchboard-go/switchboard/channel"
)

var (
	ctx      context.Context
	f        io.Reader
	bot, h   channel.Handler
	customer channel.Address
	msg      *channel.Message
	vars     catalog.Vars
	prefs    []language.Tag
	userID   string
)
`

// exportImporter imports packages from the build cache's export data,
// which "go list -export" fills, for pkgs and their dependencies.
func exportImporter(t *testing.T, fset *token.FileSet, pkgs map[string]string) types.Importer {
	t.Helper()
	args := []string{"list", "-export", "-deps", "-f", "{{.ImportPath}}\t{{.Export}}"}
	for _, path := range pkgs {
		args = append(args, path)
	}
	out, err := exec.Command("go", args...).Output()
	require.NoError(t, err, "go list -export")
	files := map[string]string{}
	for line := range strings.Lines(string(out)) {
		path, file, _ := strings.Cut(strings.TrimSpace(line), "\t")
		files[path] = file
	}
	return importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		file, ok := files[path]
		if !ok || file == "" {
			return nil, fmt.Errorf("no export data for %s", path)
		}
		return os.Open(file)
	})
}

// snippet is a block of code shown in documentation.
type snippet struct {
	where string // file:line
	code  string
}

// TestSnippetsCompile type-checks every Go code block of the README and of
// the doc comments in the module's non-test files. A block is Go when it
// parses as a file, declarations or statements, or when it looks like Go
// (":=" or a pkg.Name( call). Names a snippet uses without declaring them
// (its context: client, srv) are the only errors forgiven; the preamble
// declares the common ones (ctx, msg, bot...) with their types.
func TestSnippetsCompile(t *testing.T) {
	t.Parallel()
	pkgs := modulePackages(t)
	snippets := append(readmeSnippets(t), docSnippets(t)...)
	require.NotEmpty(t, snippets)

	fset := token.NewFileSet()
	imp := exportImporter(t, fset, pkgs)
	pre, err := parser.ParseFile(fset, "preamble.go", preamble, 0)
	require.NoError(t, err)
	checked := 0
	for _, s := range snippets {
		file, err := asGoFile(fset, s, pkgs)
		if !assert.NoError(t, err, "%s looks like Go but does not parse:\n%s", s.where, s.code) || file == nil {
			continue
		}
		checked++
		var errs []string
		conf := types.Config{Importer: imp, Error: func(err error) {
			msg := err.(types.Error).Msg
			if forgiven(msg, pkgs) {
				return
			}
			errs = append(errs, msg)
		}}
		files := []*ast.File{file}
		if file.Name.Name == "snippet" {
			files = append(files, pre)
		}
		_, _ = conf.Check("snippet", fset, files, nil)
		assert.Empty(t, errs, "%s:\n%s", s.where, s.code)
	}
	t.Logf("%d snippets found, %d are Go and were type-checked", len(snippets), checked)
	assert.GreaterOrEqual(t, checked, 15)
}

var (
	undefined   = regexp.MustCompile(`^undefined: (\w+)$`)
	looksLikeGo = regexp.MustCompile(`:=|\b[a-z]\w*\.[A-Z]\w*\(`)
)

// forgiven reports whether a type error is about the snippet's context: a
// local name it does not declare, or an import or variable it leaves unused.
func forgiven(msg string, pkgs map[string]string) bool {
	if m := undefined.FindStringSubmatch(msg); m != nil {
		_, isPkg := pkgs[m[1]]
		return !isPkg
	}
	return strings.HasPrefix(msg, "declared and not used") || strings.HasSuffix(msg, "imported and not used")
}

// asGoFile parses s as a Go file, as declarations or as statements, adding
// an import for every package name it uses. It returns nil, nil when s is
// not Go, and an error when s looks like Go but does not parse.
func asGoFile(fset *token.FileSet, s snippet, pkgs map[string]string) (*ast.File, error) {
	code := strings.ReplaceAll(s.code, "{...}", "{}")
	if f, err := parser.ParseFile(fset, s.where, code, 0); err == nil {
		return f, nil
	}
	head := "package snippet\n" + importsFor(code, pkgs)
	if f, err := parser.ParseFile(fset, s.where, head+code, 0); err == nil {
		return f, nil
	}
	f, err := parser.ParseFile(fset, s.where, head+"func _() {\n"+code+"\n}\n", 0)
	if err == nil {
		return f, nil
	}
	if looksLikeGo.MatchString(code) {
		return nil, err
	}
	return nil, nil
}

var qualifier = regexp.MustCompile(`\b([a-z]\w*)\.[A-Z]`)

// importsFor returns an import declaration for every package name code uses
// as a qualifier.
func importsFor(code string, pkgs map[string]string) string {
	var b strings.Builder
	seen := map[string]bool{}
	for _, m := range qualifier.FindAllStringSubmatch(code, -1) {
		path, ok := pkgs[m[1]]
		if !ok || seen[m[1]] {
			continue
		}
		seen[m[1]] = true
		fmt.Fprintf(&b, "import %q\n", path)
	}
	return b.String()
}

// modulePackages maps package names to import paths: the module's library
// packages and the outside ones snippets use.
func modulePackages(t *testing.T) map[string]string {
	t.Helper()
	pkgs := map[string]string{}
	for name, path := range outside {
		pkgs[name] = path
	}
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		if path != "." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "internal" || d.Name() == "examples") {
			return filepath.SkipDir
		}
		matches, _ := filepath.Glob(filepath.Join(path, "*.go"))
		for _, m := range matches {
			if strings.HasSuffix(m, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(token.NewFileSet(), m, nil, parser.PackageClauseOnly)
			if err != nil {
				return err
			}
			pkgs[f.Name.Name] = module + "/" + filepath.ToSlash(path)
			break
		}
		return nil
	})
	require.NoError(t, err)
	return pkgs
}

// readmeSnippets returns the README's ```go blocks.
func readmeSnippets(t *testing.T) []snippet {
	t.Helper()
	b, err := os.ReadFile("README.md")
	require.NoError(t, err)
	var out []snippet
	lines := strings.Split(string(b), "\n")
	for i := 0; i < len(lines); i++ {
		if lines[i] != "```go" {
			continue
		}
		start := i + 1
		for i++; i < len(lines) && lines[i] != "```"; i++ {
		}
		out = append(out, snippet{fmt.Sprintf("README.md:%d", start), strings.Join(lines[start:i], "\n") + "\n"})
	}
	return out
}

// docSnippets returns the code blocks of the comments in the module's
// non-test Go files.
func docSnippets(t *testing.T) []snippet {
	t.Helper()
	var out []snippet
	var p comment.Parser
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != "." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			return err
		}
		for _, g := range f.Comments {
			for _, block := range p.Parse(g.Text()).Content {
				if c, ok := block.(*comment.Code); ok {
					out = append(out, snippet{fmt.Sprintf("%s:%d", path, fset.Position(g.Pos()).Line), c.Text})
				}
			}
		}
		return nil
	})
	require.NoError(t, err)
	slices.SortFunc(out, func(a, b snippet) int { return strings.Compare(a.where, b.where) })
	return out
}
