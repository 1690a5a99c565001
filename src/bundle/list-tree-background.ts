/**
 * Lists a directory (read-dir.ts listTree) on a worker thread, so `render --check` lists the
 * committed bundle while the spec validates on the main thread: listing a fleet's 70,000 files
 * takes about half a second, and validation leaves the second core idle for more than a second.
 *
 * The worker's heap is small and gone before the VM phase (it sends the listing as bytes, a
 * megabyte at a time, list-tree-worker.ts): the first try kept a Map in the worker and cloned it
 * across, and its heap beside validation's made `render --check` of 5,000 × 4 peak at 505 MB
 * (docs/performance.md).
 * Where the worker cannot run (the sources run uncompiled, under the test runner) or fails for
 * any reason, the listing is made on the calling thread when it is asked for, so an unreadable
 * directory fails exactly as listTree makes it fail.
 */
import { Worker } from 'node:worker_threads';
import { listTreeOrEmpty, type ListedEntry } from './read-dir.js';
import { addListed, type ListingMessage } from './listing-message.js';
import { compiledWorkerUrl } from '../worker-url.js';

/** The compiled worker beside this module, or undefined when running from sources. */
const WORKER_URL = compiledWorkerUrl(import.meta.url, './list-tree-worker.js');

/** A listing under way. */
export interface BackgroundListing {
  /** The listing (listTreeOrEmpty's); made here and now if the worker could not make it. */
  result(): Promise<Map<string, ListedEntry>>;
  /** Stops the worker if it still runs; safe to call more than once. */
  cancel(): Promise<void>;
  /** Once `result` resolved: whether the worker made the listing (false: it was made here). */
  readonly madeOnWorker: boolean | undefined;
}

/** Starts listing `dir` on a worker thread. */
export function listTreeInBackground(dir: string): BackgroundListing {
  let worker: Worker | undefined;
  let listed: Promise<ListingMessage[] | undefined> = Promise.resolve(undefined);
  if (WORKER_URL) {
    // Small heaps: the worker holds one directory's entries at a time and a megabyte of listing.
    const w = new Worker(WORKER_URL, { workerData: { dir }, resourceLimits: { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 64 } });
    worker = w;
    listed = new Promise((resolve) => {
      const messages: ListingMessage[] = [];
      w.on('message', (msg: ListingMessage) => {
        messages.push(msg);
        if (msg.done) resolve(messages);
      });
      // Any failure (an unreadable directory, out of heap): listed again on the calling thread.
      w.once('error', () => resolve(undefined));
      w.once('exit', () => resolve(undefined));
    });
  }
  const listing = {
    madeOnWorker: undefined as boolean | undefined,
    result: async (): Promise<Map<string, ListedEntry>> => {
      const messages = await listed;
      // The worker's heap goes before the Map is built here, not beside it.
      await worker?.terminate();
      listing.madeOnWorker = messages !== undefined;
      if (!messages) return listTreeOrEmpty(dir);
      const out = new Map<string, ListedEntry>();
      // Each message's bytes go as soon as its entries are in.
      for (let m = messages.shift(); m; m = messages.shift()) addListed(out, m);
      return out;
    },
    cancel: async (): Promise<void> => {
      await worker?.terminate();
    },
  };
  return listing;
}
