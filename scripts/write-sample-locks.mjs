// Writes the examples' lock files with LABELLED SAMPLE PINS: the sha256 of a marker string, not
// of the real artifact, so examples validate and render offline. Real specs get real pins from
// `vmonboard pin`. Run after `npm run build`: node scripts/write-sample-locks.mjs
// The examples' locks carry `sample: true` (LOCK_SAMPLE_PINS); the golden fixtures' do not, so
// the golden outputs show what a real lock renders.
import { readdirSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import jsYaml from 'js-yaml';
import { validateSpecFile } from '../dist/src/api.js';

// Usage: node scripts/write-sample-locks.mjs            (examples/*.yaml)
//        node scripts/write-sample-locks.mjs golden     (test/fixtures/golden/*/spec.yaml)
const golden = process.argv[2] === 'golden';
const root = new URL('..', import.meta.url).pathname;
const specs = golden
  ? readdirSync(root + 'test/fixtures/golden').filter((d) => !d.startsWith('_')).map((d) => `test/fixtures/golden/${d}/spec.yaml`)
  : readdirSync(root + 'examples').filter((f) => f.endsWith('.yaml') && !f.includes('.lock.')).map((f) => `examples/${f}`);
for (const rel of specs) {
  const opts = golden ? { ignoreLock: true, filesDir: root + 'test/fixtures/golden/_files' } : { ignoreLock: true };
  const result = await validateSpecFile(root + rel, opts);
  const f = rel;
  if (!result.model) throw new Error(`${f}: ${result.diagnostics.map((d) => `${d.code} ${d.message}`).join('; ')}`);
  const artifacts = result.model.artifacts.pins.map((p) => ({
    component: p.component,
    version: p.version,
    format: p.format,
    arch: p.arch,
    url: p.url,
    sha256: createHash('sha256').update(`vmonboard sample pin: ${p.url}`).digest('hex'),
  }));
  const text =
    '# SAMPLE PINS, NOT REAL CHECKSUMS: each sha256 below is the hash of a marker string, so this\n' +
    '# example validates and renders offline. Run `vmonboard pin` to pin the real artifacts.\n' +
    jsYaml.dump({ apiVersion: 'vmonboard.lock/v1', kind: 'ArtifactLock', ...(golden ? {} : { sample: true }), artifacts }, { forceQuotes: true, quotingType: '"', lineWidth: -1 });
  writeFileSync(root + rel.replace(/\.yaml$/, '.lock.yaml'), text);
}
