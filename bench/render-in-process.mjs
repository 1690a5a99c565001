// Child process for the fleet benchmark: render one spec in-process (no files written) and
// print {ms, cpuMs, maxRssKb, files} as JSON. A child per run keeps each peak RSS separate;
// cpuMs (user + system, every thread) shows the work done even when the machine is busy.
import { performance } from 'node:perf_hooks';
import { peakRssKb } from './peak-rss.mjs';
const spec = process.argv[2];
const workers = process.argv[3] === undefined ? undefined : Number(process.argv[3]);
const t0 = performance.now();
const { renderSpecFile } = await import(new URL('../dist/src/api.js', import.meta.url).href);
const r = await renderSpecFile(spec, workers === undefined ? {} : { workers });
const ms = performance.now() - t0;
if (!r.bundle) {
  console.error(r.diagnostics.slice(0, 5).map((d) => `${d.code} ${d.message}`).join('\n'));
  process.exit(1);
}
const cpu = process.cpuUsage();
console.log(JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000, maxRssKb: peakRssKb(), files: r.bundle.size }));
