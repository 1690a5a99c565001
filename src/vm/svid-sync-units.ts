/**
 * The identity design's VM half (docs/identity.md): how pilot-agent authenticates to istiod for
 * xDS without a Kubernetes token. With the SPIRE SDS socket present, pilot-agent creates no CA
 * client, so nothing provisions a client certificate (spire-otel.md §3 item 4). pilot-agent does
 * present `PROV_CERT/cert-chain.pem` + `key.pem` to istiod when both exist
 * (pkg/istio-agent/xds_proxy.go getTLSDialOption → agent.GetKeyCertsForXDS), and istiod accepts
 * client certificates first (ClientCertAuthenticator in pilot/pkg/bootstrap/server.go).
 *
 * So a oneshot service, run at boot and by a timer, fetches the sidecar's own X.509-SVID from the
 * SPIRE agent as the istio-proxy user (the registration entry's `unix:user:istio-proxy` selector)
 * with `spire-agent api fetch x509 -write <dir>` (spire_agent.md), which writes `svid.0.pem` (the
 * chain), `svid.0.key` and `bundle.0.pem` atomically (cmd/spire-agent/cli/api/fetch_x509.go,
 * diskutil). Fixed symlinks give pilot-agent the names it reads.
 */
import type { Model } from '../model/model.js';
import { renderUnit } from './systemd-unit.js';
import { sdsSocketWait, SDS_WAIT_SECONDS } from './spire-units.js';
import { ISTIO_PATHS, ISTIO_PROXY_USER, SDS_SOCKET, SPIRE_PATHS, VMONBOARD_PATHS } from './paths.js';
import { collectorCopyCommands, usesCollectorSvid } from './otel-client-cert.js';

/** The tmpfs directory the SVID is written to (/run/<RuntimeDirectory>): the workload key never reaches disk. */
export const SVID_DIR = `/run/${VMONBOARD_PATHS.svidRuntimeDir}`;
/** How often the timer refreshes the copy; SPIRE rotates X.509-SVIDs at half their TTL (default TTL 1h). */
export const SVID_REFRESH = '10min';
/** Pause between attempts after a failed fetch. */
export const SVID_RETRY = '5s';

/** Renders vmonboard-svid-sync.service. */
export function renderSvidSyncService(model: Model): string {
  return renderUnit(
    model,
    [
      'Copies the sidecar SPIFFE SVID to PROV_CERT so pilot-agent authenticates to istiod with mTLS (docs/identity.md).',
      'Runs as istio-proxy: the SPIRE Workload API returns the SVID of the calling user.',
    ],
    [
      {
        name: 'Unit',
        entries: [
          ['Description', 'vmonboard: keep the Istio sidecar SPIFFE SVID in /etc/certs for mTLS to istiod'],
          ['Wants', SPIRE_PATHS.unit],
          ['After', SPIRE_PATHS.unit],
          ['Before', ISTIO_PATHS.unit],
          // Retries must never hit the start rate limit: the sidecar cannot reach istiod until this succeeds.
          ['StartLimitIntervalSec', '0'],
        ],
      },
      {
        name: 'Service',
        entries: [
          ['Type', 'oneshot'],
          ['User', ISTIO_PROXY_USER],
          ['Group', ISTIO_PROXY_USER],
          ['RuntimeDirectory', VMONBOARD_PATHS.svidRuntimeDir],
          ['RuntimeDirectoryMode', '0700'],
          // Keep the files between runs: the symlinks in /etc/certs point into this directory.
          ['RuntimeDirectoryPreserve', 'yes'],
          ['TimeoutStartSec', String(SDS_WAIT_SECONDS + 60)],
          // A failed fetch (the agent not attested yet, the entry not synced) is retried within
          // seconds rather than at the next timer run 10 minutes later. Type=oneshot accepts
          // Restart=on-failure since systemd 244 (systemd/systemd#13754; systemd.service(5):
          // "For Type=oneshot, Restart=always and Restart=on-success are not allowed"); every
          // target ships 249 or newer.
          ['Restart', 'on-failure'],
          ['RestartSec', SVID_RETRY],
          ['ExecStartPre', sdsSocketWait()],
          ['ExecStart', `${SPIRE_PATHS.bin} api fetch x509 -silent -socketPath ${SDS_SOCKET} -timeout 30s -write ${SVID_DIR}`],
          // `+`: run with full privileges, whoever owns /etc/certs (systemd.service(5), "Command lines").
          ['ExecStart', `+/usr/bin/ln -sfn ${SVID_DIR}/svid.0.pem ${ISTIO_PATHS.certDir}/cert-chain.pem`],
          ['ExecStart', `+/usr/bin/ln -sfn ${SVID_DIR}/svid.0.key ${ISTIO_PATHS.certDir}/key.pem`],
          // The collector presents the same SVID to the OTel gateway (otel-client-cert.ts).
          ...(usesCollectorSvid(model) ? collectorCopyCommands(SVID_DIR).map((c): [string, string] => ['ExecStart', c]) : []),
        ],
      },
    ],
  );
}

/** Renders vmonboard-svid-sync.timer. */
export function renderSvidSyncTimer(model: Model): string {
  return renderUnit(
    model,
    ['Refreshes the SVID copy well within its lifetime; pilot-agent reads the files at every TLS handshake (GetClientCertificate).'],
    [
      { name: 'Unit', entries: [['Description', 'vmonboard: refresh the Istio sidecar SVID copy in /etc/certs']] },
      {
        name: 'Timer',
        entries: [
          ['OnBootSec', '1min'],
          ['OnUnitActiveSec', SVID_REFRESH],
          ['RandomizedDelaySec', '30s'],
        ],
      },
      { name: 'Install', entries: [['WantedBy', 'timers.target']] },
    ],
  );
}
