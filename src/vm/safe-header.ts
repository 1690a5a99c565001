/**
 * The generated-file header for VM agent files. The spec's file name goes into a comment line, so
 * control characters in it are replaced: a newline would end the comment and put the rest of the
 * name into a shell file, a unit file or YAML as live text.
 */
import type { Model } from '../model/model.js';
import { generatedHeader } from '../render/header.js';

/** Returns the `#` header line with control and line-separator characters of the spec name replaced by `?`. */
export function safeHeader(model: Pick<Model, 'sourceName'>): string {
  return generatedHeader({ sourceName: model.sourceName.replace(/[\u0000-\u001f\u007f\u0085\u2028\u2029]/g, '?') });
}
