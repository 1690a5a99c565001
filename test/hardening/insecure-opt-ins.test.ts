/**
 * Each unsafe option is an explicit, warned opt-in: INSECURE_OPT_IN (a warning) that
 * `vmonboard validate --strict` turns into a failure, and the payload does what the opt-in says
 * and nothing more. Without the opt-in, the same spec is refused or stays safe. SPIRE's
 * insecure_bootstrap is not offered at all.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import jsYaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { buildBundle } from '../../src/build-bundle.js';
import { filesDirSource } from '../../src/spec/files.js';
import { validateSpec } from '../../src/spec/validate-spec.js';
import { runInProcess } from '../cli/cli-io.js';
import { PROJECT_ROOT } from '../helpers/golden-cases.js';

const EXAMPLES = join(PROJECT_ROOT, 'examples');
const quickstart = (): Record<string, any> => jsYaml.load(readFileSync(join(EXAMPLES, 'quickstart.yaml'), 'utf8')) as Record<string, any>;

/** `vmonboard validate [--strict]` on a spec given on stdin, with the example's files and lock. */
async function validateCli(spec: unknown, strict: boolean): Promise<{ code: number; stderr: string }> {
  const args = ['validate', ...(strict ? ['--strict'] : []), '--files-dir', EXAMPLES, '--lock', join(EXAMPLES, 'quickstart.lock.yaml'), '-'];
  return runInProcess(args, jsYaml.dump(spec));
}

/** The bootstrap of the example's first VM, rendered without a lock (pins keep their URLs). */
function firstBootstrap(spec: Record<string, any>): string {
  const r = validateSpec({ text: jsYaml.dump(spec), file: 'spec.yaml', lockFile: 'spec.lock.yaml', files: filesDirSource(EXAMPLES), ignoreLock: true });
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const { bundle } = buildBundle(r.model!);
  const path = [...bundle.keys()].find((p) => /^vms\/[^/]+\/[^/]+\/[^/]+\/(bootstrap|install|startup-script)\.sh$/.test(p))!;
  return String(bundle.get(path)!.content);
}

describe('insecure opt-ins', () => {
  it('allowInsecureHttpMirror: a warning, fatal under --strict; only then may a mirror be http:// and curl accept http', async () => {
    const spec = quickstart();
    spec.artifacts = { ...spec.artifacts, allowInsecureHttpMirror: true };
    const loose = await validateCli(spec, false);
    expect(loose.code, loose.stderr).toBe(0);
    expect(loose.stderr).toContain('warning[INSECURE_OPT_IN]');
    expect(loose.stderr).toContain('allowInsecureHttpMirror');
    expect((await validateCli(spec, true)).code).toBe(1);

    const withMirror = { ...spec, artifacts: { ...spec.artifacts, mirror: 'http://mirror.lab.example:8080/vmonboard' } };
    expect(firstBootstrap(withMirror)).toContain("--proto '=http,https'");
    // The default stays HTTPS only, and an http:// mirror without the opt-in is refused.
    const safe = quickstart();
    expect(firstBootstrap(safe)).toContain("--proto '=https'");
    expect(firstBootstrap(safe)).not.toContain('=http,https');
    const refused = await validateCli({ ...safe, artifacts: { ...safe.artifacts, mirror: 'http://mirror.lab.example:8080/vmonboard' } }, false);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('URL_NOT_HTTPS');
  });

  it('allowInsecureSkipChecksums: a warning, fatal under --strict; the payload then logs every unchecked download', async () => {
    const spec = quickstart();
    spec.artifacts = { ...spec.artifacts, allowInsecureSkipChecksums: true };
    const loose = await validateCli(spec, false);
    expect(loose.code, loose.stderr).toBe(0);
    expect(loose.stderr).toContain('warning[INSECURE_OPT_IN]');
    expect(loose.stderr).toContain('allowInsecureSkipChecksums');
    expect((await validateCli(spec, true)).code).toBe(1);
    expect(firstBootstrap(spec)).toContain('no checksum for $url (allowInsecureSkipChecksums)');
    // Without the opt-in the defaults are safe: no INSECURE_OPT_IN; the example fails --strict only
    // on its labelled sample pins and tag-only selector (issue 15 §12, §14).
    const plain = await validateCli(quickstart(), true);
    expect(plain.stderr).not.toContain('INSECURE_OPT_IN');
    expect([...plain.stderr.matchAll(/^(warning|error)\[([A-Z_]+)\]/gm)].map((m) => m[2]).sort()).toEqual(['LOCK_SAMPLE_PINS', 'SELECTORS_TAG_ONLY']);
  });

  it('SPIRE insecure_bootstrap is never offered: no spec field can ask for it', async () => {
    for (const place of [['spire'], ['trust', 'spireBundle']]) {
      const spec = quickstart();
      let target = spec;
      for (const k of place) target = target[k] ??= {};
      target.insecureBootstrap = true;
      const r = await validateCli(spec, false);
      expect(r.code, place.join('.')).toBe(1);
      expect(r.stderr).toContain('SCHEMA_UNKNOWN_KEY');
    }
  });
});
