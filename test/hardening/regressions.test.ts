/**
 * Failures the property tests found, kept as fixed cases (issue 8: "the seed of any failure found
 * and fixed is kept as a regression case"). Each names the property, its seed and the shrunk
 * counterexample; the values are written out, so the case survives changes to the generators.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsYaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { escapeMarkdown } from '../../src/bundle/markdown-template.js';
import { README_FILE } from '../../src/bundle/readme.js';
import { renderGlooClusterReadme } from '../../src/cluster/gloo/readme.js';
import { goldenModel } from '../helpers/golden-cases.js';
import { readCodeSpan } from './code-span.js';
import { hostileSpecObject, type HostileValues } from './hostile-spec.js';
import { bundleText, renderCase } from './render-case.js';

/** The shrunk values both counterexamples started from (a spec that renders). */
const MINIMAL: HostileValues = {
  description: '',
  workloadLabels: {},
  annotations: {},
  gatewayLabels: {},
  resourceAttributes: {},
  probe: { kind: 'grpc', service: "'" },
  awsTags: { "'": '' },
  subjectCN: "'",
  certificatePath: '/',
  proxy: { noProxy: [] },
  gatewayDns: false,
};

/** Renders a spec text like a property does. */
function render(text: string, format: 'yaml' | 'json' = 'yaml') {
  return renderCase({ values: MINIMAL, format, text });
}

describe('regressions found by test/hardening', () => {
  // pipeline-never-throws, seed 325520763, path 29:0:…: the shrunk case had `"\0apiVersion"` as a
  // key. The loader refused raw NUL bytes in the text but not a NUL written as an escape ("\0",
  // "\x00", "\u0000"): it reached the model, then cluster.env (bash cuts a value at NUL) and shq,
  // which throws. Fixed in src/spec/load.ts: every string scalar, key or value, is checked.
  it.each([
    ['a YAML "\\0" escape in a label value', jsYaml.dump({ ...hostileSpecObject(MINIMAL), workloads: [{ ...hostileSpecObject(MINIMAL).workloads[0], labels: { app: 'v1\u0000x' } }] }), 'yaml'],
    ['a YAML "\\0" escape in a key', `"\\0apiVersion": vmonboard/v1alpha1\n${jsYaml.dump(hostileSpecObject(MINIMAL))}`, 'yaml'],
    ['a YAML "\\x00" escape in a description', jsYaml.dump(hostileSpecObject(MINIMAL)).replace("description: ''", 'description: "a\\x00b"'), 'yaml'],
    ['a JSON "\\u0000" escape in an exec argument', JSON.stringify(hostileSpecObject({ ...MINIMAL, probe: { kind: 'exec', command: ['sh', '-c', 'true\u0000'] } })), 'json'],
  ] as const)('NUL written as an escape is INPUT_NUL_CHARACTER: %s', (_name, text, format) => {
    const r = render(text, format);
    expect(r.model).toBeUndefined();
    expect(r.diagnostics.map((d) => [d.code, d.line !== undefined])).toEqual([['INPUT_NUL_CHARACTER', true]]);
  });

  // helm-chart, seed 859897087 (60 runs), cases #2, #3, #9: a label value with U+FFFF (or DEL, a C1
  // control, U+FFFE) made Go's YAML reader fail inside Helm's toYaml, which then renders "", so the
  // WorkloadGroup silently lost ALL its labels (case #9: its probe); NEL, U+2028 and U+2029 came back
  // folded into spaces. Fixed in src/spec/load.ts: such characters are INPUT_CONTROL_CHARACTER.
  it.each([
    ['U+FFFF', '\uffff'],
    ['U+FFFE', '\ufffe'],
    ['DEL', '\u007f'],
    ['a C1 control', '\u009b'],
    ['NEL', '\u0085'],
    ['LINE SEPARATOR', '\u2028'],
    ['PARAGRAPH SEPARATOR', '\u2029'],
  ])('a label value holding %s is INPUT_CONTROL_CHARACTER, in YAML and in JSON', (_name, char) => {
    const spec = hostileSpecObject({ ...MINIMAL, workloadLabels: { app: `a${char}b` } });
    for (const [text, format] of [[jsYaml.dump(spec), 'yaml'], [JSON.stringify(spec), 'json']] as const) {
      const r = render(text, format);
      expect(r.model).toBeUndefined();
      expect(r.diagnostics.map((d) => d.code)).toEqual(['INPUT_CONTROL_CHARACTER']);
    }
  });

  // cluster-readme-markdown, seed 941075479 (100 runs): subject CN "`touch …/pwned`". The istio
  // cluster README put the CN in a fixed single-backtick span, so a backtick in it closed the span
  // and the rest became live Markdown (raw HTML included). Fixed in src/cluster/readme.ts with the
  // shared codeSpan helper, whose fence outgrows any backtick run of the value.
  it.each(['`touch /tmp/pwned`', '`` <img src=x onerror=alert(1)> ``', ' padded ', 'a|b'])('cluster/README.md keeps the subject CN %j inside its code span', (cn) => {
    const r = render(jsYaml.dump(hostileSpecObject({ ...MINIMAL, subjectCN: cn })));
    const prefix = '- bookinfo/ratings on dc1: subject CN ';
    const line = bundleText(r.bundle!, 'cluster/README.md').split('\n').find((l) => l.startsWith(prefix))!;
    const span = readCodeSpan(line, prefix.length)!;
    expect(span.content).toBe(cn);
    expect(line.slice(span.end)).toBe('.');
  });

  // Found in the same audit (flavor gloo is outside the fuzzed spec): the gloo cluster README built
  // `kubectl get pods -l <labels>` by pasting the gateway's label values unquoted into a one-backtick
  // span, so a value could close the span, and a pasted command would run `$(…)` in the reader's
  // shell. Fixed in src/cluster/gloo/readme.ts: one quoted shell word, inside codeSpan.
  it('the gloo cluster README quotes the gateway label selector and keeps it inside its span', async () => {
    const model = await goldenModel('gloo-onprem');
    const canary = join(mkdtempSync(join(tmpdir(), 'vmonboard-gloo-readme-')), 'pwned');
    const value = `x\`; $(touch ${canary}) '\` <b>`;
    model.gateway.labels = { istio: value };
    const line = renderGlooClusterReadme(model).split('\n').find((l) => l.endsWith(' shows the gateway running. Its chart renders no Service'))!;
    const span = readCodeSpan(line, 0)!;
    expect(line.slice(span.end)).toBe(' shows the gateway running. Its chart renders no Service');
    // What a reader pastes, split into words by a real shell (which would also run any injection).
    const words = execFileSync('/usr/bin/bash', ['-c', `set -- ${span.content}; printf '%s\\0' "$@"`], { encoding: 'utf8' }).split('\0').slice(0, -1);
    expect(words).toEqual(['kubectl', '-n', model.gateway.namespace, 'get', 'pods', '-l', `istio=${value}`]);
    expect(existsSync(canary)).toBe(false);
  });

  // readme-markdown, seed 2027658823: description "\r'". CommonMark ends a line at a lone CR, but
  // the Markdown helpers flattened only LF and CRLF, so a description could start a heading,
  // a fence or raw HTML on a line of its own; then "---" (a thematic break) got through the
  // leading-character escapes. Fixed in src/bundle/markdown-template.ts.
  it.each([
    ['\r# injected heading', 'a lone CR'],
    ['ok\r```\rcode', 'a lone CR before a fence'],
    ['---', 'a thematic break'],
    ['- - -', 'a spaced thematic break'],
    ['    indented', 'an indented code block'],
    // readme-markdown, seed 891283449 (CI): a vertical tab before "1. " kept the list opener.
    ['\v1. ', 'a vertical tab before an ordered-list marker'],
    ['\f# x', 'a form feed before a heading'],
  ])('a description stays one escaped paragraph: %j (%s)', (description) => {
    const r = render(jsYaml.dump(hostileSpecObject({ ...MINIMAL, description })));
    const lines = bundleText(r.bundle!, README_FILE).split(/\r\n|\r|\n/);
    expect(lines[3]).toBe(escapeMarkdown(description));
    expect(lines[4]).toBe('');
    expect(lines[3]).not.toMatch(/^\s*(#|```|-{3}|- - -|\s{4}|\d+[.)](\s|$))/);
  });
});
