/**
 * The lock file (`vmonboard.lock/v1`): sha256 pins beside the spec, `quickstart.yaml` →
 * `quickstart.lock.yaml`. The spec says what to install; the lock says which exact bytes.
 */
import { basename, dirname, join } from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { LoadedYaml } from './load.js';
import type { WrittenLock } from './lock-types.gen.js';
import { validate as validateLockSchema } from './generated/lock-v1.gen.js';
import { schemaErrorsToDiagnostics, type SchemaError } from './schema-errors.js';

/** Returns the lock file path for a spec path (`x.yaml` → `x.lock.yaml`). */
export function lockPathFor(specPath: string): string {
  const base = basename(specPath);
  const m = /^(.*?)(\.ya?ml)?$/.exec(base)!;
  return join(dirname(specPath), `${m[1]}.lock${m[2] ?? '.yaml'}`);
}

/** Validates a loaded lock file against its schema; returns the lock or diagnostics. */
export function checkLock(loaded: LoadedYaml): { lock?: WrittenLock; diagnostics: Diagnostic[] } {
  const ok = validateLockSchema(loaded.data) as boolean;
  if (ok) return { lock: loaded.data as WrittenLock, diagnostics: [] };
  const errors = ((validateLockSchema as unknown as { errors: SchemaError[] }).errors ?? []) as SchemaError[];
  const diagnostics = schemaErrorsToDiagnostics(errors, loaded.data).map((d) => ({
    ...d,
    code: 'LOCK_INVALID' as const,
    message: `lock file: ${d.message}`,
  }));
  return { diagnostics };
}
