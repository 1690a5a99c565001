/**
 * Go's own chain verification for the e2e (go-x509/main.go): the SPIRE agent and server, istiod
 * and pilot-agent are Go programs, so a placed SVID or a server chain is also judged by
 * crypto/x509 `Verify` with the peer's extended key usage, next to the OpenSSL verdicts of the
 * stand-ins' real handshakes and `openssl verify`. Standard library only; built once per source
 * hash (GO111MODULE=off) into node_modules/.cache, like the unit tests' Go harness.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROJECT_ROOT } from '../../validators/upstream.js';
import { run } from './run.js';

const SRC = fileURLToPath(new URL('./go-x509/', import.meta.url));
const CACHE = path.join(PROJECT_ROOT, 'node_modules', '.cache', 'vmonboard-e2e-go-x509');

/** crypto/x509's verdict on one chain. */
export interface GoVerdict {
  ok: boolean;
  error?: string;
  /** The leaf's URI SANs. */
  uris: string[];
}

let built: Promise<string> | undefined;

async function build(): Promise<string> {
  const go = await run('go', ['version']).catch((e: unknown) => {
    throw new Error(`Go toolchain not found (${(e as Error).message}); the e2e identity checks need it: apt-get install golang-go`);
  });
  const hash = createHash('sha256').update(go.stdout).update(readFileSync(path.join(SRC, 'main.go'))).digest('hex').slice(0, 16);
  const bin = path.join(CACHE, hash, 'go-x509');
  if (existsSync(bin)) return bin;
  mkdirSync(path.dirname(bin), { recursive: true });
  const tmp = `${bin}.tmp-${process.pid}`;
  const r = await run('go', ['build', '-o', tmp, '.'], { cwd: SRC, env: { ...process.env, GO111MODULE: 'off', GOFLAGS: '', GOCACHE: process.env.GOCACHE ?? path.join(CACHE, 'gocache') } });
  if (r.code !== 0) throw new Error(`building test/e2e/harness/go-x509 failed: ${r.stderr.trim()}`);
  renameSync(tmp, bin); // atomic: a concurrent process sees no binary or a complete one
  return bin;
}

/** Verifies `chain` (PEM, leaf first) against `roots` (PEM) as a TLS `usage` peer, with Go's crypto/x509. */
export async function goVerify(chain: string, roots: string, usage: 'client' | 'server'): Promise<GoVerdict> {
  built ??= build().catch((e: unknown) => {
    built = undefined;
    throw e;
  });
  const r = await run(await built, [], { input: JSON.stringify({ roots, chain, usage }) });
  if (r.code !== 0) throw new Error(`go-x509 failed: ${r.stderr.trim()}`);
  return JSON.parse(r.stdout) as GoVerdict;
}
