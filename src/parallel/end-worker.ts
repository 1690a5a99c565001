/**
 * The main thread's side of the end worker (end-phase.ts runs in it): it is started while the
 * VM workers render their last chunks, so its module loading and its copy of the model are ready
 * when the last VM is in, then it is sent what the VMs' files said (FinishRequest) and hands each
 * file it renders to the build.
 */
import { Worker } from 'node:worker_threads';
import type { FileMode } from '../bundle/bundle.js';
import type { TextFinding } from '../security/scan-bundle.js';
import type { EndFinished, EndWorkerMessage, FinishRequest, ModelMessage } from './protocol.js';
import { END_WORKER_YOUNG_GENERATION_MB } from './worker-heap.js';

/** Takes one file the end worker rendered: its bytes (a view of the batch's buffer), mode, source pointer, sha256 and secret findings. */
export type TakeFile = (path: string, bytes: Uint8Array, mode: FileMode, source: string, sha256: string, findings: readonly TextFinding[]) => void;

export class EndWorker {
  private readonly worker: Worker;
  /** Set once the worker's part is over: with `failure` when it failed (an error, out of heap, an early exit). */
  private ended: { failure?: unknown } | undefined;
  private onFailure: ((err: unknown) => void) | undefined;
  private closed: Promise<void> | undefined;

  /** Starts the worker at `url` with an old generation of `oldGenerationMb` and sends it the model. */
  constructor(
    url: URL,
    modelMessage: ModelMessage,
    private readonly oldGenerationMb: number,
  ) {
    this.worker = new Worker(url, { resourceLimits: { maxYoungGenerationSizeMb: END_WORKER_YOUNG_GENERATION_MB, maxOldGenerationSizeMb: oldGenerationMb } });
    this.worker.postMessage(modelMessage);
    this.worker.on('error', (err: Error & { code?: string }) =>
      this.fail(err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? new Error(`the end of the render (cluster values, READMEs) ran out of its ${this.oldGenerationMb} MB heap: ${err.message}`) : err),
    );
    this.worker.on('exit', (code) => this.fail(new Error(`the end worker exited (code ${code}) before it finished`)));
  }

  /**
   * Sends `req` (a copy: the caller may drop it once this returns) and hands every file the
   * worker renders to `take`; resolves to the findings of each translator it ran. After the first
   * failure no file reaches `take`. The worker is stopped either way.
   */
  finish(req: FinishRequest, take: TakeFile): Promise<EndFinished['findings']> {
    this.worker.postMessage(req);
    return new Promise<EndFinished['findings']>((resolve, reject) => {
      if (this.ended) {
        reject('failure' in this.ended ? this.ended.failure : new Error('internal error: the end worker was closed before the build finished'));
        return;
      }
      this.onFailure = reject;
      this.worker.on('message', (msg: EndWorkerMessage) => {
        if (this.ended) return;
        if (msg.type === 'error') {
          const err = new Error(msg.message);
          if (msg.stack) err.stack = msg.stack;
          this.fail(err);
          return;
        }
        if (msg.type === 'finished') {
          // Done (its exit is not a failure). Resolved once the worker is gone, so its heap is
          // freed before the build formats MANIFEST.json, not beside it.
          void this.close().then(() => resolve(msg.findings), reject);
          return;
        }
        try {
          for (const [path, mode, source, offset, length, sha256, findings] of msg.files) take(path, new Uint8Array(msg.buffer, offset, length), mode, source, sha256, findings);
        } catch (err) {
          // A failed write (disk full, a bug): the build fails and the caller removes its temp tree.
          this.fail(err);
        }
      });
    });
  }

  /** Stops the worker; safe to call more than once. */
  close(): Promise<void> {
    this.ended ??= {};
    return (this.closed ??= this.worker.terminate().then(() => undefined));
  }

  private fail(failure: unknown): void {
    if (this.ended) return;
    this.ended = { failure };
    void this.close();
    this.onFailure?.(failure);
  }
}
