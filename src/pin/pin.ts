/**
 * `vmonboard pin`: download every artifact the spec's targets need (from the mirror or the
 * given URLs, every package format and arch in use), compute their sha256 and write the lock
 * file; with `verify`, download again and compare with the lock without writing anything.
 * The lock (`vmonboard.lock/v1`, schemas/lock-v1) is written deterministically, in the format
 * scripts/write-sample-locks.mjs writes: js-yaml with every string double-quoted, no wrapping,
 * artifacts sorted by component, version, format and arch as the schema describes.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import jsYaml from 'js-yaml';
import { validateSpecFile } from '../api.js';
import { writeFileAtomic } from '../bundle/safe-file.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { sortDiagnostics } from '../diagnostics/diagnostic.js';
import type { ArtifactPin, Model } from '../model/model.js';
import { lockPathFor } from '../spec/lock.js';
import type { ReadSpecOptions } from '../spec/read-spec.js';
import type { WrittenLock } from '../spec/lock-types.gen.js';
import { downloadAndHash, DownloadError, downloadText, type DownloadOptions } from './download.js';
import type { PinProgress } from './progress.js';
import { checksumSourceFor, parseChecksumFile } from './published-checksums.js';

/** One lock entry. */
export type LockEntry = WrittenLock['artifacts'][number];

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Formats a lock file for `specName` (a base name, for the header) from its entries. */
export function formatLock(entries: readonly LockEntry[], specName: string): string {
  const artifacts = [...entries]
    .sort((a, b) => cmp(a.component, b.component) || cmp(a.version, b.version) || cmp(a.format, b.format) || cmp(a.arch, b.arch))
    .map((e) => ({ component: e.component, version: e.version, format: e.format, arch: e.arch, url: e.url, sha256: e.sha256 }));
  const header =
    `# Written by vmonboard pin from ${specName.replace(/[\r\n]/g, ' ')}: the sha256 of every artifact its targets need.\n` +
    '# Run `vmonboard pin` again after changing versions, targets or the mirror; `vmonboard pin --verify` re-checks the pins.\n';
  return header + jsYaml.dump({ apiVersion: 'vmonboard.lock/v1', kind: 'ArtifactLock', artifacts }, { forceQuotes: true, quotingType: '"', lineWidth: -1 });
}

/** Options of pinSpecFile. */
export interface PinOptions extends Omit<ReadSpecOptions, 'ignoreLock'> {
  /** Re-download and compare with the existing lock; write nothing. */
  verify?: boolean;
  /** Hash copies already on disk (an air-gapped mirror) instead of downloading: DIR/<component>/<version>/<file> or DIR/<file>. */
  fromDir?: string;
  /** Download every artifact even where upstream publishes its checksum (verify always does). */
  fullDownload?: boolean;
  progress?: PinProgress;
  /** Download settings for tests (timeouts); trust comes from the spec. */
  download?: Pick<DownloadOptions, 'timeoutMs' | 'maxBytes'>;
}

/** The outcome: findings, the entries downloaded, and the lock file (written unless verify or failed). */
export interface PinResult {
  diagnostics: Diagnostic[];
  sources: Map<string, string>;
  lockFile: string;
  entries: LockEntry[];
  written: boolean;
  /** Downloads that failed on the remote side (network, proxy, HTTP status), not for trust or checksum reasons. */
  remoteFailures: number;
}

/** Label of one artifact for progress and messages. */
export function artifactLabel(p: Pick<ArtifactPin, 'component' | 'version' | 'format' | 'arch'>): string {
  return `${p.component} ${p.version} ${p.format}/${p.arch}`;
}

/** The mirror CA as PEM; a CA given by URL is fetched first, trusting the system roots. */
async function mirrorCA(model: Model): Promise<string | undefined> {
  const ca = model.artifacts.mirrorCA;
  if (!ca) return undefined;
  if (ca.kind === 'inline') return ca.content;
  try {
    return await downloadText(ca.url);
  } catch (err) {
    if (err instanceof DownloadError) throw new DownloadError(`${err.message} (the mirror CA)`);
    throw err;
  }
}

/** The ARTIFACT_CHECKSUM_MISMATCH finding of an artifact whose bytes changed. */
function mismatch(label: string, from: string, got: string, pinned: string, lockFile: string): Diagnostic {
  return {
    severity: 'error',
    code: 'ARTIFACT_CHECKSUM_MISMATCH',
    message: `${label} from ${from} has sha256 ${got}, but the lock file pins ${pinned}; the artifact changed or was tampered with: do not install it, and run \`vmonboard pin\` only if the new bytes are trusted`,
    pointer: '/artifacts',
    file: lockFile,
  };
}

/** The sha256 upstream publishes for a pin (published-checksums.ts), or undefined to download it instead. */
async function readPublishedChecksum(pin: ArtifactPin, dl: Omit<DownloadOptions, 'onProgress'>): Promise<{ sha256: string; url: string } | undefined> {
  const src = checksumSourceFor(pin);
  if (!src) return undefined;
  try {
    const sha256 = parseChecksumFile(await downloadText(src.url, { ...dl, maxBytes: 64 * 1024 }), src.file);
    return sha256 ? { sha256, url: src.url } : undefined;
  } catch (err) {
    // A missing or unreadable checksum file is not a failure: the full download decides.
    if (err instanceof DownloadError) return undefined;
    throw err;
  }
}

/** Hashes the local copy of a pin under `dir` (mirror layout first, then the bare file name). */
async function hashLocalCopy(dir: string, pin: ArtifactPin): Promise<{ sha256: string; path: string } | { missing: string[] }> {
  const file = decodeURIComponent(basename(new URL(pin.url).pathname));
  const candidates = [join(dir, pin.component, pin.version, file), join(dir, file)];
  const path = candidates.find((p) => existsSync(p));
  if (!path) return { missing: candidates };
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return { sha256: hash.digest('hex'), path };
}

/**
 * Pins (or, with `verify`, re-checks) the artifacts of a spec. Download failures and checksum
 * mismatches are ARTIFACT_DOWNLOAD_FAILED / ARTIFACT_CHECKSUM_MISMATCH errors about the lock
 * file; the lock is written only when every download succeeded.
 */
export async function pinSpecFile(specPath: string, opts: PinOptions = {}): Promise<PinResult> {
  const { verify, progress, download, fromDir, fullDownload, ...readOpts } = opts;
  const lockFile = readOpts.lockFile ?? (specPath === '-' ? 'vmonboard.lock.yaml' : lockPathFor(specPath));
  // Pinning resolves URLs without the lock; verifying needs the lock's pins to compare with.
  const v = await validateSpecFile(specPath, verify ? readOpts : { ...readOpts, ignoreLock: true });
  const base = { sources: v.sources, lockFile, entries: [] as LockEntry[], written: false, remoteFailures: 0 };
  if (!v.model) return { ...base, diagnostics: v.diagnostics };
  const model = v.model;
  const found: Diagnostic[] = [];
  let extraCA: string | undefined;
  try {
    extraCA = await mirrorCA(model);
  } catch (err) {
    if (!(err instanceof DownloadError)) throw err;
    const d = v.locate([{ severity: 'error', code: 'ARTIFACT_DOWNLOAD_FAILED', message: err.message, pointer: '/artifacts/mirrorCA' }]);
    return { ...base, diagnostics: sortDiagnostics([...v.diagnostics, ...d]), remoteFailures: err.untrusted ? 0 : 1 };
  }
  const entries: LockEntry[] = [];
  let remoteFailures = 0;
  for (const pin of model.artifacts.pins) {
    const label = artifactLabel(pin);
    if (fromDir) {
      const got = await hashLocalCopy(fromDir, pin);
      if ('missing' in got) {
        found.push({ severity: 'error', code: 'ARTIFACT_FILE_MISSING', message: `cannot pin ${label} from ${fromDir}: neither ${got.missing.join(' nor ')} exists; copy ${pin.url} there`, pointer: '/artifacts', file: lockFile });
        continue;
      }
      progress?.note?.(label, `sha256 ${got.sha256} of ${got.path}`);
      entries.push({ component: pin.component, version: pin.version, format: pin.format, arch: pin.arch, url: pin.url, sha256: got.sha256 });
      if (verify && pin.sha256 !== null && pin.sha256 !== got.sha256) found.push(mismatch(label, got.path, got.sha256, pin.sha256, lockFile));
      continue;
    }
    const dl = { ...download, ...(extraCA ? { extraCA } : {}), allowHttp: model.artifacts.allowInsecureHttpMirror };
    if (!verify && !fullDownload) {
      const published = await readPublishedChecksum(pin, dl);
      if (published) {
        progress?.note?.(label, `sha256 ${published.sha256} (published in ${published.url})`);
        entries.push({ component: pin.component, version: pin.version, format: pin.format, arch: pin.arch, url: pin.url, sha256: published.sha256 });
        continue;
      }
    }
    progress?.start(label, pin.url);
    try {
      const got = await downloadAndHash(pin.url, { ...dl, ...(progress ? { onProgress: progress.update } : {}) });
      progress?.done(label, got.sha256, got.size);
      entries.push({ component: pin.component, version: pin.version, format: pin.format, arch: pin.arch, url: pin.url, sha256: got.sha256 });
      if (verify && pin.sha256 !== null && pin.sha256 !== got.sha256) found.push(mismatch(label, pin.url, got.sha256, pin.sha256, lockFile));
    } catch (err) {
      if (!(err instanceof DownloadError)) throw err;
      progress?.fail(label, err.message);
      if (!err.untrusted) remoteFailures++;
      found.push({ severity: 'error', code: 'ARTIFACT_DOWNLOAD_FAILED', message: `cannot pin ${label}: ${err.message}`, pointer: '/artifacts', file: lockFile });
    }
  }
  const diagnostics = sortDiagnostics([...v.diagnostics, ...found]);
  if (verify || found.length > 0) return { ...base, diagnostics, entries, remoteFailures };
  await writeFileAtomic(lockFile, formatLock(entries, specPath === '-' ? '<stdin>' : basename(specPath)));
  return { ...base, diagnostics, entries, written: true };
}
