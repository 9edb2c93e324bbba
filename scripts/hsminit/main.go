// Command hsminit initialises a SoftHSM2 (or other PKCS#11) token for the
// demo and tests, reading the PINs from files so that they never appear
// on a command line:
//
//	go run ./scripts/hsminit -module /usr/lib/softhsm/libsofthsm2.so -label demo \
//	    -so-pin-file so.pin -pin-file user.pin
//
// SOFTHSM2_CONF selects SoftHSM's configuration as usual.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/signet-dev/signet/softhsm-test/softhsm"
)

func main() {
	module := flag.String("module", "/usr/lib/softhsm/libsofthsm2.so", "PKCS#11 module")
	label := flag.String("label", "", "token label")
	soPINFile := flag.String("so-pin-file", "", "file holding the security officer PIN")
	pinFile := flag.String("pin-file", "", "file holding the user PIN")
	flag.Parse()
	if *label == "" || *soPINFile == "" || *pinFile == "" {
		fmt.Fprintln(os.Stderr, "hsminit: give -label, -so-pin-file and -pin-file")
		os.Exit(2)
	}
	soPIN, err := readPIN(*soPINFile)
	if err == nil {
		var pin string
		if pin, err = readPIN(*pinFile); err == nil {
			var serial string
			if serial, err = softhsm.InitTokenWith(*module, *label, soPIN, pin); err == nil {
				fmt.Printf("initialised token %q (serial %s)\n", *label, serial)
				return
			}
		}
	}
	fmt.Fprintln(os.Stderr, "hsminit:", err)
	os.Exit(1)
}

func readPIN(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, 256))
	if err != nil {
		return "", err
	}
	pin := strings.TrimSpace(string(b))
	if pin == "" {
		return "", fmt.Errorf("%s is empty", path)
	}
	return pin, nil
}
