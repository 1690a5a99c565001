/**
 * The messages list-tree-worker.ts posts to list-tree-background.ts: a directory's listing as
 * UTF-8 bytes, `buffer[0, length)` of each message in turn, the last one `done`: each entry its
 * kind's letter, then its path, then a NUL. No entry spans two messages.
 */
import { LISTED, type ListedEntry } from './read-dir.js';

export interface ListingMessage {
  buffer: ArrayBuffer;
  length: number;
  done: boolean;
}

/** The letter each kind is sent as. */
export const KIND_LETTER: Readonly<Record<ListedEntry['kind'], string>> = { file: 'f', symlink: 'l', other: 'o' };

const KIND_OF_LETTER: Readonly<Record<string, ListedEntry>> = { f: LISTED.file, l: LISTED.symlink, o: LISTED.other };

/** Adds the entries of one message to `out` (the listing, in the order it was walked: byte order of the paths). */
export function addListed(out: Map<string, ListedEntry>, message: ListingMessage): void {
  if (message.length === 0) return;
  // One string per message, split: each path is a slice of it rather than a string of its own.
  for (const entry of Buffer.from(message.buffer, 0, message.length - 1).toString('utf8').split('\0')) {
    const kind = KIND_OF_LETTER[entry[0]!];
    if (!kind) throw new Error(`internal error: a listing entry of unknown kind ${JSON.stringify(entry[0])}`);
    out.set(entry.slice(1), kind);
  }
}
