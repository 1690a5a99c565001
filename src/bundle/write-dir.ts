/** Writes a bundle into a directory (plain version; the bundles issue makes it atomic). */
import { mkdirSync, writeFileSync, chmodSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Bundle } from './bundle.js';

/** Writes every file of the bundle under `dir`, creating directories, with the file modes. */
export function writeBundleToDir(bundle: Bundle, dir: string): void {
  for (const [path, f] of bundle) {
    const full = join(dir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, f.content, { mode: f.mode });
    chmodSync(full, f.mode);
  }
}
