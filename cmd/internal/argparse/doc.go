// Package argparse parses command lines the way Python's argparse module
// (CPython 3.11, as used by the reference in-toto 1.3.1 tools) does, so that
// Signet's drop-in in-toto-* binaries accept exactly the command lines the
// reference accepts and reject the others with the same messages.
//
// A Parser is declared with Args: options ("-n", "--step-name") and
// positionals, each taking a number of words (One, Optional '?',
// ZeroOrMore '*', OneOrMore '+', or none for Flag), optionally restricted to
// Choices or converted to Int. Args can be grouped into titled help
// sections, mutually exclusive groups, and subcommands (in-toto-record's
// start/stop).
//
// Parsing follows argparse step by step, including its corner cases:
//
//   - every word is first classified as an option ('O'), an argument ('A')
//     or the first "--" ('-'); after "--" everything is an argument;
//   - long options may be abbreviated to any unique prefix ("--meta" for
//     "--metadata-directory"); an ambiguous prefix is an error that names
//     the candidates; Secondary options yield to regular ones so that
//     abbreviations unique in 1.3.1 stay unique after newer flags were added;
//   - "--opt=value", "-ovalue", "-o=value" and combined short flags ("-xs")
//     work; a word that looks like a negative number ("-1") is an argument;
//   - an option's list ('+', '*') stops at the next word that looks like an
//     option; '?' options given bare report Bare (argparse's const), which
//     is how "-P" without a password means "prompt";
//   - positionals are matched greedily between options with argparse's
//     regular expressions, so "cmd -la" without "--" is an unrecognized
//     option, and the first "--" is removed from a positional's words;
//   - -h/--help and --version end parsing at once; missing required
//     arguments are reported before unrecognized ones.
//
// Parse returns a *Result, a *UsageError (errors.Is ErrUsage: argparse
// prints the usage and "prog: error: message" to stderr and exits 2) or an
// *EarlyExit (ErrHelp/ErrVersion: text for stdout, exit 0). Report does the
// printing for a command's main. Usage and help text are laid out like
// argparse's HelpFormatter, including textwrap's line breaking, for the
// terminal width given in Config.Columns (argparse reads $COLUMNS).
//
// tools.go declares the parsers of the in-toto tools (RunParser,
// RecordParser, MockParser, SignParser, KeygenParser, VerifyParser,
// MatchProductsParser) with the flags of 1.3.1 and of newer upstream
// releases. The tests compare this package with the real Python argparse
// and the real 1.3.1 tool parsers (testdata/oracle.py, golden files).
//
// Known differences from CPython: integers outside the int64 range are
// rejected (Python accepts any size); Unicode tables are Go's, not
// Python's, for the rare characters where the two disagree.
package argparse
