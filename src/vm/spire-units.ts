/**
 * The SPIRE agent's systemd unit and the istio.service drop-in that orders the sidecar after it.
 *
 * SPIRE ships no unit; the project's reference is spiffe/spire-examples
 * examples/systemd/system/spire-agent@.service (spire-otel.md §5). This unit keeps its ordering,
 * restart policy and most of its hardening, but runs one plain instance, without its start.sh
 * (which passes -expandEnv), without its env files, and with the socket under Istio's path.
 */
import type { Model } from '../model/model.js';
import { renderUnit } from './systemd-unit.js';
import { ISTIO_PATHS, SDS_SOCKET, SDS_SOCKET_RUNTIME_DIR, SPIRE_AGENT_GROUP, SPIRE_PATHS, VMONBOARD_PATHS } from './paths.js';

/** How long a unit waits for the SDS socket before failing (and, with Restart=, trying again). */
export const SDS_WAIT_SECONDS = 300;

/**
 * A bounded wait for the SDS socket, for ExecStartPre. The socket appears only after node
 * attestation; if istio.service started first, pilot-agent would find no socket and start its own
 * SDS server against istiod's CA ("Workload SDS socket not found. Starting Istio SDS Server",
 * pkg/istio-agent/agent.go Run). `timeout` (coreutils) bounds it; no `$` so systemd expands nothing.
 */
export function sdsSocketWait(): string {
  return `/usr/bin/timeout ${SDS_WAIT_SECONDS} /bin/sh -c 'until [ -S ${SDS_SOCKET} ]; do sleep 2; done'`;
}

/**
 * The same bounded wait, for istio.service: the SDS socket and the SVID copy that the sync unit
 * links into PROV_CERT. pilot-agent reads cert-chain.pem and key.pem at each TLS handshake to
 * istiod and sends no client certificate when either is missing (pkg/istio-agent/xds_proxy.go
 * getTLSDialOption → GetKeyCertsForXDS); without a token istiod then rejects the first xDS
 * stream, so the sidecar starts only once both files exist. `-s` follows the symlinks into
 * /run/vmonboard-svid and needs a non-empty file.
 */
export function sdsAndSvidWait(): string {
  return `/usr/bin/timeout ${SDS_WAIT_SECONDS} /bin/sh -c 'until [ -S ${SDS_SOCKET} ] && [ -s ${ISTIO_PATHS.certDir}/cert-chain.pem ] && [ -s ${ISTIO_PATHS.certDir}/key.pem ]; do sleep 2; done'`;
}

/**
 * Renders spire-agent.service. It runs as root (as the upstream example does: the agent reads
 * host keys and tokens wherever the spec points) but with primary group `spire`, the group
 * cluster.env exempts from the sidecar's capture (iptables owner match on the socket's group).
 */
export function renderSpireAgentUnit(model: Model): string {
  return renderUnit(
    model,
    [
      'Based on spiffe/spire-examples examples/systemd/system/spire-agent@.service (ordering, Restart=, hardening).',
      'Never add -expandEnv: it would expand $VAR in the config (spire_agent.md).',
    ],
    [
      {
        name: 'Unit',
        entries: [
          ['Description', 'SPIRE Agent: node attestation and the SDS socket of the Istio sidecar'],
          ['Documentation', 'https://github.com/spiffe/spire/blob/v1.15.3/doc/spire_agent.md'],
          ['After', 'network-online.target local-fs.target time-sync.target'],
          ['Wants', 'network-online.target'],
          ['Before', `${ISTIO_PATHS.unit} ${VMONBOARD_PATHS.svidSyncService}`],
          ['StartLimitIntervalSec', '0'],
        ],
      },
      {
        name: 'Service',
        entries: [
          ['Group', SPIRE_AGENT_GROUP],
          ['ExecStart', `${SPIRE_PATHS.bin} run -config ${SPIRE_PATHS.config}`],
          ['WorkingDirectory', SPIRE_PATHS.dataDir],
          // StateDirectory= creates /var/lib/spire/agent and keeps it writable under ProtectSystem=strict.
          ['StateDirectory', 'spire/agent'],
          ['StateDirectoryMode', '0700'],
          // The SDS socket directory, writable under ProtectSystem=strict; kept across restarts as upstream does.
          ['RuntimeDirectory', SDS_SOCKET_RUNTIME_DIR],
          ['RuntimeDirectoryMode', '0755'],
          ['RuntimeDirectoryPreserve', 'yes'],
          ['Restart', 'always'],
          ['RestartSec', '5s'],
          ['LockPersonality', 'true'],
          ['NoNewPrivileges', 'true'],
          ['PrivateTmp', 'true'],
          ['ProtectControlGroups', 'true'],
          ['ProtectHome', 'read-only'],
          ['ProtectKernelModules', 'true'],
          ['ProtectKernelTunables', 'true'],
          ['ProtectSystem', 'strict'],
          ['RestrictAddressFamilies', 'AF_UNIX AF_INET AF_INET6 AF_NETLINK'],
          ['RestrictRealtime', 'yes'],
        ],
      },
      { name: 'Install', entries: [['WantedBy', 'multi-user.target']] },
    ],
  );
}

/**
 * Renders the istio.service drop-in: pull in and order after the SPIRE agent and the SVID sync,
 * then wait for the SDS socket and the SVID files. Wants= rather than Requires=, so restarting the SPIRE agent does
 * not restart the sidecar (Envoy reconnects to SDS by itself). The packaged unit has
 * Restart=always and StartLimitIntervalSec=0 (tools/packaging/common/istio.service), so a wait
 * that times out is retried rather than falling back to istiod's CA.
 */
export function renderIstioDropIn(model: Model): string {
  const after = `${SPIRE_PATHS.unit} ${VMONBOARD_PATHS.svidSyncService}`;
  return renderUnit(
    model,
    ['Drop-in for istio.service from the istio-sidecar package: start only once the SPIRE SDS socket and the SVID copy in /etc/certs exist.'],
    [
      {
        name: 'Unit',
        entries: [
          ['Wants', `network-online.target ${after}`],
          ['After', `network-online.target ${after}`],
        ],
      },
      {
        name: 'Service',
        entries: [
          // TimeoutStartSec covers ExecStartPre; the default (90s) is shorter than the wait.
          ['TimeoutStartSec', String(SDS_WAIT_SECONDS + 30)],
          ['ExecStartPre', sdsAndSvidWait()],
        ],
      },
    ],
  );
}
