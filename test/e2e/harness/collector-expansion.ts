/**
 * What the collector makes of the strings in its config after confmap's expansion: `$$` is a
 * literal `$`, while `${env:VAR}`, `${VAR}` and `$VAR` are replaced by the environment
 * (opentelemetry-collector confmap; the prometheus receiver README: "$ characters ... must
 * escape them using $$"). The hostile-values scenario compares this view with the spec, so an
 * unescaped `$` shows up as a value that did not arrive verbatim.
 */
import { isPlainObject } from '../../validators/upstream.js';

/** Marks an expansion instead of guessing the collector's environment. */
function expandString(s: string): string {
  return s.replace(/\$\$|\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*/g, (m) => (m === '$$' ? '$' : `<expanded ${m}>`));
}

/** Returns `config` with every string (and key) as the collector would see it after expansion. */
export function collectorView(config: unknown): unknown {
  if (typeof config === 'string') return expandString(config);
  if (Array.isArray(config)) return config.map(collectorView);
  if (isPlainObject(config)) return Object.fromEntries(Object.entries(config).map(([k, v]) => [expandString(k), collectorView(v)]));
  return config;
}
