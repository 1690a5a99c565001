/**
 * Where the read-only upstream files live, and how validators read them.
 *
 * Tests must judge our output against the real upstream files in `../shared/upstream/` (see
 * `shared/upstream/SOURCES.md`), never against copies inside the project. The path is derived from
 * this module's own location, so a test run from any working directory finds the same files.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import jsYaml from 'js-yaml';

/** Walks up from this module until it finds the `vmonboard` package.json; cwd is never consulted. */
function findProjectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      const name = (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name;
      if (name === 'vmonboard') return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the vmonboard project root above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/** Absolute path of the project root (the directory holding vmonboard's package.json). */
export const PROJECT_ROOT = findProjectRoot();

/** Absolute path of `shared/upstream/`, resolved as `<project root>/../shared/upstream`. */
export const UPSTREAM_DIR = path.resolve(PROJECT_ROOT, '../shared/upstream');

/** Returns the absolute path of a file under `shared/upstream/` given its path relative to that folder. */
export function upstreamPath(relative: string): string {
  return path.join(UPSTREAM_DIR, relative);
}

/** Reads an upstream file as UTF-8; throws naming the file when it is missing, because a validator without its oracle must not pass. */
export function readUpstream(relative: string): string {
  const file = upstreamPath(relative);
  if (!fs.existsSync(file)) {
    throw new Error(`upstream file missing: ${file} (listed in shared/upstream/SOURCES.md); the validator cannot run without it`);
  }
  return fs.readFileSync(file, 'utf8');
}

/** Reads and parses an upstream YAML (single document) or JSON file. */
export function readUpstreamYaml(relative: string): unknown {
  return jsYaml.load(readUpstream(relative), { filename: relative });
}

/** Lists files under an upstream folder (recursively) whose base name equals `baseName`, as paths relative to `shared/upstream/`. */
export function findUpstreamFiles(folder: string, baseName: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const entry of fs.readdirSync(upstreamPath(rel), { withFileTypes: true })) {
      const child = path.posix.join(rel, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (entry.name === baseName) out.push(child);
    }
  };
  if (!fs.existsSync(upstreamPath(folder))) throw new Error(`upstream folder missing: ${upstreamPath(folder)}`);
  walk(folder);
  return out.sort();
}

/** True for a plain JSON object (not an array, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Escapes one JSON-pointer reference token (RFC 6901). */
export function escapePointerToken(token: string | number): string {
  return String(token).replace(/~/g, '~0').replace(/\//g, '~1');
}
