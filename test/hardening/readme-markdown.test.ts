/**
 * Properties of the Markdown the bundle ships. A hostile metadata.description stays prose in the
 * bundle README, and a hostile x509pop subject CN stays inside its code span in cluster/README.md.
 * For the description: CommonMark ends a
 * line at LF, CR or CRLF, and a line can open a heading, a list, a fence, a table row or raw HTML;
 * so the README's block structure (its lines, split the CommonMark way, minus the description's
 * own paragraph) must be exactly the README rendered without a description, the description must
 * be one line, and every character that opens inline markup or HTML in it must be backslash-escaped.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildReadmeContext, payloadsIn, README_FILE } from '../../src/bundle/readme.js';
import { renderMarkdownTemplate } from '../../src/bundle/markdown-template.js';
import { FUZZ_RUNS, FUZZ_SEED, announceSeed, timeoutFor } from './fuzz-settings.js';
import { hostileCase } from './hostile-spec.js';
import { bundleText, renderCase } from './render-case.js';
import { readCodeSpan } from './code-span.js';

/** Lines as CommonMark sees them (spec §2.1: a line ending is LF, CR, or CR LF). */
function commonMarkLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/** Characters that open inline markup or HTML (CommonMark §6) and must not appear unescaped in prose. */
const OPENERS = /[`*_[\]<>|~\\]/;

describe('a hostile description in the bundle README', () => {
  it(
    'is one escaped paragraph and changes no other line',
    () => {
      announceSeed('readme-markdown');
      let checked = 0;
      fc.assert(
        fc.property(hostileCase, (c) => {
          const r = renderCase(c);
          // A blank description renders as a blank line, which is no structure at all.
          if (!r.bundle || c.values.description.trim() === '') return;
          checked++;
          const readme = commonMarkLines(bundleText(r.bundle, README_FILE));
          const plain = commonMarkLines(renderMarkdownTemplate('bundle/README.md.hbs', { ...buildReadmeContext(r.model!, payloadsIn((p) => r.bundle!.has(p))), description: '' }));
          // The template puts the description paragraph and a blank line after the title (line 2).
          expect(readme.length, 'the description added more than one line').toBe(plain.length + 2);
          expect([...readme.slice(0, 3), ...readme.slice(5)]).toEqual(plain);
          const paragraph = readme[3]!;
          expect(readme[4]).toBe('');
          // Escaped pairs are literal characters; what is left must not open markup or a block.
          const unescaped = paragraph.replace(/\\[!-/:-@[-`{-~]/g, 'x');
          expect(unescaped, 'an unescaped markup character').not.toMatch(OPENERS);
          expect(paragraph, 'a block opener at the start').not.toMatch(/^\s{0,3}(#{1,6}(\s|$)|[-+*](\s|$)|\d{1,9}[.)](\s|$)|>|```|~~~|=+\s*$|-{3,}\s*$|<)/);
          expect(paragraph.trim().length, 'the paragraph is blank').toBeGreaterThan(0);
        }),
        { numRuns: FUZZ_RUNS, seed: FUZZ_SEED },
      );
      console.log(`[fuzz] readme-markdown: ${checked} READMEs with a description checked`);
    },
    timeoutFor(100),
  );
});

describe('a hostile x509pop subject CN in cluster/README.md', () => {
  it(
    'reads back, exactly, from its inline code span, and ends the line as prose',
    () => {
      announceSeed('cluster-readme-markdown');
      let checked = 0;
      fc.assert(
        fc.property(hostileCase, (c) => {
          const r = renderCase(c);
          if (!r.bundle) return;
          checked++;
          const lines = commonMarkLines(bundleText(r.bundle, 'cluster/README.md'));
          const prefix = '- bookinfo/ratings on dc1: subject CN ';
          const line = lines.find((l) => l.startsWith(prefix));
          expect(line, 'the x509pop line').toBeDefined();
          const span = readCodeSpan(line!, prefix.length);
          expect(span?.content, 'the CN as a CommonMark reader sees it').toBe(c.values.subjectCN);
          // Nothing of the CN leaks past its span: the line ends right there.
          expect(line!.slice(span!.end)).toBe('.');
        }),
        { numRuns: FUZZ_RUNS, seed: FUZZ_SEED },
      );
      console.log(`[fuzz] cluster-readme-markdown: ${checked} cluster READMEs checked`);
    },
    timeoutFor(100),
  );
});
