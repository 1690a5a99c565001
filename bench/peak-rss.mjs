// A process's peak RSS, for the benchmark's memory figures.
//
// VmHWM from /proc/self/status is the high-water mark of this process's own memory since its
// exec. getrusage's ru_maxrss (process.resourceUsage().maxRSS) is not: Linux carries the forking
// parent's RSS into the child across fork and exec, so every run the bench spawned after reading
// a 5,000 × 4 bundle into memory reported the bench's own 1.4 GB. maxRSS is the fallback where
// there is no /proc.
import { readFileSync } from 'node:fs';

/** This process's peak RSS in KiB. */
export function peakRssKb() {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Number(hwm[1]);
  } catch {
    // no /proc: below
  }
  return process.resourceUsage().maxRSS;
}
