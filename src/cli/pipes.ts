/**
 * The two ways a pipe or a terminal on stdout can make a data command look broken:
 * - the reader went away (`vmonboard render --archive - | head -c 4`): Node reports EPIPE as an
 *   unhandled 'error' event with a stack trace and exit 1. The output is no longer wanted, so the
 *   process exits quietly with 0, as ripgrep does (a shell with pipefail still sees head's status).
 * - binary output to a terminal: gzip refuses ("compressed data not written to a terminal"), so do we.
 */
import { UsageError } from './io.js';

/** Stream that can report an asynchronous write error. */
interface ErrorEmitter {
  on(event: 'error', listener: (err: NodeJS.ErrnoException) => void): unknown;
}

/**
 * Makes an EPIPE on `stdout` end the process quietly with exit code 0, and ignores one on
 * `stderr` (nobody is left to read a message). Other stream errors are rethrown as before.
 */
export function exitQuietlyOnClosedPipe(stdout: ErrorEmitter, stderr: ErrorEmitter, exit: (code: number) => void = (c) => process.exit(c)): void {
  stdout.on('error', (err) => {
    if (err.code === 'EPIPE') exit(0);
    else throw err;
  });
  stderr.on('error', (err) => {
    if (err.code !== 'EPIPE') throw err;
  });
}

/** Refuses to write binary `what` to a terminal, with the redirection to use instead. */
export function refuseBinaryToTerminal(stdoutIsTTY: boolean | undefined, what: string, hint: string): void {
  if (stdoutIsTTY) throw new UsageError(`refusing to write ${what} to a terminal (it is binary); ${hint}`);
}
