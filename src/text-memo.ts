/**
 * A memo keyed by text, for results computed once per distinct text in a build (the manifest's
 * sha256, the secret scan, a YAML read-back): a fleet repeats the same units, certificates and
 * configs thousands of times.
 *
 * V8 hashes a string of more than 16,383 characters by its length alone
 * (String::kMaxHashCalcLength), so thousands of same-sized scripts as Map keys would turn every
 * lookup into a linear scan of string comparisons. Long texts are therefore keyed by a
 * fingerprint (their length and ends), and each hit is confirmed by comparing the whole text.
 * Written here because no library offers a Map with this property, and four places needed it.
 */

/** The longest string V8 hashes by its content; longer ones all hash by length. */
export const MAX_CONTENT_HASHED_CHARS = 16_383;

/** Results by text; `get` computes a text's result the first time it is asked for. */
export class TextMemo<V> {
  private readonly short = new Map<string, V>();
  private readonly long = new Map<string, Array<[text: string, value: V]>>();

  get(text: string, compute: (text: string) => V): V {
    if (text.length <= MAX_CONTENT_HASHED_CHARS) {
      if (this.short.has(text)) return this.short.get(text) as V;
      const value = compute(text);
      this.short.set(text, value);
      return value;
    }
    const key = `${text.length}\0${text.slice(0, 256)}\0${text.slice(-128)}`;
    let bucket = this.long.get(key);
    if (!bucket) this.long.set(key, (bucket = []));
    const hit = bucket.find(([t]) => t === text);
    if (hit) return hit[1];
    const value = compute(text);
    bucket.push([text, value]);
    return value;
  }
}
