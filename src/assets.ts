/**
 * Locates packaged assets (schemas/, templates/, charts/) from both src/ (tests) and dist/src/
 * (the installed CLI): they sit at the package root, one or two levels above this file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
/** Absolute path of the package root. */
export const PACKAGE_ROOT = [join(here, '..'), join(here, '..', '..')].find((d) => existsSync(join(d, 'package.json')) && existsSync(join(d, 'schemas')))!;

/** Reads an asset relative to the package root as UTF-8. */
export function readAsset(relPath: string): string {
  return readFileSync(join(PACKAGE_ROOT, relPath), 'utf8');
}

/** Absolute path of an asset relative to the package root. */
export function assetPath(relPath: string): string {
  return join(PACKAGE_ROOT, relPath);
}
