/**
 * Edits a rendered `#cloud-config` the way a careless hand would, for the scenarios that must
 * show the harness catches a broken payload. Parsed and dumped with js-yaml (every string
 * quoted), so only the intended defect differs from the rendered payload.
 */
import jsYaml from 'js-yaml';

/** One write_files item as vmonboard renders it (and as a naive payload might add it). */
export interface WriteFileItem {
  path: string;
  owner?: string;
  permissions?: string;
  content: string;
}

/** The parts of the cloud-config the edits touch. */
export interface EditableCloudConfig {
  write_files: WriteFileItem[];
  runcmd: unknown[];
  [key: string]: unknown;
}

/** Returns `userData` with `edit` applied to its parsed cloud-config. */
export function editUserData(userData: string, edit: (cfg: EditableCloudConfig) => void): string {
  if (!userData.startsWith('#cloud-config\n')) throw new Error('not a #cloud-config');
  const cfg = jsYaml.load(userData) as EditableCloudConfig;
  edit(cfg);
  return `#cloud-config\n${jsYaml.dump(cfg, { forceQuotes: true, lineWidth: -1 })}`;
}

/** The write_files item whose path ends with `suffix`; throws when there is none. */
export function stagedFile(cfg: EditableCloudConfig, suffix: string): WriteFileItem {
  const f = cfg.write_files.find((w) => w.path.endsWith(suffix));
  if (!f) throw new Error(`no write_files item ending in ${suffix}: ${cfg.write_files.map((w) => w.path).join(', ')}`);
  return f;
}
