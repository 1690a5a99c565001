// `npm run bench`: performance figures as ratios against baselines measured in the same run
// (these machines are noisy). `npm run bench -- --quick` is the CI regression guard: it fails
// only when a ratio is worse than twice the committed bench/baseline.json.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { performance } from 'node:perf_hooks';
import { writeFleetSpec } from './fleet-spec.mjs';

const ROOT = new URL('..', import.meta.url).pathname;
const CLI = join(ROOT, 'dist/src/cli/main.js');
const quick = process.argv.includes('--quick');
const writeBaseline = process.argv.includes('--write-baseline');
const RUNS = quick ? 5 : 9;
const rows = [];
const ratios = {};

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function timeCommand(args, opts = {}) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', cwd: ROOT, ...opts });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  const rss = /VMONBOARD_BENCH_MAXRSS_KB=(\d+)/.exec(r.stderr ?? '');
  return { ms, rssKb: rss ? Number(rss[1]) : undefined };
}

function timeMedian(args, runs = RUNS) {
  const ms = [];
  let rss = 0;
  for (let i = 0; i < runs; i++) {
    const r = timeCommand(['--import', join(ROOT, 'bench/rss-reporter.mjs'), ...args]);
    ms.push(r.ms);
    rss = Math.max(rss, r.rssKb ?? 0);
  }
  return { ms: median(ms), rssKb: rss };
}

const scratch = mkdtempSync(join(tmpdir(), 'vmonboard-bench-'));
try {
  // 1. Cold CLI against `node -e 0`, the floor of any Node CLI.
  const floor = timeMedian(['-e', '0']);
  const validate = timeMedian([CLI, 'validate', 'examples/quickstart.yaml']);
  const render = timeMedian([CLI, 'render', 'examples/quickstart.yaml', '-o', join(scratch, 'q'), '--force']);
  ratios.coldValidate = validate.ms / floor.ms;
  ratios.coldRender = render.ms / floor.ms;
  rows.push(['cold CLI', 'node -e 0 (baseline)', `${floor.ms.toFixed(0)} ms`, '1.00×', '']);
  rows.push(['cold CLI', 'validate quickstart', `${validate.ms.toFixed(0)} ms`, `${ratios.coldValidate.toFixed(2)}×`, 'target ≤ 1.6×']);
  rows.push(['cold CLI', 'render quickstart', `${render.ms.toFixed(0)} ms`, `${ratios.coldRender.toFixed(2)}×`, 'target ≤ 2.0×']);

  // 2. Fleet rendering, in-process (one child per run for a clean peak RSS) and through the CLI.
  const sizes = quick ? [1000] : [100, 1000, 5000];
  const fleet = {};
  for (const n of sizes) {
    const dir = join(scratch, `fleet-${n}`);
    const spec = await writeFleetSpec(dir, n);
    const runs = [];
    for (let i = 0; i < (n >= 5000 ? 3 : quick ? 3 : 5); i++) {
      const r = spawnSync(process.execPath, [join(ROOT, 'bench/render-in-process.mjs'), spec], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`fleet ${n}: ${r.stderr}`);
      runs.push(JSON.parse(r.stdout.trim().split('\n').pop()));
    }
    const ms = median(runs.map((r) => r.ms));
    const rssMb = Math.max(...runs.map((r) => r.maxRssKb)) / 1024;
    fleet[n] = ms;
    rows.push(['fleet in-process', `${n} workloads × 4 platforms (${runs[0].files} files)`, `${ms.toFixed(0)} ms`, `peak RSS ${rssMb.toFixed(0)} MB`, n === 1000 ? 'target ≤ 1500 ms, ≤ 400 MB' : '']);
    if (!quick) {
      const cli = timeMedian([CLI, 'render', spec, '-o', join(dir, 'out'), '--force'], n >= 5000 ? 1 : 3);
      rows.push(['fleet CLI', `${n} workloads × 4 platforms`, `${cli.ms.toFixed(0)} ms`, `peak RSS ${(cli.rssKb / 1024).toFixed(0)} MB`, '']);
    }
  }
  ratios.fleet1000 = fleet[1000] / floor.ms;
  if (fleet[5000]) rows.push(['fleet', 'ratio 5,000 : 1,000', (fleet[5000] / fleet[1000]).toFixed(2), '', 'target ≤ 5.5']);

  // 3. Payload sizes of every golden case against its platform budget.
  if (!quick) {
    const { goldenPayloadSizes } = await import('./payload-sizes.mjs');
    for (const p of await goldenPayloadSizes()) rows.push(['payload', `${p.case} ${p.vm} (${p.delivery})`, `${p.raw} B raw`, `${p.gzip} B gzip`, `budget ${p.budget} B`]);
  }

  // 4. Boot time (from the e2e harness), when its cached root filesystem exists.
  if (!quick && existsSync(join(ROOT, 'bench/boot-time.mjs'))) {
    try {
      const { measureBootTime } = await import('./boot-time.mjs');
      const b = await measureBootTime();
      rows.push(['boot', 'cloud-final start → three units active', `${(b.ms / 1000).toFixed(1)} s`, '', b.note ?? '']);
    } catch (e) {
      rows.push(['boot', 'cloud-final start → three units active', 'not measured', '', String(e.message).slice(0, 80)]);
    }
  }

  // 5. Hostile-input rejection, in-process.
  const { validateSpec, memoryFileSource } = await import(join(ROOT, 'dist/src/index.js'));
  const reject = (name, text) => {
    const t0 = performance.now();
    const r = validateSpec({ text, file: 'h.yaml', lockFile: 'h.lock.yaml', files: memoryFileSource({}), ignoreLock: true });
    const ms = performance.now() - t0;
    rows.push(['hostile input', name, `${ms.toFixed(0)} ms`, r.diagnostics[0]?.code ?? 'ACCEPTED?!', 'target < 2000 ms']);
    return ms;
  };
  const bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 7; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
  const hostileMs = Math.max(
    reject('50 MB spec', 'a: ' + 'x'.repeat(50 * 1024 * 1024) + '\n'),
    reject('one-million-alias YAML bomb', bomb.join('\n') + '\n'),
    reject('100k-item list', `a:\n${'  - 1\n'.repeat(100_000)}`),
  );
  ratios.hostileWorst = hostileMs / floor.ms;
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

const header = `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`;
const widths = [0, 1, 2, 3, 4].map((i) => Math.max(...rows.map((r) => String(r[i]).length), 4));
console.log(header);
console.log(`| ${['area', 'what', 'figure', 'vs baseline', 'target'].map((h, i) => h.padEnd(widths[i])).join(' | ')} |`);
console.log(`| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`);
for (const r of rows) console.log(`| ${r.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`);

const baselinePath = join(ROOT, 'bench/baseline.json');
if (writeBaseline) {
  writeFileSync(baselinePath, JSON.stringify(Object.fromEntries(Object.entries(ratios).map(([k, v]) => [k, Number(v.toFixed(3))])), null, 2) + '\n');
  console.log(`wrote ${baselinePath}`);
} else if (existsSync(baselinePath)) {
  const base = JSON.parse(readFileSync(baselinePath, 'utf8'));
  const worse = Object.entries(ratios).filter(([k, v]) => base[k] !== undefined && v > 2 * base[k]);
  for (const [k, v] of Object.entries(ratios)) console.log(`guard ${k}: ${v.toFixed(2)} (baseline ${base[k] ?? 'n/a'}, limit ${base[k] ? (2 * base[k]).toFixed(2) : 'n/a'})`);
  if (worse.length > 0) {
    console.error(`performance regression: ${worse.map(([k]) => k).join(', ')} worse than twice the baseline`);
    process.exit(1);
  }
}
