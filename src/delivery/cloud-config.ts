/**
 * The `#cloud-config` wrapper: one part, `#cloud-config` at byte 0, LF only, no BOM, built as an
 * object and written by the one YAML serializer (architecture guide §4). `write_files` writes the
 * bootstrap, which carries every file it stages; one `runcmd` runs it. Only modules and keys
 * present in cloud-init 22.2 (Amazon Linux 2023 ships 22.2.2, the oldest among our targets;
 * cloud-init.md §1.5): no `defer`, no `source`, no jinja.
 */
import { dumpYaml } from '../render/yaml.js';
import { encodeGzipBase64 } from '../bundle/gzip-base64.js';
import { BOOTSTRAP_VM_PATH } from './vm-paths.js';
import { late } from '../translate/late-values.js';

/** The gz+b64 text of one script: a late value (translate/late-values.ts), taken over each VM's own bootstrap. */
const gzipBase64Of = ([text]: readonly string[]): string => encodeGzipBase64(text!);

/**
 * Top-level keys a vmonboard `#cloud-config` may use, each present in cloud-init 22.2:
 * - write_files: cc_write_files, network stage (cloud-init.md §2.1, §2.2); `defer` (21.4) and
 *   `source` (24.3) are not used.
 * - runcmd: cc_runcmd, written in the config stage and run by scripts_user in final (§2.2).
 */
export const CLOUD_CONFIG_KEYS = ['write_files', 'runcmd'] as const;

/**
 * The write_files encoding of the bootstrap: gzip, then base64. cc_write_files has decoded
 * `gz+b64` since long before 22.2 (the 22.4.2 schema lists it; cloud-init.md §2.2 records a
 * tested decode with 22.4.2).
 */
export const BOOTSTRAP_ENCODING = 'gz+b64';

/** One write_files item (the subset of the 22.2 schema we use). */
export interface WriteFile {
  path: string;
  owner: string;
  permissions: string;
  encoding: typeof BOOTSTRAP_ENCODING;
  content: string;
}

/** The cloud-config object of one VM. */
export interface CloudConfig {
  write_files: WriteFile[];
  runcmd: string[][];
}

/**
 * Builds the cloud-config object: the bootstrap, root-only (0700), and runcmd running it with bash
 * (runcmd's own script is `#!/bin/sh` without `set -e`, so it must be a single call;
 * cloud-init.md §2.2). The bootstrap stages its files itself, so no file content is both in
 * write_files and in the script.
 */
export function buildCloudConfig(bootstrap: string): CloudConfig {
  return {
    // A quoted permissions string: PyYAML reads an unquoted 0700 as the integer 448 (cloud-init.md §2.2).
    // The payload is gzipped as ONE stream: the script with every file it stages compresses to
    // about a third, while gzipping files one by one would inflate each through base64
    // (cloud-init.md §1.6). That is what keeps a whole VM's user data within EC2's 16,384 raw
    // bytes. Deterministic for a given zlib: no name, mtime 0 (bundle/gzip-base64.ts).
    write_files: [{ path: BOOTSTRAP_VM_PATH, owner: 'root:root', permissions: '0700', encoding: BOOTSTRAP_ENCODING, content: late([bootstrap], gzipBase64Of) }],
    runcmd: [['/bin/bash', BOOTSTRAP_VM_PATH]],
  };
}

/** Serializes the cloud-config: `#cloud-config` at byte 0, the generated-file header, then the YAML. */
export function renderCloudConfig(config: CloudConfig, header: string): string {
  return `#cloud-config\n${header}${dumpYaml(config)}`;
}
