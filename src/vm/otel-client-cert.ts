/**
 * Telemetry authenticated with the VM's identity: the collector's OTLP exporter presents the
 * sidecar's X.509-SVID as its TLS client certificate, so the in-cluster OTel gateway can require
 * client certificates (`client_ca_file` = the mesh root CA) and nobody else who reaches the otlp
 * port can push data.
 *
 * The SVID sync unit (svid-sync-units.ts) already fetches that SVID into a root-only tmpfs
 * directory as istio-proxy; it also copies the chain and key into COLLECTOR_SVID_DIR, owned by
 * the collector's user (the workload key stays on tmpfs). Each copy is written to a temporary
 * name and renamed, so the collector never reads a half-written file.
 *
 * Rotation: configtls `reload_interval` (opentelemetry-collector v0.159.0,
 * config/configtls/configtls.go certReloader.GetCertificate): on a TLS handshake later than
 * ReloadInterval after the last load, the cert and key files are read again; a failed read fails
 * that handshake and is retried at the next one. The copy is refreshed every SVID_REFRESH, so a
 * shorter reload interval picks the new SVID up at the next connection. Without reload_interval
 * the certificate is never reloaded ("If not set, it will never be reloaded", configtls
 * config.schema.yaml), and the SVID would expire under a long-running collector.
 * The files must exist when the collector starts: configtls loads them at start
 * (newCertReloader → loadCertificate), so the collector is ordered after the sync unit.
 */
import type { Model } from '../model/model.js';
import { OTEL_PATHS, OTEL_USER, VMONBOARD_PATHS } from './paths.js';
import { renderUnit } from './systemd-unit.js';

/** systemd RuntimeDirectory-style tmpfs directory of the collector's copy (vmonboard's choice). */
export const COLLECTOR_SVID_DIR = '/run/vmonboard-otel-svid';
/** The collector's client certificate chain (the SVID followed by its intermediates). */
export const COLLECTOR_SVID_CERT = `${COLLECTOR_SVID_DIR}/svid.pem`;
/** The collector's client key. */
export const COLLECTOR_SVID_KEY = `${COLLECTOR_SVID_DIR}/svid.key`;
/** configtls reload_interval: shorter than the sync timer's period (10min), so a new copy is used within it. */
export const COLLECTOR_CERT_RELOAD = '5m';
/** Where the drop-in goes; placed before the package is installed (its deb postinst starts the service). */
export const COLLECTOR_SVID_DROP_IN = `/etc/systemd/system/${OTEL_PATHS.unit}.d/20-vmonboard-svid.conf`;

/** True when the collector presents the SVID (telemetry on, and not opted out). */
export function usesCollectorSvid(model: Model): boolean {
  return model.flavor === 'istio' && model.telemetry.enabled && model.telemetry.gateway.clientCertificate === 'svid';
}

/** The exporter's TLS client settings (configtls ClientConfig) for the SVID. */
export function collectorClientTls(): { cert_file: string; key_file: string; reload_interval: string } {
  return { cert_file: COLLECTOR_SVID_CERT, key_file: COLLECTOR_SVID_KEY, reload_interval: COLLECTOR_CERT_RELOAD };
}

/**
 * ExecStart lines for the sync service that hand the collector its copy. `+` runs them with full
 * privileges (systemd.service(5)): the sync service itself runs as istio-proxy. `install` sets
 * owner and mode on the temporary name; `mv -f` is a rename within one tmpfs, atomic per file.
 */
export function collectorCopyCommands(svidDir: string): string[] {
  const own = ['-o', OTEL_USER, '-g', OTEL_USER];
  const copy = (from: string, to: string): string[] => [
    `+/usr/bin/install ${own.join(' ')} -m 0600 ${svidDir}/${from} ${to}.tmp`,
    `+/usr/bin/mv -f ${to}.tmp ${to}`,
  ];
  return [
    `+/usr/bin/install -d ${own.join(' ')} -m 0700 ${COLLECTOR_SVID_DIR}`,
    ...copy('svid.0.key', COLLECTOR_SVID_KEY),
    ...copy('svid.0.pem', COLLECTOR_SVID_CERT),
    // A collector that was skipped (no SVID yet) starts now; a running one is left alone.
    `+/usr/bin/systemctl start --no-block ${OTEL_PATHS.unit}`,
  ];
}

/**
 * The collector drop-in: order after the sync unit and skip the start while there is no SVID.
 * The deb postinst starts the collector during package installation, before SPIRE has attested;
 * without the condition it would fail and hit its start limit. ConditionPathExists= makes that
 * start a no-op instead, and the sync unit's `systemctl start --no-block` starts it once the copy
 * exists (systemd.unit(5): a failed condition skips the unit without marking it failed).
 */
export function renderCollectorSvidDropIn(model: Model): string {
  return renderUnit(
    model,
    ['Drop-in for otelcol-contrib.service: the OTLP exporter presents the VM SVID, so start only once the SVID sync unit has copied it.'],
    [
      {
        name: 'Unit',
        entries: [
          ['After', VMONBOARD_PATHS.svidSyncService],
          ['ConditionPathExists', COLLECTOR_SVID_CERT],
          ['ConditionPathExists', COLLECTOR_SVID_KEY],
        ],
      },
    ],
  );
}
