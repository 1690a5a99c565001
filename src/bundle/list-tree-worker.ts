/**
 * The worker of list-tree-background.ts: walks the directory it is given (read-dir.ts walkTree)
 * and hands the listing over as UTF-8 bytes, in buffers of about a megabyte each transferred as
 * it fills: each entry its kind's letter, then its path, then a NUL (the one character no file
 * name holds). The listing never exists here as 350,000 strings (5,000 × 4), nor as one growing
 * buffer, and crosses the threads without a copy. Reads only: it opens no file, and follows no link.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { walkTree } from './read-dir.js';
import { KIND_LETTER, type ListingMessage } from './listing-message.js';

if (!parentPort) throw new Error('list-tree-worker runs only as a worker thread of list-tree-background.ts');
const port = parentPort;
const BUFFER_BYTES = 1 << 20;
let bytes = Buffer.from(new ArrayBuffer(BUFFER_BYTES));
let length = 0;
const post = (done: boolean): void => {
  const message: ListingMessage = { buffer: bytes.buffer as ArrayBuffer, length, done };
  port.postMessage(message, [message.buffer]);
};
walkTree((workerData as { dir: string }).dir, (path, kind) => {
  // Room for the letter, the path at its longest in UTF-8 (3 bytes per UTF-16 unit) and the NUL.
  const most = 2 + 3 * path.length;
  if (length + most > bytes.length) {
    post(false);
    bytes = Buffer.from(new ArrayBuffer(Math.max(BUFFER_BYTES, most)));
    length = 0;
  }
  length += bytes.write(KIND_LETTER[kind], length, 'latin1');
  length += bytes.write(path, length, 'utf8');
  bytes[length++] = 0;
});
post(true);
