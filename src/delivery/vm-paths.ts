/**
 * Paths on the VM that the payload scripts share (the bundle-side paths are in src/bundle/layout.ts). Nothing
 * goes under /tmp: systemd-tmpfiles-clean races with first boot, and Debian 13 mounts /tmp as a
 * tmpfs (cloud-init.md §4.2 item 8).
 */

/** State: marker, status, lock, staged configs, downloads, fetched secrets. */
export const STATE_DIR = '/var/lib/vmonboard';
/** Config files arrive here as root (write_files or embedded) and are placed after the packages. */
export const STAGED_DIR = `${STATE_DIR}/staged`;
/** Logs of the bootstrap (also copied to the console). */
export const LOG_DIR = '/var/log/vmonboard';
/** Where cloud-init's write_files puts the bootstrap; runcmd runs it from here. */
export const BOOTSTRAP_VM_PATH = `${STATE_DIR}/bootstrap.sh`;
/** The verify script on the VM; the bootstrap runs it last. */
export const VERIFY_VM_PATH = '/usr/local/sbin/vmonboard-verify';
/** The script that keeps the managed /etc/hosts block current (run by a timer). */
export const HOSTS_SCRIPT_VM_PATH = '/usr/local/sbin/vmonboard-hosts';
/** systemd unit directory for units vmonboard adds. */
export const UNIT_DIR = '/etc/systemd/system';
/**
 * SPIRE comes as a release tarball (spire-otel.md §5); its agent binary is installed under this
 * directory (bin/spire-agent) and linked from SPIRE_PATHS.bin (src/vm/paths.ts), where the unit
 * runs it.
 */
export const SPIRE_INSTALL_DIR = '/opt/spire';
/** The sidecar package's start script; `clean` removes its iptables rules (mesh-onboarding.md §2.4). */
export const ISTIO_START_SCRIPT = '/usr/local/bin/istio-start.sh';
/** The sidecar's health endpoint on the VM (Istio status port 15021; spire-otel.md §3 port table). */
export const ISTIO_READY_URL = 'http://127.0.0.1:15021/healthz/ready';
