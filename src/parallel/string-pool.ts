/**
 * One copy of each equal string among the values that cross between threads. A structured clone
 * copies every string it meets, so each VM's usage record (UsageRecord, protocol.ts) arrives with
 * its own copies of the same trust domain, addresses and host names: at 5,000 × 4 its 20,000
 * records held the same strings hundreds of thousands of times, some 10 MB on the main thread
 * through the VM phase and again in the end worker, both at the peak of the build.
 */
export class StringPool {
  private readonly strings = new Map<string, string>();

  /** `value` (plain objects and arrays, deeply, changed in place) with each string replaced by the pool's equal one. */
  intern<T>(value: T): T {
    if (typeof value === 'string') return this.string(value) as T;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) value[i] = this.intern(value[i]);
      return value;
    }
    if (value !== null && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      for (const key of Object.keys(record)) record[key] = this.intern(record[key]);
    }
    return value;
  }

  private string(s: string): string {
    const kept = this.strings.get(s);
    if (kept !== undefined) return kept;
    this.strings.set(s, s);
    return s;
  }
}
