/**
 * The NoCloud seed: how user data reaches cloud-init in the container, exactly as a cloud's
 * datasource would hand it over (the tree's cloud.cfg.d restricts cloud-init to NoCloud).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** What to seed. */
export interface NoCloudSeed {
  /** The user data, byte for byte (a rendered `#cloud-config`, a MIME archive, a script). */
  userData: string | Buffer;
  /** instance-id: a new value makes cloud-init treat the boot as a new instance. */
  instanceId: string;
  /** local-hostname for meta-data. */
  hostname?: string;
}

/** Writes /var/lib/cloud/seed/nocloud/{user-data,meta-data} into a not-yet-booted tree. */
export function writeNoCloudSeed(root: string, seed: NoCloudSeed): void {
  const dir = path.join(root, 'var/lib/cloud/seed/nocloud');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(path.join(dir, 'user-data'), seed.userData, { mode: 0o600 });
  // JSON scalars are valid YAML scalars, so the values need no further quoting.
  const meta = `instance-id: ${JSON.stringify(seed.instanceId)}\nlocal-hostname: ${JSON.stringify(seed.hostname ?? 'e2e-vm')}\n`;
  writeFileSync(path.join(dir, 'meta-data'), meta, { mode: 0o600 });
}
