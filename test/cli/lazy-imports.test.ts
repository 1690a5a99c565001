/**
 * Heavy modules load only in the commands that need them (issue 6: "import the SDK lazily, so
 * that other commands don't pay its load time"): the static import graph of the CLI entry point
 * must not reach @aws-sdk/client-ec2 or archiver; only dynamic `await import()` may.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers/golden-cases.js';

/** Static, non-type imports of a TypeScript file: relative files resolved, packages by name. */
function staticImports(file: string): { files: string[]; packages: string[] } {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/^import\s+(?!type\b)[^'"]*?from\s+'([^']+)';?$|^import\s+'([^']+)';?$/gm)].map((m) => m[1] ?? m[2]!);
  const files = specs.filter((s) => s.startsWith('.')).map((s) => resolve(dirname(file), s.replace(/\.js$/, '.ts')));
  const packages = specs.filter((s) => !s.startsWith('.') && !s.startsWith('node:'));
  return { files, packages };
}

/** Every package reachable through static imports from `entry`. */
function staticPackages(entry: string): Set<string> {
  const seen = new Set<string>();
  const pkgs = new Set<string>();
  const todo = [entry];
  while (todo.length > 0) {
    const f = todo.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    const { files, packages } = staticImports(f);
    for (const p of packages) pkgs.add(p);
    todo.push(...files);
  }
  return pkgs;
}

describe('lazy imports', () => {
  // main.ts turns the compile cache on first, then imports the program dynamically.
  const pkgs = new Set([...staticPackages(join(PROJECT_ROOT, 'src/cli/main.ts')), ...staticPackages(join(PROJECT_ROOT, 'src/cli/program.ts'))]);

  it('main.ts enables the compile cache before it loads the program', () => {
    const main = readFileSync(join(PROJECT_ROOT, 'src/cli/main.ts'), 'utf8');
    expect(main.indexOf('enableCompileCache?.()')).toBeGreaterThan(0);
    expect(main.indexOf('enableCompileCache?.()')).toBeLessThan(main.indexOf("import('./program.js')"));
    expect(staticImports(join(PROJECT_ROOT, 'src/cli/main.ts')).files).toEqual([]);
  });

  it('the CLI loads commander statically (the walk sees packages)', () => {
    expect(pkgs.has('commander')).toBe(true);
  });

  it('keeps @aws-sdk/client-ec2, archiver, the proxy agents, the diff library and js-yaml out of the static import graph', () => {
    // js-yaml: only a large spec is read with it (src/spec/fast-load.ts), and rendering loads it with the translators.
    expect([...pkgs].filter((p) => p.startsWith('@aws-sdk/') || ['archiver', 'undici', 'https-proxy-agent', 'agent-base', 'proxy-from-env', 'diff', 'js-yaml'].includes(p))).toEqual([]);
  });

  it('imports them dynamically where they are used', () => {
    expect(readFileSync(join(PROJECT_ROOT, 'src/cloud/aws/launch-template.ts'), 'utf8')).toContain("await import('@aws-sdk/client-ec2')");
    expect(readFileSync(join(PROJECT_ROOT, 'src/bundle/archive.ts'), 'utf8')).toContain("await import('archiver')");
  });
});
