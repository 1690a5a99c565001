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
  const { locatePayload } = await import(join(ROOT, 'dist/src/bundle/layout.js'));
  const { removeEncoding } = await import(join(ROOT, 'dist/src/userdata/encode.js'));
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
        // A payload over its platform's raw limit is stored compressed (user-data.yaml.gz): measure the raw bytes.
        const found = locatePayload((path) => r.bundle.has(path), w, p.name, p.delivery);
        if (!found) throw new Error(`${c.name}: no payload for ${w.name}/${p.name}`);
        const bytes = removeEncoding(Buffer.from(r.bundle.get(found.path).content), found.encoding);
        out.push({ case: c.name, vm: `${w.name}/${p.name}`, delivery: p.delivery, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length, budget: BUDGET[p.kind] ?? 'none' });
      }
    }
  }
  return out;
}
