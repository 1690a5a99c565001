/**
 * The contract between the VM agent configs (src/vm/) and the payloads (src/delivery/): every
 * file an agent needs on the VM, with where it goes, who owns it and which units to restart
 * when it changes. The bundle has each file under vms/<namespace>/<workload>/<platform>/<bundlePath>;
 * the payload embeds the same bytes and places them after the packages are installed.
 */

/** One configuration file destined for a VM. */
export interface AgentFile {
  /** Which agent it configures. */
  agent: 'istio' | 'spire' | 'otel' | 'vmonboard';
  /** Relative path under vms/<namespace>/<workload>/<platform>/ in the bundle (e.g. 'spire/agent.conf'). */
  bundlePath: string;
  /** Absolute path on the VM (e.g. '/etc/spire/agent/agent.conf'). */
  vmPath: string;
  content: string;
  /** Final owner and group (may be users that the packages create). */
  owner: string;
  group: string;
  /** Final mode on the VM. */
  mode: 0o644 | 0o640 | 0o600 | 0o755 | 0o750;
  /** systemd units to restart when this file changes (empty: none). */
  restarts: string[];
  /**
   * How the payload installs it. 'file' (the default when absent) writes vmPath with owner, group
   * and mode. 'hosts-block' merges the content into vmPath (/etc/hosts) as a managed block
   * between HOSTS_BLOCK_BEGIN and HOSTS_BLOCK_END (src/vm/hosts-block.ts), first replacing
   * GATEWAY_IP_PLACEHOLDER with the resolved gateway address when hostsBlockResolution() says so.
   */
  install?: 'file' | 'hosts-block';
}
