/**
 * A string as a regex that matches it literally. Written here because RegExp.escape arrives only
 * in Node 24 (we support 20), and one line does not warrant a dependency.
 */
export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
