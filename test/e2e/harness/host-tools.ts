/**
 * The host programs the end-to-end harness needs, looked up fail-loud.
 *
 * The e2e suite is the only check that the payloads work on a booted machine; skipping it when a
 * tool is missing would turn "not tested" into "passed". So every lookup throws an Error that
 * names the Debian package to install (issue 7: "fails loudly, with the missing package named").
 */
import { requireExecutable } from '../../validators/require-tool.js';

/** Each tool the harness runs on the host, with the Debian package that provides it. */
export const E2E_HOST_TOOLS = {
  debootstrap: 'debootstrap',
  'systemd-nspawn': 'systemd-container',
  nsenter: 'util-linux',
  flock: 'util-linux',
  mount: 'mount',
  umount: 'mount',
  'dpkg-deb': 'dpkg',
  tar: 'tar',
  openssl: 'openssl',
} as const;

/** A tool name from {@link E2E_HOST_TOOLS}. */
export type E2eHostTool = keyof typeof E2E_HOST_TOOLS;

/** Returns the absolute path of `tool`, or throws naming its Debian package. */
export function requireHostTool(tool: E2eHostTool): string {
  return requireExecutable(tool, E2E_HOST_TOOLS[tool]);
}

/**
 * Checks every tool at once and that we run as root (debootstrap, mount and nspawn need it);
 * throws one Error listing everything missing, so a fresh CI machine learns the whole apt line.
 */
export function requireE2eHost(): void {
  const missing: string[] = [];
  for (const tool of Object.keys(E2E_HOST_TOOLS) as E2eHostTool[]) {
    try {
      requireHostTool(tool);
    } catch {
      missing.push(`${tool} (Debian package '${E2E_HOST_TOOLS[tool]}')`);
    }
  }
  if (missing.length > 0) {
    const pkgs = [...new Set(missing.map((m) => /'([^']+)'/.exec(m)![1]))].join(' ');
    throw new Error(`e2e harness: missing host tools: ${missing.join(', ')}. Install them: apt-get install -y ${pkgs}`);
  }
  if (process.getuid?.() !== 0) {
    throw new Error('e2e harness: must run as root (debootstrap, overlay mounts and systemd-nspawn -b need it)');
  }
}
