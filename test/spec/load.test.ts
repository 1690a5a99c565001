/**
 * The five classic mistakes each give exactly one clear diagnostic at the right line, with no
 * stack trace; hostile inputs (huge files, huge lists, alias bombs, NUL) are rejected quickly.
 */
import { describe, expect, it } from 'vitest';
import jsYaml from 'js-yaml';
import { validateSpec } from '../../src/spec/validate-spec.js';
import { memoryFileSource } from '../../src/spec/files.js';
import { formatReportText } from '../../src/diagnostics/printer.js';
import { baseSpec, FILES } from './spec-builder.js';

function run(text: string) {
  return validateSpec({ text, file: 'spec.yaml', lockFile: 'spec.lock.yaml', files: memoryFileSource(FILES), ignoreLock: true });
}

/** The base spec as YAML text, with one line replaced. */
function edit(from: string, to: string): string {
  const text = jsYaml.dump(baseSpec(), { lineWidth: -1 });
  expect(text).toContain(from);
  return text.replace(from, to);
}

function lineOf(text: string, needle: string): number {
  return text.split('\n').findIndex((l) => l.includes(needle)) + 1;
}

describe('one clear diagnostic per classic mistake', () => {
  const cases = [
    { name: 'YAML syntax error', text: edit('  trustDomain: example.org\n', '  trustDomain: example.org: oops\n'), code: 'YAML_SYNTAX', at: 'trustDomain: example.org: oops' },
    { name: 'duplicate key', text: edit('  network: network1\n', '  network: network1\n  network: network2\n'), code: 'YAML_DUPLICATE_KEY', at: 'network: network2' },
    { name: 'wrong type deep in a list', text: edit('        number: 9080\n', '        number: nine\n'), code: 'SCHEMA_TYPE', at: 'number: nine' },
    { name: 'unknown key', text: edit('  vmNetwork: vm-network\n', '  vmNetwork: vm-network\n  vmNetwrok: typo\n'), code: 'SCHEMA_UNKNOWN_KEY', at: 'vmNetwrok' },
    { name: 'misspelled required key', text: edit('  vmNetwork: vm-network\n', '  vmNetwrok: vm-network\n'), code: 'SCHEMA_UNKNOWN_KEY', at: 'vmNetwrok' },
    { name: 'missing required field', text: edit('  clusterName: cluster1\n', ''), code: 'SCHEMA_REQUIRED', at: 'mesh:' },
  ];
  it.each(cases)('$name', ({ text, code, at }) => {
    const r = run(text);
    expect(r.diagnostics.map((d) => d.code)).toEqual([code]);
    expect(r.diagnostics[0]!.line).toBe(lineOf(text, at));
    const printed = formatReportText(r.diagnostics, r.sources);
    expect(printed).toContain(`spec.yaml:${lineOf(text, at)}:`);
    expect(printed).toContain('^');
    expect(printed).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/); // no stack trace
  });

  it('suggests the right spelling of a misspelled key', () => {
    const r = run(edit('  vmNetwork: vm-network\n', '  vmNetwrok: vm-network\n'));
    expect(r.diagnostics[0]!.hint).toBe('did you mean "vmNetwork"?');
  });
});

describe('input limits', () => {
  it('rejects a 50 MB spec before parsing it', () => {
    const t0 = performance.now();
    const r = run('a: ' + 'x'.repeat(50 * 1024 * 1024) + '\n');
    expect(r.diagnostics.map((d) => d.code)).toEqual(['INPUT_TOO_LARGE']);
    expect(performance.now() - t0).toBeLessThan(10_000); // generous: the bench measures real speed
  });

  it('rejects a list of 100,000 items with its position', () => {
    const text = edit('workloads:\n', `extra:\n${'  - 1\n'.repeat(100_000)}workloads:\n`);
    const r = run(text);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['INPUT_TOO_LARGE']);
    expect(r.diagnostics[0]!.line).toBe(lineOf(text, 'extra:') + 20_001); // the first item past the limit (issue 15 §5 line scan)
  });

  it('rejects a one-million-alias YAML bomb', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 7; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(10).fill(`*${prev}`).join(',')}]`);
    }
    const r = run(levels.join('\n') + '\n');
    expect(r.diagnostics.map((d) => d.code)).toEqual(['INPUT_ALIAS_LIMIT']);
    expect(r.diagnostics[0]!.line).toBe(2);
  });

  it('rejects NUL with its position', () => {
    const r = run('apiVersion: vmonboard/v1alpha1\nkind: x\0y\n');
    expect(r.diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([['INPUT_NUL_CHARACTER', 2, 8]]);
  });

  it('rejects a string longer than 64 KiB', () => {
    const r = run(edit('  name: table\n', `  name: ${'a'.repeat(70_000)}\n`));
    expect(r.diagnostics.map((d) => d.code)).toEqual(['INPUT_TOO_LARGE']);
  });
});
