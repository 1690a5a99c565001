/**
 * Values a translator derives from a whole text it just made: a payload hash over a script, the
 * gzip of that script, whether the payload fits its platform's budget. Part of the translator
 * contract (src/translate/), so that the parallel renderer can render one VM as a template for a
 * family of VMs that differ only in their names (src/parallel/vm-family.ts).
 *
 * Outside a recording (every render but a family's template) `late` computes its value at once and
 * `assumeLate` checks its condition at once: output is exactly what it was without this module.
 * While a template is recorded, the text still holds placeholder names, so a value derived from it
 * would be wrong for every real VM: `late` returns a placeholder instead and keeps the inputs and
 * the function, and the family computes the value again from each VM's own text.
 */
import { createHash, type Hash } from 'node:crypto';

/** A value derived from whole texts, recorded while a template renders. */
export interface LateValue {
  /** The texts it is derived from (they may hold placeholders of earlier late values). */
  readonly inputs: readonly string[];
  /**
   * A pure function of the inputs: it must capture nothing that differs between VMs. The family
   * calls it on each VM's filled inputs, except sha256OfJoined, which it computes from the
   * template's parts with sha256OfJoinedBy (the same framing, defined below).
   */
  readonly compute: (inputs: readonly string[]) => string;
}

/** A condition the template assumed, checked again against each VM's own texts. */
export interface LateCondition {
  readonly inputs: readonly string[];
  readonly holds: (inputs: readonly string[]) => boolean;
}

/** What one recording saw. */
export interface LateRecording {
  values: LateValue[];
  conditions: LateCondition[];
}

/**
 * Placeholder delimiters: private-use characters, which the YAML serializer writes as they are
 * inside double quotes and `shq` inside single quotes, and which no template or model text holds
 * (the family checks a template and refuses one whose own texts contain them).
 */
export const LATE_OPEN = '\uE010';
export const LATE_CLOSE = '\uE011';

/**
 * The sha256 (hex) of the inputs joined by NUL: the payload hash of a bootstrap (its script, then
 * each staged file's name and content). A late value computed by this function is recognized by
 * the family, which hashes each VM's texts part by part from its template instead of filling them
 * first (vm-family.ts): the script it hashes is no file, so it need never be built.
 */
export function sha256OfJoined(inputs: readonly string[]): string {
  return sha256OfJoinedBy(inputs.length, (hash, i) => hash.update(inputs[i]!));
}

/**
 * sha256OfJoined of `count` inputs, input i fed to the hash by `feed(hash, i)`: piece by piece,
 * the hash of the concatenation without building it. The family feeds a template's parts and a
 * VM's names (vm-family.ts); the framing (a NUL between inputs) is defined here only.
 */
export function sha256OfJoinedBy(count: number, feed: (hash: Hash, input: number) => void): string {
  const h = createHash('sha256');
  for (let i = 0; i < count; i++) {
    if (i > 0) h.update('\0');
    feed(h, i);
  }
  return h.digest('hex');
}

let recording: LateRecording | undefined;

/** `compute(inputs)`, or while a template records, a placeholder for it. */
export function late(inputs: readonly string[], compute: (inputs: readonly string[]) => string): string {
  if (!recording) return compute(inputs);
  return `${LATE_OPEN}${recording.values.push({ inputs, compute }) - 1}${LATE_CLOSE}`;
}

/** `holds(inputs)`, or while a template records, true (assumed, and checked again per VM). */
export function assumeLate(inputs: readonly string[], holds: (inputs: readonly string[]) => boolean): boolean {
  if (!recording) return holds(inputs);
  recording.conditions.push({ inputs, holds });
  return true;
}

/** Runs `render` with late values recorded, and returns what it returned with what was recorded. */
export function recordLate<T>(render: () => T): { result: T; recorded: LateRecording } {
  if (recording) throw new Error('internal error: late values are already being recorded');
  const recorded: LateRecording = { values: [], conditions: [] };
  recording = recorded;
  try {
    return { result: render(), recorded };
  } finally {
    recording = undefined;
  }
}
