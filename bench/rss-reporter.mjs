// Loaded with `node --import` into a measured process: prints its peak RSS on exit (peak-rss.mjs),
// so the benchmark can read the peak memory of a CLI run without external tools.
import { writeSync } from 'node:fs';
import { peakRssKb } from './peak-rss.mjs';

process.on('exit', () => {
  writeSync(2, `\nVMONBOARD_BENCH_MAXRSS_KB=${peakRssKb()}\n`);
});
