/**
 * The one serializer for systemd unit files and drop-ins (architecture guide §4: structured
 * outputs are serialized, never templated). A unit is a list of sections, each a list of
 * `Key=value` entries; keys may repeat (ExecStartPre=, ExecStart= of a oneshot).
 *
 * systemd reads `%` as a specifier and `$VAR`/`${VAR}` in Exec lines as environment expansion,
 * and a trailing backslash continues a line (systemd.unit(5), systemd.service(5) "Command lines").
 * vmonboard's units need none of these, so any of them in a value is refused instead of escaped:
 * the units can then never expand anything.
 */
import type { Model } from '../model/model.js';
import { safeHeader } from './safe-header.js';

/** One `[Section]` with its entries in order. */
export interface UnitSection {
  name: 'Unit' | 'Service' | 'Timer' | 'Install';
  entries: Array<[key: string, value: string]>;
}

/** Checks one entry; throws on anything systemd would interpret beyond the literal text (a bug in vmonboard). */
function checkEntry(key: string, value: string): void {
  if (!/^[A-Z][A-Za-z]*$/.test(key)) throw new Error(`unit key is not a systemd setting name: ${JSON.stringify(key)}`);
  if (/[\r\n\u0000]/.test(value)) throw new Error(`unit value for ${key} spans lines`);
  if (/[%$]/.test(value)) throw new Error(`unit value for ${key} contains % or $, which systemd would expand`);
  if (value.endsWith('\\')) throw new Error(`unit value for ${key} ends with a backslash (line continuation)`);
}

/**
 * Renders a unit: the generated-file header, `# ` comment lines (sources, reasons), then the
 * sections separated by blank lines. LF only, ending with a newline.
 */
export function renderUnit(model: Pick<Model, 'sourceName'>, comments: string[], sections: UnitSection[]): string {
  const lines: string[] = [safeHeader(model).trimEnd()];
  for (const c of comments) {
    if (/[\r\n]/.test(c)) throw new Error('unit comment spans lines');
    lines.push(`# ${c}`);
  }
  for (const section of sections) {
    lines.push('', `[${section.name}]`);
    for (const [key, value] of section.entries) {
      checkEntry(key, value);
      lines.push(`${key}=${value}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
