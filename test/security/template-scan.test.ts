/**
 * The template secret scan (src/security/template-scan.ts) must give, for every filling of a
 * template, exactly what scanPlain gives for the filled text. Its shortcut rests on each pattern's
 * literals (every match holds one), which the first property checks against matches fast-check
 * draws from the regexes themselves; the others put secrets everywhere a template can hide them:
 * inside a part, inside a value, and split across a part's edge, an empty value or a short part
 * between two slots.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SECRET_PATTERNS } from '../../src/security/secret-patterns.js';
import { scanPlain } from '../../src/security/scan-bundle.js';
import { TemplateScan } from '../../src/security/template-scan.js';

/** One match of each pattern, the shapes the scanner exists to refuse. */
const SECRETS = [
  '-----BEGIN RSA PRIVATE KEY-----',
  '-----BEGIN OPENSSH PRIVATE KEY-----',
  '-----BEGIN PGP PRIVATE KEY BLOCK-----',
  'eyJhbGciOiJI.eyJzdWIiOiIx.c2lnbmF0dXJl',
  'AKIAABCDEFGHIJKLMNOP',
  'AWS_SECRET_ACCESS_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCD',
  '"private_key_id": "0123456789abcdef0123"',
  `AccountKey=${'a'.repeat(80)}==`,
  `abc8Q~${'b'.repeat(32)}`,
  `ghp_${'c'.repeat(36)}`,
  'xoxb-0123456789',
  `hvs.${'d'.repeat(24)}`,
  `AIza${'e'.repeat(35)}`,
  `glpat-${'f'.repeat(20)}`,
  `npm_${'g'.repeat(36)}`,
];

/** Text around secrets: words, the characters patterns stop at, and pieces of literals. */
const FILLER = fc.constantFrom('', ' ', '\n', 'x', '-', '_', '.', '"', '=', ':', 'name', 'AK', 'IA', 'eyJ', 'eyJabcdefgh.', 'PRIVATE KEY', '-----', 'aws_secret', '_access_key', 'hv', 's.', 'glpat', 'npm', 'AI', 'za', '8Q', '~');
const text = fc.array(fc.oneof(FILLER, fc.constantFrom(...SECRETS), fc.string({ maxLength: 6 })), { maxLength: 12 }).map((xs) => xs.join(''));

/** A regex source that matches, without flag i, what `source` matches with it (ASCII letters outside classes as [xX]). */
function withoutFlagI(source: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      out += c + source[++i]!;
      continue;
    }
    if (c === '[') inClass = true;
    if (c === ']') inClass = false;
    out += !inClass && /[a-z]/i.test(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c;
  }
  return out;
}

function filled(parts: readonly string[], slots: readonly number[], values: readonly string[]): string {
  let s = parts[0]!;
  slots.forEach((v, i) => (s += values[v]! + parts[i + 1]!));
  return s;
}

function expectSameAsPlain(parts: string[], slots: number[], values: string[]): void {
  const t = filled(parts, slots, values);
  expect(new TemplateScan(parts, slots).scan(t, values)).toEqual(scanPlain(t));
}

describe('template secret scan', () => {
  it('every match of every pattern holds one of its literals', () => {
    for (const p of SECRET_PATTERNS) {
      const anyCase = p.regex.flags.includes('i');
      // fast-check cannot draw from \b or a lookahead. Both only narrow what matches and consume
      // nothing, so every match of the pattern is a match of it without them: the property for the
      // loosened regex holds for the pattern.
      // Nor from flag i: its letters become [xX] (what i without u matches), outside classes.
      const source = p.regex.source.replace(/\\b|\(\?![^)]*\)/g, '');
      const loose = anyCase ? new RegExp(withoutFlagI(source)) : new RegExp(source, p.regex.flags);
      expect(loose.source, p.id).not.toMatch(/\\b|\(\?[!=<]/);
      fc.assert(
        fc.property(fc.stringMatching(loose), (s) => {
          const m = loose.exec(s)![0];
          expect(p.regex.test(m) || /\\b|\(\?!/.test(p.regex.source), p.id).toBe(true);
          const hay = anyCase ? m.toLowerCase() : m;
          expect(p.literals.some((l) => hay.includes(anyCase ? l.toLowerCase() : l)), `${p.id}: ${JSON.stringify(m)}`).toBe(true);
        }),
        { numRuns: 300 },
      );
    }
  });

  it('finds what scanPlain finds in random templates and fillings', () => {
    fc.assert(
      fc.property(
        fc.array(text, { minLength: 1, maxLength: 8 }),
        fc.array(text, { minLength: 1, maxLength: 4 }),
        fc.array(fc.nat(), { maxLength: 7 }),
        (partsIn, values, picks) => {
          const parts = partsIn.length > picks.length ? partsIn.slice(0, picks.length + 1) : [...partsIn, ...Array<string>(picks.length + 1 - partsIn.length).fill('')];
          expectSameAsPlain(parts, picks.map((p) => p % values.length), values);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('finds a secret split across a slot, an empty value or a short part between slots', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SECRETS),
        fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        text,
        text,
        (secret, cutsIn, emptyExtra, before, after) => {
          // The secret cut into pieces: odd pieces go into slots, even ones stay in the parts.
          const cuts = [...new Set(cutsIn.map((c) => c % (secret.length + 1)))].sort((a, b) => a - b);
          const pieces = [0, ...cuts, secret.length].slice(1).map((end, i, ends) => secret.slice(i === 0 ? 0 : ends[i - 1], end));
          const parts: string[] = [before];
          const slots: number[] = [];
          const values: string[] = [];
          pieces.forEach((piece, i) => {
            if (i % 2 === 0) parts[parts.length - 1] += piece;
            else {
              values.push(piece);
              slots.push(values.length - 1);
              parts.push('');
            }
          });
          if (emptyExtra) {
            // An empty value in the middle of the secret's part: the secret straddles it.
            const last = parts.length - 1;
            const mid = Math.floor(parts[last]!.length / 2);
            values.push('');
            slots.push(values.length - 1);
            parts.splice(last, 1, parts[last]!.slice(0, mid), parts[last]!.slice(mid));
          }
          parts[parts.length - 1] += after;
          expectSameAsPlain(parts, slots, values);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('a secret in a value is found, and one in a part is found in every filling', () => {
    expect(new TemplateScan(['key: ', '\n'], [0]).scan(`key: ${SECRETS[13]}\n`, [SECRETS[13]!]).map((f) => f.pattern)).toEqual(['gitlab-token']);
    const t = new TemplateScan([`${SECRETS[4]} `, ''], [0]);
    expect(t.scan(`${SECRETS[4]} app-1`, ['app-1']).map((f) => f.pattern)).toEqual(['aws-access-key-id']);
    expect(t.scan(`${SECRETS[4]} app-2`, ['app-2']).map((f) => f.pattern)).toEqual(['aws-access-key-id']);
    expect(new TemplateScan(['plain ', ' text'], [0]).scan('plain app-1 text', ['app-1'])).toEqual([]);
  });
});
