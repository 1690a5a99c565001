/**
 * The text report's snippet: the offending line with a caret under the offending character, and
 * for a line too long to print (a minified or generated file), only the part around it.
 */
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/diagnostics/printer.js';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';

const at = (line: number, column: number): Diagnostic => ({ severity: 'error', code: 'SCHEMA_TYPE', message: 'wrong type', pointer: '/a', file: 'spec.yaml', line, column });

/** The snippet's source line and the character the caret points at. */
function snippet(text: string, d: Diagnostic): { shown: string; pointed: string } {
  const out = formatDiagnostic(d, new Map([['spec.yaml', text]])).split('\n');
  const src = out[3]!.replace(/^\d+ \| /, '');
  const caret = out[4]!.replace(/^ +\| /, '');
  return { shown: src, pointed: src[caret.indexOf('^')]! };
}

describe('the snippet', () => {
  it('shows a short line whole, the caret under the column', () => {
    expect(snippet('a: 1\nbee: wrong\n', at(2, 6))).toEqual({ shown: 'bee: wrong', pointed: 'w' });
  });

  it('shows 120 characters of a long line around the column, with … where it was cut', () => {
    const line = Array.from({ length: 10_000 }, (_, i) => String.fromCharCode(97 + (i % 26))).join('');
    for (const column of [1, 2, 60, 61, 62, 5_000, 9_940, 9_941, 10_000]) {
      const { shown, pointed } = snippet(`x: 1\n${line}\n`, at(2, column));
      expect(pointed, `column ${column}`).toBe(line[column - 1]);
      expect(shown.replace(/…/g, '').length).toBe(120);
      expect(shown.startsWith('…')).toBe(column > 61);
      expect(shown.endsWith('…')).toBe(column < 9_941);
      expect(line).toContain(shown.replace(/…/g, ''));
    }
  });
});
