/**
 * A full garbage collection of the main thread, before a fleet's VM phase and before its end
 * phase (render-parallel.ts).
 *
 * Why: V8 sets a heap's next collection limit from what was live at its last full collection,
 * times a growing factor of up to 4 for the main thread's uncapped heap (nodejs/node
 * deps/v8/src/heap/heap-controller.cc: MaxGrowingFactor). Validating a 5,000-workload spec holds
 * its parsed document, about 190 MB, live. When the last full collection fell then, the main thread
 * collected nothing again for the 45 s of the VM phase: its heap grew to 360 MB of garbage, and the
 * render peaked at 720 MB instead of 465 (one run in four, by --trace-gc). Once the model is built
 * the document is garbage; collecting it then sets the limit from the ~40 MB that is live.
 *
 * Node exposes no collection to a program started without --expose-gc. The flag, set at run
 * time, makes the next new context carry `gc` (the way the expose-gc package does it); it is
 * turned off again at once, so no other context (nor a worker started later) gets it.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | undefined;

/** Runs a full collection now; does nothing where the runtime does not offer one. */
export function collectGarbage(): void {
  if (!collect) {
    const exposed = (globalThis as { gc?: unknown }).gc;
    if (typeof exposed === 'function') collect = exposed as () => void;
    else {
      setFlagsFromString('--expose-gc');
      try {
        const gc: unknown = runInNewContext('typeof gc === "function" ? gc : undefined');
        collect = typeof gc === 'function' ? (gc as () => void) : () => undefined;
      } finally {
        setFlagsFromString('--no-expose-gc');
      }
    }
  }
  collect();
}
