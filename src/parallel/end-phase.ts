/**
 * The end of a parallel build, in a worker of its own (the end worker): once every VM is in, the
 * translators that are not per VM (cluster values and their consistency check, the offboarding
 * scripts, the READMEs) run here, in the registry's order as in buildBundle, and their files go
 * to the main thread in batches with their sha256 and secret findings, as a VM worker's do.
 *
 * Why a worker: these translators make a lot of short-lived garbage (about 280 MB of it for the
 * cluster values of 5,000 × 4: the 10 MB spire values dumped, then parsed back). On the main
 * thread, whose heap V8 may let grow to four times what is live before it collects, that
 * garbage came on top of every file's manifest entry and made the render's peak (630–760 MB at
 * 5,000 × 4). A worker's old generation is capped (worker-heap.ts planEndWorkerHeap), and V8
 * lets a capped heap grow by a much smaller factor (see there; docs/performance.md).
 */
import { createHash } from 'node:crypto';
import type { Model } from '../model/model.js';
import { BundleBuilder, type BundleFile, type FileMode } from '../bundle/bundle.js';
import { BuildCache } from '../translate/build-cache.js';
import type { VmRef } from '../translate/vm-ref.js';
import { translators } from '../translators.js';
import { scannableText, TextScanner } from '../security/scan-bundle.js';
import { isPayloadPath } from '../bundle/layout.js';
import { packContents, type PackItem } from './pack-contents.js';
import { StringPool } from './string-pool.js';
import type { EndFileRecord, EndFiles, EndFinished, FinishRequest } from './protocol.js';

/** A batch is posted once it holds this many bytes: the main thread writes it while the worker goes on. */
const BATCH_BYTES = 4 * 2 ** 20;

type Pending = PackItem & { path: string; mode: FileMode; source: string; sha256: string; findings: EndFileRecord[6] };

/**
 * The end worker's builder: each added file is hashed and scanned here and goes into the next
 * batch; nothing is kept but its path (for the duplicate check). The translators that run here
 * never read a file back (the consistency check gets the parsed values from the build cache); one
 * that tried would get an error rather than a silent undefined. Of the VM files, which it never
 * sees, `has` knows the payload files (the bundle README names them); asked about any other, it
 * throws rather than answer false.
 */
class PostingBundleBuilder extends BundleBuilder {
  private readonly claimed = new Set<string>();
  private pending: Pending[] = [];
  private pendingBytes = 0;

  constructor(
    private readonly post: (batch: EndFiles) => void,
    private readonly payloadFiles: ReadonlySet<string>,
  ) {
    super();
  }

  override add(path: string, content: string | Uint8Array, opts: { mode?: FileMode; source?: string } = {}): void {
    this.claim(path);
    this.claimed.add(path);
    // A scanner per file: TextScanner memoizes by text, and these texts (one offboarding script
    // per VM) are all distinct, so a shared one would keep every script alive to the end.
    const findings = new TextScanner().scan(scannableText(content));
    const file = typeof content === 'string' ? { text: content } : { bytes: content };
    // Hashed as UTF-8 straight from the string, without a Buffer copy made only for the hash
    // (16 MB more garbage for the bundle README of 5,000 × 4).
    const sha256 = (typeof content === 'string' ? createHash('sha256').update(content, 'utf8') : createHash('sha256').update(content)).digest('hex');
    this.pending.push({ path, mode: opts.mode ?? 0o644, source: opts.source ?? '', ...file, sha256, findings });
    this.pendingBytes += typeof content === 'string' ? Buffer.byteLength(content, 'utf8') : content.length;
    if (this.pendingBytes >= BATCH_BYTES) this.flush();
  }

  override has(path: string): boolean {
    if (this.claimed.has(path) || this.payloadFiles.has(path)) return true;
    if (path.startsWith('vms/') && !isPayloadPath(path)) throw new Error(`internal error: the end worker knows only the payload files of the VM directories, not ${path}`);
    return false;
  }

  override get(path: string): BundleFile | undefined {
    if (this.claimed.has(path)) throw new Error(`internal error: ${path} went to the main thread as it was rendered; a translator cannot read it back in the end worker`);
    return undefined;
  }

  /** Posts the pending files as one batch, their bytes in one transferred buffer. */
  flush(): void {
    if (this.pending.length === 0) return;
    const { buffer, views } = packContents(this.pending);
    const files = this.pending.map((f, k): EndFileRecord => [f.path, f.mode, f.source, views[k]!.byteOffset, views[k]!.length, f.sha256, f.findings]);
    this.pending = [];
    this.pendingBytes = 0;
    this.post({ type: 'files', files, buffer });
  }
}

/**
 * Runs every translator that is not per VM, posting their files in batches; returns their
 * findings by translator index. `vms` is listVms(model), to which `req.usage` is parallel.
 */
export function runEndPhase(model: Model, vms: readonly VmRef[], req: FinishRequest, post: (batch: EndFiles) => void): EndFinished {
  const out = new PostingBundleBuilder(post, new Set(req.payloadFiles));
  const cache = new BuildCache();
  const strings = new StringPool();
  if (model.flavor === 'istio') cache.vmUsage = req.usage.map((record, i) => ({ workload: vms[i]!.workload, placement: vms[i]!.placement, ...strings.intern(record) }));
  // The request is this worker's own copy: what it held now lives in the cache and the builder.
  req.usage.length = 0;
  req.payloadFiles.length = 0;
  const findings: EndFinished['findings'] = [];
  translators.forEach((t, i) => {
    if (!t.perVm) findings.push([i, t.run(model, out, cache)]);
  });
  out.flush();
  return { type: 'finished', findings };
}
