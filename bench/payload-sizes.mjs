// Raw and gzipped size of every golden case's first-boot payload, next to its platform budget
// (EC2 16,384 raw; Azure custom data 65,535; GCE 262,144 per value; shell payloads have none).
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const ROOT = new URL('..', import.meta.url).pathname;
const BUDGET = { aws: 16384, azure: 65535, gcp: 262144 };

/** Returns one row per golden case × VM payload. */
export async function goldenPayloadSizes() {
  const { renderSpecFile } = await import(join(ROOT, 'dist/src/api.js'));
  const { PAYLOAD_FILE, vmDir } = await import(join(ROOT, 'dist/src/delivery/layout.js'));
  const dir = join(ROOT, 'test/fixtures/golden');
  const out = [];
  for (const c of readdirSync(dir).filter((d) => !d.startsWith('_') && existsSync(join(dir, d, 'spec.yaml'))).sort()) {
    const r = await renderSpecFile(join(dir, c, 'spec.yaml'), { filesDir: join(dir, '_files') });
    if (!r.model || !r.bundle) continue;
    for (const w of r.model.workloads) {
      for (const pl of w.placements) {
        const p = r.model.platforms.find((x) => x.name === pl.platform);
        const f = r.bundle.get(`${vmDir(w.name, p.name)}/${PAYLOAD_FILE[p.delivery]}`);
        if (!f) continue;
        const bytes = Buffer.from(f.content);
        out.push({ case: c, vm: `${w.name}/${p.name}`, delivery: p.delivery, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length, budget: BUDGET[p.kind] ?? 'none' });
      }
    }
  }
  return out;
}
