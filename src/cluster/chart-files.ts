/**
 * Our chart, copied byte for byte into the bundle under cluster/charts/vmonboard-mesh/. It is read
 * from the package's own charts/ directory (src/assets.ts) and never passed through Handlebars:
 * both use `{{ }}` (architecture guide §4).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { assetPath } from '../assets.js';

/** Directory of our chart, relative to the package root. */
export const MESH_CHART_DIR = 'charts/vmonboard-mesh';

/** Lists the chart's files as POSIX paths relative to the chart directory, sorted. */
export function listChartFiles(): string[] {
  const root = assetPath(MESH_CHART_DIR);
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(root, rel))) {
      const child = rel === '' ? name : `${rel}/${name}`;
      if (statSync(join(root, child)).isDirectory()) walk(child);
      else out.push(child);
    }
  };
  walk('');
  return out.sort();
}

/**
 * Returns every chart file with its exact content: text when the bytes are valid UTF-8 (decoding
 * and re-encoding then gives the same bytes back), the raw bytes otherwise.
 */
export function readChartFiles(): Array<{ path: string; content: string | Uint8Array }> {
  const root = assetPath(MESH_CHART_DIR);
  return listChartFiles().map((path) => {
    const bytes = readFileSync(join(root, path));
    const text = bytes.toString('utf8');
    return { path, content: Buffer.from(text, 'utf8').equals(bytes) ? text : new Uint8Array(bytes) };
  });
}
