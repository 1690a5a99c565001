/** The streams a command writes to; tests pass in-memory ones. stdout is data, stderr is for people. */
export interface CliIO {
  stdout: { write(chunk: string | Uint8Array): unknown };
  stderr: { write(chunk: string | Uint8Array): unknown };
  /** Reads all of stdin (only called for a spec path of '-'). */
  readStdin(): Promise<string>;
  /** True when stderr is a terminal (progress bars, colours). */
  isTTY: boolean;
  /** True when stdout is a terminal: binary data (archives, gzip) is then refused (pipes.ts). */
  stdoutIsTTY?: boolean;
}

/** Exit codes (docs/diagnostics.md). */
export const EXIT = { ok: 0, invalid: 1, usage: 2, internal: 3, outOfDate: 4 } as const;

/** Thrown by commands to stop with an exit code; the message, if any, is already printed. */
export class CliExit extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
  }
}

/** A command-line mistake (exit 2), printed with the usage hint. */
export class UsageError extends Error {}
