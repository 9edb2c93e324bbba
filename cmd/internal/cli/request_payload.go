package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/signet-dev/signet/cmd/internal/ops"

	"github.com/signet-dev/signet/coordinator/api"
	"github.com/signet-dev/signet/pkg/dsse"
	"github.com/signet-dev/signet/pkg/intoto"
)

// maxPayloadFile bounds a payload file (the API takes 6 MiB bodies).
const maxPayloadFile = 4 << 20

var errPayload = errors.New("invalid payload")

type reqPayload struct {
	payloadType string
	data        []byte
}

// requestPayload builds a request's payload from a file (or, for
// step-collect, from --step).
func requestPayload(env Env, kind api.Kind, path, step string) (reqPayload, error) {
	switch kind {
	case api.KindLayout, api.KindLink, api.KindStatement:
		if step != "" {
			return reqPayload{}, usageErr("--step is for step-collect requests")
		}
	case api.KindStepCollect:
		if step != "" {
			if path != "" {
				return reqPayload{}, usageErr("give --step or --payload, not both")
			}
			return stepCollectPayload(step)
		}
	default:
		return reqPayload{}, usageErr("--kind must be layout, link, statement or step-collect")
	}
	if path == "" {
		return reqPayload{}, usageErr("give --payload FILE")
	}
	data, err := ops.ReadLimited(path, maxPayloadFile)
	if err != nil {
		return reqPayload{}, fmt.Errorf("cannot read payload: %w", err)
	}
	p, err := decodePayload(env, kind, data)
	if err != nil {
		return reqPayload{}, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}

func stepCollectPayload(step string) (reqPayload, error) {
	if err := intoto.ValidateName(step); err != nil {
		return reqPayload{}, usageErr("--step %q: %v", step, err)
	}
	data, err := json.Marshal(map[string]string{"step": step})
	if err != nil {
		return reqPayload{}, err
	}
	return reqPayload{payloadType: api.PayloadTypeStepCollect, data: data}, nil
}

// decodePayload takes the payload out of a metablock or DSSE envelope, or
// the bare payload, and checks that it decodes strictly as kind.
func decodePayload(env Env, kind api.Kind, data []byte) (reqPayload, error) {
	if kind == api.KindStepCollect {
		var sc struct {
			Step string `json:"step"`
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&sc); err != nil || dec.More() {
			return reqPayload{}, fmt.Errorf(`%w: a step-collect payload is {"step": "NAME"} (or use --step NAME)`, errPayload)
		}
		return stepCollectPayload(sc.Step)
	}
	if wrapped(data) {
		doc, err := intoto.ReadDocument(data)
		if err != nil {
			return reqPayload{}, fmt.Errorf("%w: %w", errPayload, err)
		}
		if err := checkType(kind, doc.Type()); err != nil {
			return reqPayload{}, err
		}
		if n := len(doc.KeyIDs()); n > 0 {
			fmt.Fprintf(env.Stderr, "signet: the file's %d signature(s) are not sent; the policy's signers sign the payload\n", n)
		}
		data = doc.PayloadJSON()
	}
	if err := checkBare(kind, data); err != nil {
		return reqPayload{}, err
	}
	return reqPayload{payloadType: dsse.PayloadTypeInToto, data: bytes.Clone(data)}, nil
}

// wrapped reports whether data is a JSON object with the members of a
// metablock or DSSE envelope.
func wrapped(data []byte) bool {
	var top map[string]json.RawMessage
	if json.Unmarshal(data, &top) != nil {
		return false
	}
	for _, k := range []string{"signed", "signatures", "payloadType", "payload"} {
		if _, ok := top[k]; ok {
			return true
		}
	}
	return false
}

func checkType(kind api.Kind, typ string) error {
	want := map[api.Kind][]string{
		api.KindLayout: {intoto.TypeLayout}, api.KindLink: {intoto.TypeLink},
		api.KindStatement: {intoto.StatementTypeV1, intoto.StatementTypeV01},
	}[kind]
	for _, w := range want {
		if typ == w {
			return nil
		}
	}
	return fmt.Errorf("%w: the file holds a %q, not a %s (fix --kind)", errPayload, typ, kind)
}

// checkBare decodes a bare payload strictly as kind.
func checkBare(kind api.Kind, data []byte) error {
	var err error
	switch kind {
	case api.KindLayout:
		_, err = intoto.DecodeLayout(data)
	case api.KindLink:
		_, err = intoto.DecodeLink(data)
	case api.KindStatement:
		_, err = intoto.DecodeStatement(data)
	}
	if err != nil {
		return fmt.Errorf("%w: not a valid %s: %w", errPayload, kind, err)
	}
	return nil
}
