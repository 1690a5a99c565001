// Loaded with `node --import` into a measured process: prints its peak RSS on exit, so the
// benchmark can read the peak memory of a CLI run without external tools.
import { writeSync } from 'node:fs';
process.on('exit', () => {
  writeSync(2, `\nVMONBOARD_BENCH_MAXRSS_KB=${process.resourceUsage().maxRSS}\n`);
});
