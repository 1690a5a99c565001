/**
 * Fail-loud lookup of the external programs the validators run.
 *
 * A validator that silently skips when its consumer is missing would let broken output through, so
 * every lookup throws an Error naming the Debian package that provides the tool.
 */
import fs from 'node:fs';
import path from 'node:path';

const found = new Map<string, string>();

/**
 * Returns the absolute path of `command` (an absolute path, or a name searched on PATH); throws an
 * Error naming `debianPackage` when it is not an executable file.
 */
export function requireExecutable(command: string, debianPackage: string): string {
  const cached = found.get(command);
  if (cached !== undefined) return cached;
  const candidates = path.isAbsolute(command)
    ? [command]
    : (process.env.PATH ?? '').split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, command));
  for (const candidate of candidates) {
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) {
        found.set(command, candidate);
        return candidate;
      }
    } catch {
      // not here; keep looking
    }
  }
  throw new Error(
    `${command} not found: install the Debian package '${debianPackage}' ` +
      `(apt-get install -y ${debianPackage}); this validator never skips silently`,
  );
}
