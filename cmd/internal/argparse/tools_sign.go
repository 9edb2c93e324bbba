package argparse

// SignParser declares in-toto-sign. -k/--key takes legacy key files (with
// -t/--key-type, as in 1.3.1) or PKCS#8/SPKI PEM files (as in 2.2+, where
// --key-type was dropped).
func SignParser() *Parser {
	p := New(toolConfig("in-toto-sign", "", signDescription, signEpilog))
	named := p.AddGroup(titleRequired)
	named.Add(&Arg{Names: []string{"-f", "--file"}, Required: true, Metavar: "<path>",
		Help: "link or layout file to sign or verify."})
	p.Add(&Arg{Names: []string{"-k", "--key"}, Nargs: OneOrMore, Metavar: "<path>",
		Help: "key files: private keys to sign with, or public keys with " +
			"'--verify'. Legacy formats (see '--key-type') or PEM (PKCS#8 " +
			"private, subjectPublicKeyInfo public)."})
	p.Add(&Arg{Names: []string{"-t", "--key-type"}, Nargs: OneOrMore, Choices: keyTypes,
		Help: "legacy format of each '--key' file, by position: 'rsa' is PEM, " +
			"'ed25519' and 'ecdsa' are securesystemslib JSON. Give one per key; " +
			"default 'rsa' for all."})
	p.Add(&Arg{Names: []string{"-p", "--prompt"}, Kind: Flag,
		Help: "prompt for the password of the signing keys"})
	p.Add(&Arg{Names: []string{"-g", "--gpg"}, Nargs: ZeroOrMore, Metavar: "<id>",
		Help: "GPG keyids to sign or verify with; '--gpg' alone signs with the " +
			"default GPG key."})
	p.Add(&Arg{Names: []string{"--gpg-home"}, Metavar: "<path>",
		Help: "GPG home directory to find the '--gpg' keys in. Default is GPG's own."})
	p.Add(&Arg{Names: []string{"-o", "--output"}, Metavar: "<path>",
		Help: "where to write the signed file. Default: a layout overwrites " +
			"'--file', a link goes to '<name>.<keyid prefix>.link'."})
	p.Add(&Arg{Names: []string{"-a", "--append"}, Kind: Flag,
		Help: "keep existing signatures and add the new ones (layouts only)."})
	p.Add(&Arg{Names: []string{"--verify"}, Kind: Flag,
		Help: "verify the signatures with the '--key' or '--gpg' keys instead of signing."})
	addVerbosity(p)
	addVersion(p)
	p.OrderGroups(titleRequired, titlePositional, titleOptions)
	return p
}

// KeygenParser declares in-toto-keygen (dropped upstream in 2.2).
func KeygenParser() *Parser {
	p := New(toolConfig("in-toto-keygen", "", keygenDescription, keygenEpilog))
	p.Add(&Arg{Names: []string{"-p", "--prompt"}, Kind: Flag,
		Help: "prompt for a password to encrypt the private key with"})
	p.Add(&Arg{Names: []string{"-t", "--type"}, Choices: keyTypes, Default: keyTypeRSA,
		Help: "key type: 'rsa' keys are written as PEM, 'ed25519' and 'ecdsa' as " +
			"securesystemslib JSON. Default is 'rsa'."})
	p.Add(&Arg{Dest: "name", Metavar: "<filename>",
		Help: "the private key is written to '<filename>', the public key to " +
			"'<filename>.pub'."})
	p.Add(&Arg{Names: []string{"-b", "--bits"}, Type: Int, Default: "3072", Metavar: "<bits>",
		Help: "size of an RSA key in bits"})
	addVersion(p)
	return p
}

// VerifyParser declares in-toto-verify.
func VerifyParser() *Parser {
	p := New(toolConfig("in-toto-verify", "%(prog)s <named arguments> [options]",
		verifyDescription, verifyEpilog))
	named := p.AddGroup(titleRequired)
	named.Add(&Arg{Names: []string{"-l", "--layout"}, Required: true, Metavar: "<path>",
		Help: "root layout of the supply chain to verify."})
	named.Add(&Arg{Names: []string{"-k", "--layout-keys"}, Nargs: OneOrMore, Metavar: "<path>",
		Deprecated: "'-k', '--layout-keys' is deprecated, use '--verification-keys' instead.",
		Help: "legacy public key files (see '--key-types'); the layout must carry " +
			"a valid signature by each."})
	p.Add(&Arg{Names: []string{"-t", "--key-types"}, Nargs: OneOrMore, Choices: keyTypes,
		Help: "legacy format of each '--layout-keys' file, by position; default " +
			"'rsa' for all."})
	named.Add(&Arg{Names: []string{"--verification-keys"}, Nargs: OneOrMore, Metavar: "<path>",
		Secondary: true,
		Help: "public keys in subjectPublicKeyInfo PEM (rsa, ed25519, ecdsa " +
			"nistp256); the layout must carry a valid signature by each."})
	named.Add(&Arg{Names: []string{"-g", "--gpg"}, Nargs: OneOrMore, Metavar: "<id>",
		Help: "GPG keyids of keys that must have signed the layout. At least one " +
			"key is required: '--verification-keys', '--layout-keys' or '--gpg'."})
	p.Add(&Arg{Names: []string{"--link-dir"}, Metavar: "<path>", Default: ".",
		Help: "directory to load links from. Default is the current working directory."})
	p.Add(&Arg{Names: []string{"--gpg-home"}, Metavar: "<path>",
		Help: "GPG home directory to find the '--gpg' keys in. Default is GPG's own."})
	p.Add(&Arg{Names: []string{"--inspection-timeout"}, Dest: "inspect_timeout", Type: Int,
		Default: "10", Secondary: true,
		Help: "seconds after which an inspection command is killed. Default is 10."})
	addVerifyExtras(p)
	addVerbosity(p)
	addVersion(p)
	p.OrderGroups(titleRequired, titlePositional, titleOptions)
	return p
}

// MatchProductsParser declares in-toto-match-products (added upstream in
// 2.0): compare local files with the products of a link.
func MatchProductsParser() *Parser {
	p := New(Config{Prog: "in-toto-match-products", RawText: true,
		Description: "Check if local artifacts match products in passed link."})
	named := p.AddGroup(titleRequired)
	named.Add(&Arg{Names: []string{"-l", "--link"}, Required: true, Metavar: "<path>",
		Help: "link metadata file."})
	p.Add(&Arg{Names: []string{"-p", "--paths"}, Nargs: OneOrMore, Metavar: "<path>",
		Help: "files or directories to compare. Default is the current directory."})
	p.Add(&Arg{Names: []string{"-e", "--exclude"}, Nargs: OneOrMore, Metavar: "<pattern>",
		Help: "gitignore-style patterns of paths to leave out."})
	p.Add(&Arg{Names: []string{"--lstrip-paths"}, Nargs: OneOrMore, Metavar: "<path>",
		Help: "prefixes to remove from local paths before comparing."})
	p.Add(&Arg{Names: []string{"-v", "--verbose"}, Kind: Flag, Help: "show more output"})
	p.OrderGroups(titleRequired, titlePositional, titleOptions)
	return p
}

// addVerifyExtras declares Signet's additions to in-toto-verify. They are
// Secondary, so that abbreviations of the reference's options keep their
// meaning.
func addVerifyExtras(p *Parser) {
	p.Add(&Arg{Names: []string{"--layout-threshold"}, Type: Int, Metavar: "<M>", Secondary: true,
		Help: "(Signet) accept the layout when at least M of the given keys signed it. Default: all of them."})
	p.Add(&Arg{Names: []string{"--param"}, Nargs: OneOrMore, Metavar: "<NAME=VALUE>", Secondary: true,
		Help: "(Signet) substitute {NAME} in the layout's rules, expected commands and inspections."})
	p.Add(&Arg{Names: []string{"--params-file"}, Metavar: "<path>", Secondary: true,
		Help: "(Signet) parameters as a JSON object or NAME=VALUE lines; --param wins."})
	p.Add(&Arg{Names: []string{"--no-inspections"}, Kind: Flag, Secondary: true,
		Help: "(Signet) never run the layout's inspection commands; a layout with inspections fails."})
	p.Add(&Arg{Names: []string{"--output"}, Choices: []string{"text", "json"}, Default: "text", Secondary: true,
		Help: "(Signet) 'json' prints the verification report as JSON on stdout."})
}
