package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/signet-dev/signet/cmd/internal/ops"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/signet-dev/signet/coordinator/api"
	"github.com/signet-dev/signet/coordinator/client"
)

// maxPolicyFile bounds a policy document.
const maxPolicyFile = 256 << 10

var errPolicyFile = errors.New("invalid policy file")

func newPolicyCmd(env Env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "policy",
		Short: "Apply and read the coordinator's signing policies",
		Long: "A signing policy says which request kinds it covers, which enrolled keys may sign,\n" +
			"how many distinct keys must (threshold), who may request, and how long a request\n" +
			"may stay pending. Applying a changed policy makes a new version; requests keep\n" +
			"the version they were created under.",
	}
	cmd.AddCommand(newPolicyApplyCmd(env), listCommand(env, "List signing policies (current versions)", "policies",
		"NAME\tVERSION\tKINDS\tTHRESHOLD\tREQUESTERS\tTTL", (*client.Client).Policies, func(p api.Policy) string {
			return fmt.Sprintf("%s\t%d\t%s\t%d of %d\t%s\t%s", p.Name, p.Version, kindList(p.Kinds), p.Threshold, len(p.Keys),
				strings.Join(p.Requesters, ","), p.RequestTTL)
		}), newPolicyShowCmd(env))
	return cmd
}

// policyDoc is a policy document as people write it: api.Policy with the
// request TTL as a duration ("72h"); its version is the coordinator's and
// is ignored, so that `policy show -o json` output applies again.
type policyDoc struct {
	Name            string     `json:"name" yaml:"name"`
	Kinds           []api.Kind `json:"kinds" yaml:"kinds"`
	Keys            []string   `json:"keys" yaml:"keys"`
	Threshold       int        `json:"threshold" yaml:"threshold"`
	StepName        string     `json:"step_name,omitempty" yaml:"step_name"`
	ExpectedCommand []string   `json:"expected_command,omitempty" yaml:"expected_command"`
	Condition       string     `json:"condition,omitempty" yaml:"condition"`
	Requesters      []string   `json:"requesters" yaml:"requesters"`
	RequestTTL      ttl        `json:"request_ttl" yaml:"request_ttl"`
	Version         uint64     `json:"version,omitempty" yaml:"version"`
}

// ttl is a duration written as "72h" or, as the API writes it, a number
// of nanoseconds.
type ttl time.Duration

func (t *ttl) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		return t.parse(s)
	}
	var n int64
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("request_ttl must be a duration such as \"72h\"")
	}
	*t = ttl(n)
	return nil
}

func (t *ttl) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: request_ttl must be a duration such as 72h", n.Line)
	}
	if v, err := strconv.ParseInt(n.Value, 10, 64); err == nil {
		*t = ttl(v)
		return nil
	}
	return t.parse(n.Value)
}

func (t *ttl) parse(s string) error {
	d, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("request_ttl %q is not a duration such as 72h", s)
	}
	*t = ttl(d)
	return nil
}

// decodePolicy reads a JSON (starting with '{') or YAML policy document
// strictly: unknown fields, duplicate YAML keys and trailing documents are
// errors. YAML scalars are read as the text written, so key ids made of
// digits stay strings.
func decodePolicy(data []byte) (api.Policy, error) {
	var d policyDoc
	var err error
	if t := bytes.TrimLeft(data, " \t\r\n"); len(t) > 0 && t[0] == '{' {
		err = decodePolicyJSON(data, &d)
	} else {
		err = decodePolicyYAML(data, &d)
	}
	if err != nil {
		return api.Policy{}, fmt.Errorf("%w: %v (fields: name, kinds, keys, threshold, step_name, expected_command, condition, requesters, request_ttl)", errPolicyFile, err)
	}
	if d.Name == "" {
		return api.Policy{}, fmt.Errorf("%w: name is missing", errPolicyFile)
	}
	return api.Policy{Name: d.Name, Kinds: d.Kinds, Keys: d.Keys, Threshold: d.Threshold, StepName: d.StepName,
		ExpectedCommand: d.ExpectedCommand, Condition: d.Condition, Requesters: d.Requesters, RequestTTL: time.Duration(d.RequestTTL)}, nil
}

func decodePolicyJSON(data []byte, d *policyDoc) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(d); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("data after the policy object")
	}
	return nil
}

func decodePolicyYAML(data []byte, d *policyDoc) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(d); err != nil {
		if errors.Is(err, io.EOF) {
			return errors.New("the file is empty")
		}
		return err
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return errors.New("more than one document; give one policy per file")
	}
	return nil
}

func newPolicyApplyCmd(env Env) *cobra.Command {
	var cf coordFlags
	cmd := &cobra.Command{
		Use:   "apply FILE",
		Short: "Create or update a signing policy from a YAML or JSON file (admin)",
		Example: "  # policy.yaml\n  name: release-layout\n  kinds: [layout]\n  keys: [KEYID1, KEYID2, KEYID3]\n" +
			"  threshold: 2\n  requesters: [ci]\n  request_ttl: 72h\n\n  signet policy apply policy.yaml",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := ops.ReadLimited(args[0], maxPolicyFile)
			if err != nil {
				return fmt.Errorf("cannot read policy file: %w", err)
			}
			p, err := decodePolicy(data)
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			cl, err := cf.client()
			if err != nil {
				return err
			}
			res, err := cl.ApplyPolicy(cmd.Context(), p)
			if err != nil {
				return explainAPIError(err, "applying policy "+p.Name)
			}
			fmt.Fprintf(env.Stdout, "%s policy %s\n", changedWord(res.Changed, "applied", "unchanged:"), p.Name)
			return nil
		},
	}
	cf.register(cmd.Flags())
	return cmd
}

func newPolicyShowCmd(env Env) *cobra.Command {
	var cf coordFlags
	cmd := &cobra.Command{
		Use:   "show NAME",
		Short: "Show one signing policy",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cl, asJSON, err := cf.open()
			if err != nil {
				return err
			}
			p, err := cl.Policy(cmd.Context(), args[0])
			if err != nil {
				return explainAPIError(err, "reading policy "+args[0])
			}
			if asJSON {
				return printClientJSON(env, p)
			}
			return showPolicy(env, p)
		},
	}
	cf.register(cmd.Flags())
	cf.registerOutput(cmd.Flags())
	return cmd
}

func showPolicy(env Env, p api.Policy) error {
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 1, ' ', 0)
	fmt.Fprintf(tw, "name:\t%s\nversion:\t%d\nkinds:\t%s\nthreshold:\t%d of %d\n", p.Name, p.Version, kindList(p.Kinds), p.Threshold, len(p.Keys))
	for _, k := range p.Keys {
		fmt.Fprintf(tw, "key:\t%s\n", k)
	}
	fmt.Fprintf(tw, "requesters:\t%s\nrequest ttl:\t%s\n", strings.Join(p.Requesters, ", "), p.RequestTTL)
	if p.StepName != "" {
		fmt.Fprintf(tw, "step name:\t%s\n", p.StepName)
	}
	if len(p.ExpectedCommand) > 0 {
		fmt.Fprintf(tw, "expected command:\t%q\n", p.ExpectedCommand)
	}
	if p.Condition != "" {
		fmt.Fprintf(tw, "condition:\t%s\n", p.Condition)
	}
	return tw.Flush()
}

func kindList(ks []api.Kind) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return strings.Join(s, ",")
}
