/**
 * The `#cloud-config` wrapper: one part, `#cloud-config` at byte 0, LF only, no BOM, built as an
 * object and written by the one YAML serializer (architecture guide §4). `write_files` stages the
 * configs and the bootstrap as root; one `runcmd` item runs the bootstrap. Only modules and keys
 * present in cloud-init 22.2 (Amazon Linux 2023 ships 22.2.2, the oldest among our targets;
 * cloud-init.md §1.5): no `defer`, no `source`, no jinja.
 */
import { dumpYaml } from '../render/yaml.js';
import { BOOTSTRAP_VM_PATH, STAGED_DIR } from './vm-paths.js';

/**
 * Top-level keys a vmonboard `#cloud-config` may use, each present in cloud-init 22.2:
 * - write_files: cc_write_files, network stage (cloud-init.md §2.1, §2.2); `defer` (21.4) and
 *   `source` (24.3) are not used.
 * - runcmd: cc_runcmd, written in the config stage and run by scripts_user in final (§2.2).
 */
export const CLOUD_CONFIG_KEYS = ['write_files', 'runcmd'] as const;

/** One write_files item (the subset of the 22.2 schema we use). */
export interface WriteFile {
  path: string;
  owner: string;
  permissions: string;
  content: string;
}

/** The cloud-config object of one VM. */
export interface CloudConfig {
  write_files: WriteFile[];
  runcmd: string[][];
}

/**
 * Builds the cloud-config object: every staged file root-only under the staged directory, the
 * bootstrap 0700, and runcmd running it with bash (runcmd's own script is `#!/bin/sh` without
 * `set -e`, so it must be a single call; cloud-init.md §2.2).
 */
export function buildCloudConfig(bootstrap: string, staged: Array<{ rel: string; content: string }>): CloudConfig {
  const write_files: WriteFile[] = staged.map((s) => ({
    path: `${STAGED_DIR}/${s.rel}`,
    owner: 'root:root',
    // A quoted string: PyYAML reads an unquoted 0600 as the integer 384 (cloud-init.md §2.2).
    permissions: '0600',
    content: s.content,
  }));
  write_files.push({ path: BOOTSTRAP_VM_PATH, owner: 'root:root', permissions: '0700', content: bootstrap });
  return { write_files, runcmd: [['/bin/bash', BOOTSTRAP_VM_PATH]] };
}

/** Serializes the cloud-config: `#cloud-config` at byte 0, the generated-file header, then the YAML. */
export function renderCloudConfig(config: CloudConfig, header: string): string {
  return `#cloud-config\n${header}${dumpYaml(config)}`;
}
