/**
 * Progress output for `vmonboard pin`, on stderr: a redrawn bar on a terminal, plain lines
 * otherwise (CI logs and pipes must not fill with carriage returns).
 */

/** Receives download events. */
export interface PinProgress {
  start(label: string, url: string): void;
  update(received: number, total: number | undefined): void;
  done(label: string, sha256: string, size: number): void;
  fail(label: string, message: string): void;
  /** An artifact pinned without a download (a published checksum, a local copy). */
  note?(label: string, message: string): void;
}

const BAR = 24;

function mib(n: number): string {
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** Returns the reporter for a stream: a bar when `isTTY`, otherwise one line per event. */
export function createPinProgress(write: (s: string) => void, isTTY: boolean): PinProgress {
  if (!isTTY) {
    return {
      start: (label, url) => write(`downloading ${label} from ${url}\n`),
      update: () => {},
      done: (label, sha, size) => write(`  ${label}: sha256 ${sha} (${size} bytes)\n`),
      fail: (label, message) => write(`  ${label}: failed: ${message}\n`),
      note: (label, message) => write(`  ${label}: ${message}\n`),
    };
  }
  let current = '';
  let lastDraw = -1;
  return {
    start(label) {
      current = label;
      lastDraw = -1;
      write(`\r\x1b[2K${label} …`);
    },
    update(received, total) {
      // Redraw at most once per whole percent (or 1 MiB without a length) to keep terminals calm.
      const step = total ? Math.floor((received / total) * 100) : Math.floor(received / 1048576);
      if (step === lastDraw) return;
      lastDraw = step;
      if (total) {
        const filled = Math.round((received / total) * BAR);
        write(`\r\x1b[2K[${'#'.repeat(filled)}${'-'.repeat(BAR - filled)}] ${String(step).padStart(3)}% ${current} (${mib(received)} of ${mib(total)})`);
      } else {
        write(`\r\x1b[2K${current}: ${mib(received)}`);
      }
    },
    done: (label, sha) => write(`\r\x1b[2K${label}: sha256 ${sha}\n`),
    fail: (label, message) => write(`\r\x1b[2K${label}: failed: ${message}\n`),
    note: (label, message) => write(`\r\x1b[2K${label}: ${message}\n`),
  };
}
