/**
 * Where a worker thread's entry file is. A worker needs compiled JavaScript: run from the
 * TypeScript sources (the test runner), a module has no `.js` file beside it to start, and the
 * caller does the work on its own thread instead.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The compiled worker `file` beside the module at `moduleUrl` (its import.meta.url), or undefined when running from sources. */
export function compiledWorkerUrl(moduleUrl: string, file: string): URL | undefined {
  if (!moduleUrl.endsWith('.js')) return undefined;
  const url = new URL(file, moduleUrl);
  return existsSync(fileURLToPath(url)) ? url : undefined;
}
