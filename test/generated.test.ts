/**
 * Everything generated from a source of truth is current: TypeScript types and precompiled
 * validators from the JSON Schemas, docs/spec.md from the schema, docs/diagnostics.md from the
 * code catalog. Refresh docs with `npx vitest run test/generated.test.ts -u`; types and
 * validators with `npm run gen`. (Precompiled templates are made by the build and checked
 * against their sources at run time; only their options are checked here.)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from './helpers/golden-cases.js';
import { renderSpecReference } from '../src/docs/spec-reference.js';
import { renderDiagnosticsReference } from '../src/docs/diagnostics-reference.js';
import { VERSION } from '../src/version.js';

const read = (rel: string): string => readFileSync(join(PROJECT_ROOT, rel), 'utf8');

describe('generated files are current', () => {
  it('TypeScript types match the schemas (run `npm run gen`)', async () => {
    // @ts-expect-error -- plain .mjs build script without types
    const { typeTargets, generateTypesSource } = await import('../scripts/generate-types.mjs');
    for (const t of typeTargets as Array<{ schema: string; out: string; name: string }>) {
      const want = await generateTypesSource(read(t.schema), t.name);
      expect(read(t.out), `${t.out} is stale: run npm run gen`).toBe(want);
    }
  });

  it('precompiled validators match the schemas (run `npm run gen`)', async () => {
    // @ts-expect-error -- plain .mjs build script without types
    const { targets, generateValidatorSource } = await import('../scripts/generate-validators.mjs');
    for (const t of targets as Array<{ schema: string; out: string }>) {
      expect(read(t.out), `${t.out} is stale: run npm run gen`).toBe(generateValidatorSource(read(t.schema)));
    }
  });

  it('the build precompiles shell templates with the options the runtime compiles them with', async () => {
    // The build's module is used only when its options equal the runtime's: a drift here would
    // silently turn precompilation off (test/parallel/render-parallel.test.ts checks the output).
    // @ts-expect-error -- plain .mjs build script without types
    const { SHELL_COMPILE_OPTIONS } = await import('../scripts/generate-templates.mjs');
    const runtime = await import('../src/delivery/shell-helpers.js');
    expect(SHELL_COMPILE_OPTIONS).toEqual(runtime.SHELL_COMPILE_OPTIONS);
  });

  it('docs/spec.md matches the schema', async () => {
    const schema = JSON.parse(read('schemas/v1alpha1/onboarding.schema.json'));
    await expect(renderSpecReference(schema)).toMatchFileSnapshot(join(PROJECT_ROOT, 'docs/spec.md'));
  });

  it('docs/diagnostics.md matches the code catalog', async () => {
    await expect(renderDiagnosticsReference()).toMatchFileSnapshot(join(PROJECT_ROOT, 'docs/diagnostics.md'));
  });

  it('every schema property has a description', () => {
    const missing: string[] = [];
    const walk = (node: any, path: string): void => {
      if (!node || typeof node !== 'object') return;
      for (const [k, v] of Object.entries<any>(node.properties ?? {})) {
        if (!v.description && !v.$ref) missing.push(`${path}.${k}`);
        walk(v, `${path}.${k}`);
      }
      if (node.items) walk(node.items, `${path}[]`);
      for (const [k, v] of Object.entries<any>(node.definitions ?? {})) walk(v, `#${k}`);
    };
    walk(JSON.parse(read('schemas/v1alpha1/onboarding.schema.json')), '');
    walk(JSON.parse(read('schemas/lock-v1/lock.schema.json')), 'lock');
    expect(missing).toEqual([]);
  });

  it('the version constant matches package.json', () => {
    expect(VERSION).toBe(JSON.parse(read('package.json')).version);
  });
});
