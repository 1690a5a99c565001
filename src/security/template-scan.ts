/**
 * The secret scan of a family's texts (parallel/vm-family.ts) without reading each one whole. A
 * template's text is fixed parts with slots between them, and a VM's text is the template's with
 * that VM's values in the slots. Every match of a secret pattern contains one of the pattern's
 * literals (secret-patterns.ts), so a pattern can match a filled text only when one of its
 * literals lies inside a part, or overlaps a slot's value. The parts are searched once, when the
 * template is made; for each VM only the few characters around its slots are. A pattern that may
 * match is then run over the whole filled text exactly as scanPlain runs it, so the findings are
 * scanPlain's, always.
 */
import { SECRET_PATTERNS } from './secret-patterns.js';
import { scanPlain, type TextFinding } from './scan-bundle.js';
import { escapeRegExp } from '../regexp-escape.js';

/** Characters a literal can reach past a slot's value on either side while overlapping it. */
const REACH = Math.max(...SECRET_PATTERNS.flatMap((p) => p.literals.map((l) => l.length))) - 1;

/** Letters as [xX]: the JS regex flag i (without u) matches only ASCII case variants of ASCII letters, as this does. */
function anyCase(literal: string): string {
  return escapeRegExp(literal).replace(/[a-z]/gi, (c) => `[${c.toLowerCase()}${c.toUpperCase()}]`);
}

/** Each pattern's literals, and one regex for "any literal of any pattern", the test most windows end with. */
const LITERALS = SECRET_PATTERNS.map((p) => ({ literals: p.literals, anyCase: p.regex.flags.includes('i') }));
const ANY_LITERAL = new RegExp(LITERALS.flatMap((p) => p.literals.map((l) => (p.anyCase ? anyCase(l) : escapeRegExp(l)))).join('|'));

/** Marks in `may` each pattern one of whose literals `text` holds. */
function markLiterals(text: string, may: boolean[]): void {
  if (!ANY_LITERAL.test(text)) return;
  let lower: string | undefined;
  LITERALS.forEach((p, i) => {
    if (may[i]) return;
    const hay = p.anyCase ? (lower ??= text.toLowerCase()) : text;
    if (p.literals.some((l) => hay.includes(p.anyCase ? l.toLowerCase() : l))) may[i] = true;
  });
}

/**
 * The text around a run of slots: `left`, then slot values with `mids` between them, then
 * `right`. Slots closer together than REACH share a window, so a literal spanning two of them,
 * or the short part between them, is inside one.
 */
interface Window {
  left: string;
  slots: number[];
  mids: string[];
  right: string;
}

/** A template text (parts[0] slot[0] parts[1] … parts[n]) prepared for scanning its fillings. */
export class TemplateScan {
  /** Patterns with a literal inside a part: run over every filled text. */
  private readonly inParts: boolean[];
  private readonly windows: Window[] = [];
  /** A text without slots is every VM's: its findings, found once here. */
  private readonly fixed: TextFinding[] | undefined;

  constructor(parts: readonly string[], slots: readonly number[]) {
    this.inParts = SECRET_PATTERNS.map(() => false);
    for (const part of parts) markLiterals(part, this.inParts);
    this.fixed = slots.length === 0 ? scanPlain(parts[0]!, this.inParts) : undefined;
    const distinct = new Set<string>();
    const close = (w: Window, right: string): void => {
      w.right = right;
      const key = JSON.stringify(w);
      if (distinct.has(key)) return;
      distinct.add(key);
      this.windows.push(w);
    };
    let open: Window | undefined;
    slots.forEach((slot, k) => {
      const before = parts[k]!;
      if (open && before.length < REACH) {
        open.mids.push(before);
        open.slots.push(slot);
        return;
      }
      if (open) close(open, before.slice(0, REACH));
      open = { left: before.slice(Math.max(0, before.length - REACH)), slots: [slot], mids: [], right: '' };
    });
    if (open) close(open, parts[slots.length]!.slice(0, REACH));
  }

  /** scanPlain(text), where `text` is this template's text with `values` in its slots. */
  scan(text: string, values: readonly string[]): TextFinding[] {
    if (this.fixed) return this.fixed;
    const may = [...this.inParts];
    for (const w of this.windows) {
      let s = w.left + values[w.slots[0]!]!;
      for (let i = 0; i < w.mids.length; i++) s += w.mids[i]! + values[w.slots[i + 1]!]!;
      markLiterals(s + w.right, may);
    }
    return may.some(Boolean) ? scanPlain(text, may) : [];
  }
}
