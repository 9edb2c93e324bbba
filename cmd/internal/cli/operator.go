package cli

import (
	"bytes"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/signet-dev/signet/cmd/internal/ops"
	"github.com/signet-dev/signet/coordinator/api"
	"github.com/signet-dev/signet/coordinator/client"
	"github.com/signet-dev/signet/pkg/atomicfile"
)

func operatorCmd(env Env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "operator",
		Short: "Operate a coordinator cluster: raft membership and snapshots (admin)",
	}
	raftCmd := &cobra.Command{Use: "raft", Short: "List, add and remove raft servers"}
	raftCmd.AddCommand(listPeersCmd(env), addPeerCmd(env), removePeerCmd(env))
	snapCmd := &cobra.Command{Use: "snapshot", Short: "Save and restore snapshots of the cluster's state"}
	snapCmd.AddCommand(snapshotSaveCmd(env), snapshotRestoreCmd(env))
	cmd.AddCommand(raftCmd, snapCmd)
	return cmd
}

func listPeersCmd(env Env) *cobra.Command {
	cmd := listCommand(env, "List the raft servers as the answering node knows them", "raft peers",
		"ID\tRAFT ADDRESS\tAPI ADDRESS\tVOTER\tLEADER",
		(*client.Client).Peers, func(p api.Peer) string {
			return fmt.Sprintf("%s\t%s\t%s\t%t\t%t", p.ID, p.RaftAddr, orDash(p.APIAddr), p.Voter, p.Leader)
		})
	cmd.Use = "list-peers"
	return cmd
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func addPeerCmd(env Env) *cobra.Command {
	var cf coordFlags
	var id, addr string
	cmd := &cobra.Command{
		Use:   "add-peer --id ID --raft-addr HOST:PORT",
		Short: "Add a voting server (a node started without --bootstrap or --join)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if id == "" || addr == "" {
				return usageErr("give --id and --raft-addr of the node to add")
			}
			cl, err := cf.client()
			if err != nil {
				return err
			}
			if err := cl.AddPeer(cmd.Context(), id, addr); err != nil {
				return explainAPIError(err, "adding "+id)
			}
			fmt.Fprintf(env.Stdout, "added %s at %s\n", id, addr)
			return nil
		},
	}
	cf.register(cmd.Flags())
	cmd.Flags().StringVar(&id, "id", "", "node id of the server to add")
	cmd.Flags().StringVar(&addr, "raft-addr", "", "raft address of the server to add")
	return cmd
}

func removePeerCmd(env Env) *cobra.Command {
	var cf coordFlags
	cmd := &cobra.Command{
		Use:   "remove-peer ID",
		Short: "Remove a server from the raft configuration (e.g. a node that is gone for good)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cl, err := cf.client()
			if err != nil {
				return err
			}
			if err := cl.RemovePeer(cmd.Context(), args[0]); err != nil {
				return explainAPIError(err, "removing "+args[0])
			}
			fmt.Fprintf(env.Stdout, "removed %s\n", args[0])
			return nil
		},
	}
	cf.register(cmd.Flags())
	return cmd
}

func snapshotSaveCmd(env Env) *cobra.Command {
	var cf coordFlags
	cmd := &cobra.Command{
		Use:   "save FILE",
		Short: "Save a snapshot archive of the state (from the node that answers; ask the leader for the latest)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cl, err := cf.client()
			if err != nil {
				return err
			}
			// The archive is written atomically: a failed download leaves
			// no partial file behind.
			err = atomicfile.Write(args[0], 0o600, func(w io.Writer) error {
				return cl.SaveSnapshot(cmd.Context(), w)
			})
			if err != nil {
				return explainAPIError(err, "saving a snapshot")
			}
			fmt.Fprintf(env.Stdout, "saved snapshot to %s\n", args[0])
			return nil
		},
	}
	cf.register(cmd.Flags())
	return cmd
}

func snapshotRestoreCmd(env Env) *cobra.Command {
	var cf coordFlags
	cmd := &cobra.Command{
		Use:   "restore FILE",
		Short: "Replace the cluster's state with a snapshot archive (disaster recovery)",
		Long: "Replace the whole cluster's state with a snapshot archive written by `signet operator\n" +
			"snapshot save`. The archive is checked before anything changes; membership is kept;\n" +
			"requests in flight are aborted. Everything since the snapshot is lost.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := ops.ReadLimited(args[0], api.MaxSnapshotBody)
			if err != nil {
				return err
			}
			if !bytes.HasPrefix(data, []byte{0x1f, 0x8b}) {
				return usageErr("%s is not a snapshot archive (not gzip); use a file from `signet operator snapshot save`", args[0])
			}
			cl, err := cf.client()
			if err != nil {
				return err
			}
			if err := cl.RestoreSnapshot(cmd.Context(), data); err != nil {
				return explainAPIError(err, "restoring "+args[0])
			}
			fmt.Fprintf(env.Stdout, "restored the cluster's state from %s\n", args[0])
			return nil
		},
	}
	cf.register(cmd.Flags())
	return cmd
}
