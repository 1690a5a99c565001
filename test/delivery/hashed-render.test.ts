/**
 * renderHashed renders a bootstrap once and substitutes its payload hash (src/delivery/hashed-render.ts).
 * It must give exactly what the reference two-pass render gives (render with an empty hash, hash
 * that, render again with the hash) for every VM of the corpus and both flavors, and fall back to
 * two passes when the marker does not show up exactly once.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { renderHashed } from '../../src/delivery/hashed-render.js';
import { renderBootstrap, vmPayloadFiles } from '../../src/delivery/bootstrap.js';
import { buildContext } from '../../src/delivery/context.js';
import { renderShell } from '../../src/delivery/shell-helpers.js';
import { GLOO_TEMPLATES, renderGlooBootstrap } from '../../src/delivery/gloo/payload.js';
import { buildGlooContext } from '../../src/delivery/gloo/context.js';
import { goldenCases, goldenModel } from '../helpers/golden-cases.js';
import { corpus } from './helpers/corpus.js';

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

describe('renderHashed', () => {
  it('gives the two-pass result for every istio bootstrap of the corpus', async () => {
    for (const c of await corpus()) {
      const mode = c.vm.platform.bake ? 'firstboot' : 'full';
      const files = vmPayloadFiles(c.vm);
      const context = buildContext(c.vm.model, c.vm.workload, c.vm.platform, files, c.vm.fetches, mode);
      const staged = files.agentStaged.map((s) => `\0${s.rel}\0${s.content}`).join('');
      const hash = sha(renderShell('istio.sh.hbs', { ...context, payloadHash: '' }) + staged);
      const reference = renderShell('istio.sh.hbs', { ...context, payloadHash: hash });
      const got = renderBootstrap(c.vm, mode, files);
      expect(got.payloadHash, c.id).toBe(hash);
      expect(got.script === reference, c.id).toBe(true);
    }
  });

  it('gives the two-pass result for every gloo bootstrap', async () => {
    let n = 0;
    for (const name of goldenCases()) {
      const model = await goldenModel(name);
      if (model.flavor !== 'gloo') continue;
      for (const w of model.workloads) {
        for (const pl of w.placements) {
          const platform = model.platforms.find((p) => p.name === pl.platform)!;
          const context = buildGlooContext(model, w, platform, 'bootstrap');
          const hash = sha(renderShell(GLOO_TEMPLATES.bootstrap, { ...context, payloadHash: '' }));
          expect(renderGlooBootstrap(model, w, platform), `${name} ${w.name}/${platform.name}`).toEqual({ script: renderShell(GLOO_TEMPLATES.bootstrap, { ...context, payloadHash: hash }), payloadHash: hash });
          n++;
        }
      }
    }
    expect(n).toBeGreaterThan(0);
  });

  it('renders twice when the marker is missing or appears more than once', () => {
    const calls: string[] = [];
    const twice = (h: string): string => {
      calls.push(h);
      return `a '${h}' b '${h}'`;
    };
    expect(renderHashed(twice, sha)).toEqual({ script: `a '${sha("a '' b ''")}' b '${sha("a '' b ''")}'`, hash: sha("a '' b ''") });
    expect(calls.slice(1)).toEqual(['', sha("a '' b ''")]);
    const none = renderHashed(() => 'no hash here', sha);
    expect(none).toEqual({ script: 'no hash here', hash: sha('no hash here') });
  });
});
