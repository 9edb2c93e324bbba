package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/signet-dev/signet/coordinator/api"
	"github.com/signet-dev/signet/pkg/atomicfile"
)

var (
	// errFetchExists: a file to write exists with other content.
	errFetchExists = errors.New("a different file exists")
	// errFetchName: the coordinator sent a file name that is not a plain
	// name in the directory.
	errFetchName = errors.New("unsafe released file name")
)

func newRequestFetchCmd(env Env) *cobra.Command {
	var cf coordFlags
	var dir string
	cmd := &cobra.Command{
		Use:   "fetch ID [-d DIR]",
		Short: "Write a released request's signed metadata into a directory",
		Long: "fetch writes the released files, ready for in-toto-verify or signet verify:\n" +
			"root.layout (a metablock with every owner signature) and root.layout.dsse.json for\n" +
			"layouts; one <step>.<keyid8>.link per signer and <step>.dsse.json for links;\n" +
			"statement.dsse.json for statements. Files are written atomically; an existing file\n" +
			"with the same content is kept, one with other content is an error.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cl, err := cf.client()
			if err != nil {
				return err
			}
			rel, err := cl.Released(cmd.Context(), args[0])
			if err != nil {
				return explainAPIError(err, "fetching request "+args[0])
			}
			if rel.Phase != api.PhaseReleased {
				return &exitError{code: 1, err: fmt.Errorf("%w: request %s is %s; nothing to fetch (`signet request wait %s` waits for the release)", errNotReleased, args[0], rel.Phase, args[0])}
			}
			return writeReleased(env, dir, rel.Files)
		},
	}
	cf.register(cmd.Flags())
	cmd.Flags().StringVarP(&dir, "dir", "d", ".", "directory to write the files to (created if missing)")
	return cmd
}

// writeReleased checks every file first, so that nothing is written when
// one of them would overwrite a different file, then writes the new ones.
func writeReleased(env Env, dir string, files []api.File) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("cannot create directory %s: %w", dir, err)
	}
	var todo []api.File
	for _, f := range files {
		if err := checkReleasedName(f.Name); err != nil {
			return err
		}
		path := filepath.Join(dir, f.Name)
		old, err := os.ReadFile(path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			todo = append(todo, f)
		case err != nil:
			return fmt.Errorf("cannot read existing %s: %w", path, err)
		case !bytes.Equal(old, f.Data):
			return fmt.Errorf("%w: %s differs from the released file; move it away or fetch into another directory with -d (nothing was written)", errFetchExists, path)
		default:
			fmt.Fprintf(env.Stderr, "unchanged %s\n", path)
		}
	}
	for _, f := range todo {
		path := filepath.Join(dir, f.Name)
		if err := atomicfile.WriteFile(path, f.Data, 0o644); err != nil {
			return fmt.Errorf("writing %s: %w", path, err)
		}
		fmt.Fprintf(env.Stdout, "wrote %s\n", path)
	}
	return nil
}

// checkReleasedName refuses names that are not one plain file name, so a
// coordinator can never make fetch write outside the directory.
func checkReleasedName(name string) error {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, `/\`+"\x00") || filepath.Base(name) != name || strings.HasPrefix(name, ".") {
		return fmt.Errorf("%w: %q", errFetchName, name)
	}
	return nil
}
