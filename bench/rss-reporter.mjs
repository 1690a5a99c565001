// Loaded with `node --import` into a measured process: prints its peak RSS on exit (peak-rss.mjs),
// so the benchmark can read the peak memory of a CLI run without external tools.
//
// Only the main thread reports. `--import` also runs in every worker thread, and a worker's
// `exit` event fires when that worker ends: the bench read the first report, which came from
// whichever thread ended first (a VM worker, or `render --check`'s listing worker, during
// validation), and gave the high-water mark at that moment instead of the process's. The
// main thread's `exit` comes last, when the mark is the whole run's.
import { writeSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';
import { peakRssKb } from './peak-rss.mjs';

if (isMainThread) {
  process.on('exit', () => {
    writeSync(2, `\nVMONBOARD_BENCH_MAXRSS_KB=${peakRssKb()}\n`);
  });
}
