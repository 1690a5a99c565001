/**
 * The one YAML serializer for everything vmonboard emits. js-yaml with forceQuotes quotes every
 * string scalar, so PyYAML (YAML 1.1, what cloud-init uses) can never read `yes`, `0640`, `1_000`
 * or `0x_1F` as anything but a string, and `=` is never left bare (architecture guide §4).
 */
import jsYaml from 'js-yaml';

/** Serializes a value as YAML (no header). Keys keep insertion order: callers build objects in the order they want. */
export function dumpYaml(value: unknown): string {
  return jsYaml.dump(value, {
    forceQuotes: true,
    quotingType: '"',
    lineWidth: -1,
    noRefs: true,
    noCompatMode: false,
    sortKeys: false,
  });
}
