/**
 * Every invalid fixture gets exactly the expected diagnostic: code, JSON pointer and line. The
 * expected line is marked in the fixture with `# <-- here`, independently of our locator.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateSpecFile } from '../../src/api.js';
import { PROJECT_ROOT } from '../helpers/golden-cases.js';

const DIR = join(PROJECT_ROOT, 'test', 'fixtures', 'invalid');
const cases = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml') && !f.endsWith('.lock.yaml'))
  .map((f) => f.replace(/\.yaml$/, ''))
  .sort();

interface Expected {
  code: string;
  pointer: string;
  line: number;
  file?: string;
}

describe('invalid fixtures', () => {
  it('has at least 25 fixtures', () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
  });

  it.each(cases)('%s', async (name) => {
    const expected = JSON.parse(readFileSync(join(DIR, `${name}.expected.json`), 'utf8')) as Expected[];
    // Only the lock-* fixtures exercise the lock file; the others resolve artifacts without one.
    const result = await validateSpecFile(join(DIR, `${name}.yaml`), {
      filesDir: join(DIR, 'files'),
      ...(name.startsWith('lock-') ? {} : { ignoreLock: true }),
    });
    const got = result.diagnostics.map((d) => ({
      code: d.code,
      pointer: d.pointer,
      line: d.line,
      ...(d.file && !d.file.endsWith(`${name}.yaml`) ? { file: d.file.replace(/^.*\//, '') } : {}),
    }));
    expect(got).toEqual(expected);
    expect(result.model).toBeUndefined();
    for (const d of result.diagnostics) {
      expect(d.message).toMatch(/^[a-z"]/); // lowercase, as the catalog requires
      expect(d.message).not.toMatch(/must NOT|should be|instancePath/); // no raw ajv phrasing
    }
  });
});
