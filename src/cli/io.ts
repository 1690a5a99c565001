/** The streams a command writes to; tests pass in-memory ones. stdout is data, stderr is for people. */
export interface CliIO {
  /** `write` returns false when a stream's buffer is full; `once('drain')` then says when to go on. */
  stdout: { write(chunk: string | Uint8Array): unknown; once?(event: 'drain', listener: () => void): unknown };
  stderr: { write(chunk: string | Uint8Array): unknown };
  /** Reads all of stdin (only called for a spec path of '-'). */
  readStdin(): Promise<string>;
  /** True when stderr is a terminal (progress bars, colours). */
  isTTY: boolean;
  /** True when stdout is a terminal: binary data (archives, gzip) is then refused (pipes.ts). */
  stdoutIsTTY?: boolean;
  /** Colour diagnostics on stderr (a terminal, NO_COLOR / FORCE_COLOR honoured); default off. */
  color?: boolean;
}

/**
 * Exit codes (docs/diagnostics.md). `remote` (5) is a network, proxy, registry or cloud API
 * failure: a CI job retries it later instead of asking for a spec fix.
 */
export const EXIT = { ok: 0, invalid: 1, usage: 2, internal: 3, outOfDate: 4, remote: 5 } as const;

/** The exit-code line every command's help ends with (docs/diagnostics.md has the table). */
export const EXIT_CODES_HELP =
  'Exit codes: 0 ok, 1 invalid spec or failed write, 2 usage error, 3 internal error,\n4 bundle out of date (render --check), 5 a remote service failed (network, proxy, mirror, AWS API): retry later.';

/** Thrown by commands to stop with an exit code; the message, if any, is already printed. */
export class CliExit extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
  }
}

/**
 * A command-line mistake (exit 2), printed with the usage hint. A mistake with a catalog code
 * (WORKLOAD_AMBIGUOUS) is printed as `error[CODE]: ...`, like a diagnostic, so scripts can match it.
 */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}
