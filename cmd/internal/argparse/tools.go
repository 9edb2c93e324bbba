package argparse

// Parsers for Signet's drop-in in-toto tools. Each accepts the flags of the
// reference in-toto 1.3.1 and the flags newer upstream releases added
// (2.x/3.x: --signing-key, --verification-keys, --use-dsse, --run-timeout,
// --inspection-timeout). The newer flags are Secondary, so abbreviations
// that were unique in 1.3.1 (e.g. "--s" for --step-name, "--r" for
// --record-streams) keep their meaning. Destinations are named as in the
// reference (step_name, key, key_type, password, gpg, link_cmd, ...).

// ReferenceVersion is the in-toto release whose command lines the tools
// accept; "--version" prints "<prog> <ReferenceVersion>" unless the caller
// sets another text with SetVersion.
const ReferenceVersion = "1.3.1"

const (
	titleRequired   = "Required Named Arguments"
	titlePositional = "Positional Arguments"
	titleOptions    = "Options"
	keyTypeRSA      = "rsa"
)

// KeyTypes are the legacy key file types of -t/--key-type.
var keyTypes = []string{keyTypeRSA, "ed25519", "ecdsa"}

// SetVersion sets the text printed by --version ("%(prog)s" expands).
func (p *Parser) SetVersion(v string) { p.cfg.Version = v }

func toolConfig(prog, usage, description, epilog string) Config {
	return Config{Prog: prog, Usage: usage, Description: description, Epilog: epilog,
		RawText: true, Version: "%(prog)s " + ReferenceVersion}
}

func addVersion(p *Parser) {
	p.Add(&Arg{Names: []string{"--version"}, Kind: Version, Dest: "version",
		Help: "show program's version number and exit"})
}

func addVerbosity(p *Parser) {
	m := p.AddMutexGroup(false)
	m.Add(&Arg{Names: []string{"-v", "--verbose"}, Kind: Flag, Help: "show more output"})
	m.Add(&Arg{Names: []string{"-q", "--quiet"}, Kind: Flag, Help: "suppress all output"})
}

// signingArgs declares the ways to sign a link shared by in-toto-run and
// in-toto-record: legacy key files, GPG, and PKCS#8 PEM keys.
func signingArgs(p *Parser, named *Group) {
	named.Add(&Arg{Names: []string{"-k", "--key"}, Metavar: "<path>",
		Deprecated: "'-k', '--key' is deprecated, use '--signing-key' instead.",
		Help: "legacy private key file to sign the link with (see '--key-type'). " +
			"The link is written to '<name>.<keyid prefix>.link'. " +
			"One of '--signing-key', '--key' or '--gpg' is required."})
	p.Add(&Arg{Names: []string{"-t", "--key-type"}, Choices: keyTypes, Default: keyTypeRSA,
		Help: "format of the '--key' file: 'rsa' is PEM, 'ed25519' and 'ecdsa' are " +
			"securesystemslib JSON. Default is 'rsa'."})
	p.Add(&Arg{Names: []string{"-P", "--password"}, Nargs: Optional, Metavar: "<password>",
		Help: "password of an encrypted signing key. '-P' without <password> " +
			"prompts for it. Without it the key is read as unencrypted. " +
			"(Not '-p/--products'!)"})
	named.Add(&Arg{Names: []string{"-g", "--gpg"}, Nargs: Optional, Metavar: "<id>",
		Help: "GPG keyid to sign the link with; '--gpg' alone uses the default " +
			"GPG key. One of '--signing-key', '--key' or '--gpg' is required."})
	p.Add(&Arg{Names: []string{"--gpg-home"}, Metavar: "<path>",
		Help: "GPG home directory to find the '--gpg' key in. Default is GPG's own."})
	named.Add(&Arg{Names: []string{"--signing-key"}, Metavar: "<path>", Secondary: true,
		Help: "private key in PKCS#8 PEM (rsa, ed25519 or ecdsa nistp256; the type " +
			"is detected). Use '--password' if it is encrypted."})
}

// recordingArgs declares how artifacts are recorded.
func recordingArgs(p *Parser) {
	p.Add(&Arg{Names: []string{"--exclude"}, Dest: "exclude_patterns", Nargs: OneOrMore,
		Metavar: "<pattern>",
		Help: "gitignore-style patterns of paths not to record as materials or " +
			"products; they replace the configured defaults."})
	p.Add(&Arg{Names: []string{"--base-path"}, Metavar: "<path>",
		Help: "directory that relative '--materials' and '--products' paths are " +
			"resolved against; not part of the recorded paths. Default is the " +
			"current working directory."})
	p.Add(&Arg{Names: []string{"--lstrip-paths"}, Nargs: OneOrMore, Metavar: "<path>",
		Help: "prefixes to remove from recorded artifact paths. At most one may " +
			"match a path, and none may be a prefix of another."})
}

func metadataDirArg(p *Parser) {
	p.Add(&Arg{Names: []string{"-d", "--metadata-directory"}, Metavar: "<directory>",
		Help: "directory to write the link to. Default is the current working directory."})
}

func dsseArg(p *Parser) {
	p.Add(&Arg{Names: []string{"--use-dsse"}, Kind: Flag, Secondary: true,
		Help: "write the link as a DSSE envelope instead of the legacy " +
			"{signed, signatures} format."})
}

// RunParser declares in-toto-run.
func RunParser() *Parser {
	p := New(toolConfig("in-toto-run",
		"%(prog)s <named arguments> [options] \\\n\t -- <command> [args]",
		runDescription, runEpilog))
	named := p.AddGroup(titleRequired)
	named.Add(&Arg{Names: []string{"-n", "--step-name"}, Required: true, Metavar: "<name>",
		Help: "step name: the link is written to '<name>.<keyid prefix>.link' " +
			"and matched to the step of that name in the layout."})
	p.Add(&Arg{Names: []string{"-m", "--materials"}, Nargs: OneOrMore, Metavar: "<path>",
		Help: "files or directories to record (path and hash) before the command " +
			"runs. Symlinks are followed."})
	p.Add(&Arg{Names: []string{"-p", "--products"}, Nargs: OneOrMore, Metavar: "<path>",
		Help: "files or directories to record (path and hash) after the command " +
			"runs. Symlinks are followed."})
	p.Add(&Arg{Names: []string{"-s", "--record-streams"}, Kind: Flag,
		Help: "also record the command's stdout and stderr in the link. Not for " +
			"interactive commands."})
	p.Add(&Arg{Names: []string{"-x", "--no-command"}, Kind: Flag,
		Help: "create the link without running a command, e.g. for a review step."})
	signingArgs(p, named)
	recordingArgs(p)
	metadataDirArg(p)
	dsseArg(p)
	p.Add(&Arg{Names: []string{"--run-timeout"}, Type: Int, Default: "10", Secondary: true,
		Help: "seconds after which the command is killed. Default is 10 (or " +
			"$IN_TOTO_LINK_CMD_EXEC_TIMEOUT)."})
	addVerbosity(p)
	p.Add(&Arg{Dest: "link_cmd", Nargs: ZeroOrMore, Metavar: "<command>",
		Help: "the command to run, after a double dash '--'."})
	addVersion(p)
	p.OrderGroups(titleRequired, titlePositional, titleOptions)
	return p
}

// MockParser declares in-toto-mock.
func MockParser() *Parser {
	p := New(toolConfig("in-toto-mock",
		"%(prog)s [-h] --name <name> -- <command> [args]", mockDescription, mockEpilog))
	named := p.AddGroup(titleRequired)
	named.Add(&Arg{Names: []string{"-n", "--name"}, Required: true, Metavar: "<name>",
		Help: "step name: the unsigned link is written to '<name>.link'."})
	dsseArg(p)
	p.Add(&Arg{Dest: "link_cmd", Nargs: OneOrMore, Metavar: "<command>",
		Help: "the command to run, after a double dash '--'."})
	addVersion(p)
	p.OrderGroups(titleRequired, titlePositional, titleOptions)
	return p
}

// RecordParser declares in-toto-record with its subcommands start and stop.
// Result.String("command") is "start" or "stop".
func RecordParser() *Parser {
	p := New(toolConfig("in-toto-record", "", recordDescription, recordEpilog))
	subs := p.AddSubcommands("command", true)
	start := subs.Add("start", "record materials and write a signed preliminary "+
		"link '.<name>.<keyid prefix>.link-unfinished'.", Config{})
	stop := subs.Add("stop", "finish the preliminary link '.<name>.<keyid "+
		"prefix>.link-unfinished' from the current directory: record products, "+
		"sign, and write '<name>.<keyid prefix>.link'.", Config{})
	for _, sp := range []*Parser{start, stop} {
		named := sp.AddGroup(titleRequired)
		named.Add(&Arg{Names: []string{"-n", "--step-name"}, Required: true, Metavar: "<name>",
			Help: "step name, used in the link file name and matched to the layout."})
		signingArgs(sp, named)
		recordingArgs(sp)
		dsseArg(sp)
		addVerbosity(sp)
	}
	start.Add(&Arg{Names: []string{"-m", "--materials"}, Nargs: OneOrMore, Metavar: "<path>",
		Help: "files or directories to record as materials. Symlinks are followed."})
	stop.Add(&Arg{Names: []string{"-p", "--products"}, Nargs: OneOrMore, Metavar: "<path>",
		Help: "files or directories to record as products. Symlinks are followed."})
	metadataDirArg(stop)
	addVersion(p)
	p.OrderGroups(titlePositional, titleOptions)
	start.OrderGroups(titleRequired, titlePositional, titleOptions)
	stop.OrderGroups(titleRequired, titlePositional, titleOptions)
	return p
}
