// Raw and gzipped size of the first-boot payload of every golden case and of the default example
// (examples/quickstart.yaml), next to its platform budget (EC2 16,384 raw; Azure custom data
// 65,535; GCE 262,144 per value; shell payloads have none).
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const ROOT = new URL('..', import.meta.url).pathname;
const BUDGET = { aws: 16384, azure: 65535, gcp: 262144 };

/** Returns one row per case × VM payload: { case, vm, delivery, raw, gzip, budget }. */
export async function goldenPayloadSizes() {
  const { renderSpecFile } = await import(join(ROOT, 'dist/src/api.js'));
  const { PAYLOAD_FILE, vmDir } = await import(join(ROOT, 'dist/src/delivery/layout.js'));
  const dir = join(ROOT, 'test/fixtures/golden');
  const cases = readdirSync(dir)
    .filter((d) => !d.startsWith('_') && existsSync(join(dir, d, 'spec.yaml')))
    .sort()
    .map((c) => ({ name: c, spec: join(dir, c, 'spec.yaml'), opts: { filesDir: join(dir, '_files') } }));
  cases.push({ name: 'quickstart', spec: join(ROOT, 'examples/quickstart.yaml'), opts: {} });
  const out = [];
  for (const c of cases) {
    const r = await renderSpecFile(c.spec, c.opts);
    if (!r.model || !r.bundle) throw new Error(`${c.name} does not render: ${r.diagnostics.map((d) => d.code).join(', ')}`);
    for (const w of r.model.workloads) {
      for (const pl of w.placements) {
        const p = r.model.platforms.find((x) => x.name === pl.platform);
        const f = r.bundle.get(`${vmDir(w.name, p.name)}/${PAYLOAD_FILE[p.delivery]}`);
        if (!f) continue;
        const bytes = Buffer.from(f.content);
        out.push({ case: c.name, vm: `${w.name}/${p.name}`, delivery: p.delivery, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length, budget: BUDGET[p.kind] ?? 'none' });
      }
    }
  }
  return out;
}
