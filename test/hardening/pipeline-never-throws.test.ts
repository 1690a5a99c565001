/**
 * Property: for any hostile spec, validation passes or returns diagnostics, and rendering a valid
 * model returns a bundle or diagnostics; neither ever throws. A NUL anywhere (written raw or as a
 * YAML/JSON escape) is refused with INPUT_NUL_CHARACTER, and a character YAML readers drop or fold
 * (DEL, C1 controls, U+2028, U+2029, U+FFFE, U+FFFF) with INPUT_CONTROL_CHARACTER, both planted in
 * any string or key of the spec. A valid model carries every free-form value
 * exactly as written, and an x509pop path holding `${` is refused (it would become a variable
 * reference if the SPIRE agent ever ran with -expandEnv). Pure JavaScript, so fast-check shrinks a
 * failure to a minimal spec.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FUZZ_RUNS, FUZZ_SEED, announceSeed, timeoutFor } from './fuzz-settings.js';
import { hostileCase, type HostileCase } from './hostile-spec.js';
import { renderCase, type RenderedCase } from './render-case.js';
import { diagnosticCatalog, type DiagnosticCode } from '../../src/diagnostics/codes.js';

const SEVERITIES = new Set(['error', 'warning', 'info']);

/** Checks one case; returns normally or throws an assertion error (fast-check's failure signal). */
function checkCase(c: HostileCase, r: RenderedCase): void {
  for (const d of r.diagnostics) {
    expect(SEVERITIES.has(d.severity), `severity of ${d.code}`).toBe(true);
    expect(d.message.length, `message of ${d.code}`).toBeGreaterThan(0);
  }
  if (c.plantedAt !== undefined) {
    expect(r.model, `a ${c.refusedAs} at ${c.plantedAt} must be refused`).toBeUndefined();
    expect(r.diagnostics.map((d) => d.code)).toContain(c.refusedAs);
    return;
  }
  // An x509pop path holding ${ never renders; once the spec gets past the load and schema stages
  // (other hostile values may stop it earlier), the rules refuse it with its own code, located.
  const hazards = [c.values.certificatePath, c.values.intermediatesPath ?? ''].some((p) => p.includes('${'));
  if (hazards) {
    expect(r.bundle, 'an x509pop path with ${ must not render').toBeUndefined();
    const early = r.diagnostics.some((d) => d.severity === 'error' && ['load', 'schema'].includes(diagnosticCatalog[d.code as DiagnosticCode]?.stage ?? ''));
    if (!early) expect(r.diagnostics.filter((d) => d.code === 'X509POP_PATH_EXPANSION' && /x509pop\/(certificate|intermediates)Path$/.test(d.pointer))).not.toHaveLength(0);
    return;
  }
  if (!r.model) return;
  const v = c.values;
  const m = r.model;
  const w = m.workloads[0]!;
  // The model holds what the user wrote, byte for byte: the loader neither trims nor normalizes.
  expect(m.description ?? '').toBe(v.description);
  expect(w.labels).toEqual(v.workloadLabels);
  expect(w.annotations).toEqual(v.annotations);
  expect(m.gateway.labels).toEqual({ istio: 'eastwestgateway', ...v.gatewayLabels });
  expect(m.telemetry.resourceAttributes).toEqual(v.resourceAttributes);
  expect(m.artifacts.proxy.noProxy).toEqual(v.proxy.noProxy);
  if (v.probe.kind === 'httpGet') expect(w.probe?.httpGet?.path).toBe(v.probe.path);
  if (v.probe.kind === 'exec') expect(w.probe?.exec?.command).toEqual(v.probe.command);
  if (v.probe.kind === 'grpc') expect(w.probe?.grpc?.service).toBe(v.probe.service);
  expect(w.placements.find((p) => p.platform === 'aws-prod')?.selectors.aws?.tags).toEqual(v.awsTags);
  expect(w.placements.find((p) => p.platform === 'dc1')?.selectors.x509pop?.subjectCN).toBe(v.subjectCN);
}

describe('hostile specs never crash the pipeline', () => {
  it(
    'validate and render return a result or diagnostics for every hostile spec',
    () => {
      announceSeed('pipeline-never-throws');
      const tally = { cases: 0, rendered: 0, planted: 0, refused: 0 };
      fc.assert(
        fc.property(hostileCase, (c) => {
          const r = renderCase(c);
          tally.cases++;
          if (r.bundle) tally.rendered++;
          else if (c.plantedAt !== undefined) tally.planted++;
          else tally.refused++;
          checkCase(c, r);
        }),
        { numRuns: FUZZ_RUNS, seed: FUZZ_SEED },
      );
      console.log(`[fuzz] pipeline-never-throws: ${JSON.stringify(tally)}`);
      // A generator that only made invalid specs would prove nothing about the renderers.
      expect(tally.rendered).toBeGreaterThan(tally.cases / 3);
      expect(tally.planted).toBeGreaterThan(0);
    },
    timeoutFor(100),
  );
});
