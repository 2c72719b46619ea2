// Package migrate reads the embedded, numbered SQL migrations of the SQL
// backends. A migration is a file NNNN_name.sql; its number is its version.
// Versions are applied in order, each once, recorded in a table named
// switchboard_migrations.
package migrate

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// Table is the name of the table that records applied versions.
const Table = "switchboard_migrations"

// Migration is one numbered SQL file.
type Migration struct {
	Version int
	Name    string // file name, e.g. 0001_dedupe.sql
	SQL     string
}

// ErrBadName is returned for a .sql file whose name is not NNNN_name.sql.
var ErrBadName = errors.New("migrate: migration file name must be NNNN_name.sql")

// Load reads every .sql file of dir in fsys, sorted by version. Two files of
// one version, or a name without a version, are errors.
func Load(fsys fs.FS, dir string) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	var out []Migration
	seen := map[int]string{}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".sql") {
			continue
		}
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("%w: %s", ErrBadName, name)
		}
		if prev, dup := seen[v]; dup {
			return nil, fmt.Errorf("migrate: version %d used by %s and %s", v, prev, name)
		}
		seen[v] = name
		b, err := fs.ReadFile(fsys, path.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("migrate: %w", err)
		}
		out = append(out, Migration{Version: v, Name: name, SQL: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}
