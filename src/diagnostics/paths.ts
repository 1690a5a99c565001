/** Human-readable paths for messages: /workloads/0/ports/1 → workloads[0].ports[1]. */
import { parsePointer } from './diagnostic.js';

/** Renders a JSON pointer as a dotted path with [index] for list items. */
export function displayPath(pointer: string): string {
  let out = '';
  for (const t of parsePointer(pointer)) {
    if (/^\d+$/.test(t)) out += `[${t}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(t)) out += out ? `.${t}` : t;
    else out += `[${JSON.stringify(t)}]`;
  }
  return out || '(document)';
}
