// Child process for the fleet benchmark: render one spec in-process (no files written) and
// print {ms, maxRssKb, files} as JSON. A child per run keeps each peak RSS separate.
import { performance } from 'node:perf_hooks';
const spec = process.argv[2];
const t0 = performance.now();
const { renderSpecFile } = await import(new URL('../dist/src/api.js', import.meta.url).href);
const r = await renderSpecFile(spec);
const ms = performance.now() - t0;
if (!r.bundle) {
  console.error(r.diagnostics.slice(0, 5).map((d) => `${d.code} ${d.message}`).join('\n'));
  process.exit(1);
}
console.log(JSON.stringify({ ms, maxRssKb: process.resourceUsage().maxRSS, files: r.bundle.size }));
