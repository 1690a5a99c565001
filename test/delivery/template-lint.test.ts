/**
 * The shell templates interpolate only through helpers that quote for the shell (shq, shqList,
 * int, octal, comment, stage), partials and block helpers: a raw `{{value}}` (or `{{{value}}}`)
 * would splice unquoted text into a root shell script. The lint walks Handlebars' own AST.
 */
import { describe, expect, it } from 'vitest';
import Handlebars from 'handlebars';
import { readAsset } from '../../src/assets.js';
import { listTemplates, SHELL_HELPERS, TEMPLATE_DIR } from '../../src/delivery/shell-helpers.js';

const BLOCKS = new Set(['if', 'unless', 'each']);

type Node = hbs.AST.Node & { type: string };

/** Returns one message per interpolation that is not a helper call, partial or allowed block. */
function lintTemplate(text: string): string[] {
  const problems: string[] = [];
  const visit = (node: Node | undefined | null): void => {
    if (!node) return;
    switch (node.type) {
      case 'Program':
        for (const s of (node as hbs.AST.Program).body) visit(s as Node);
        break;
      case 'MustacheStatement': {
        const m = node as hbs.AST.MustacheStatement;
        const name = (m.path as hbs.AST.PathExpression).original;
        const line = m.loc.start.line;
        if (!m.escaped) problems.push(`line ${line}: triple-stash {{{${name}}}} is not allowed`);
        else if (!(SHELL_HELPERS as readonly string[]).includes(name) || m.params.length === 0) problems.push(`line ${line}: raw {{${name}}} is not a quoting helper call`);
        break;
      }
      case 'BlockStatement': {
        const b = node as hbs.AST.BlockStatement;
        const name = (b.path as hbs.AST.PathExpression).original;
        if (!BLOCKS.has(name)) problems.push(`line ${b.loc.start.line}: block helper #${name} is not allowed`);
        visit(b.program as Node);
        visit(b.inverse as Node);
        break;
      }
      case 'PartialStatement':
      case 'ContentStatement':
      case 'CommentStatement':
        break;
      default:
        problems.push(`line ${node.loc.start.line}: unexpected ${node.type}`);
    }
  };
  visit(Handlebars.parse(text) as Node);
  return problems;
}

describe('shell template lint', () => {
  const templates = listTemplates();
  it('finds the templates (top-level scripts and partials)', () => {
    expect(templates).toContain('istio.sh.hbs');
    expect(templates).toContain('bake.sh.hbs');
    expect(templates).toContain('vm/verify.sh.hbs');
    expect(templates.filter((t) => t.startsWith('partials/common/')).length).toBeGreaterThan(8);
  });

  it.each(templates)('%s interpolates only through quoting helpers', (t) => {
    expect(lintTemplate(readAsset(`${TEMPLATE_DIR}/${t}`))).toEqual([]);
  });

  it('rejects a raw variable, a triple-stash, a helper without arguments and an unknown block', () => {
    expect(lintTemplate('echo {{name}}')).toEqual(['line 1: raw {{name}} is not a quoting helper call']);
    expect(lintTemplate('echo {{{name}}}')).toEqual(['line 1: triple-stash {{{name}}} is not allowed']);
    expect(lintTemplate('echo {{shq}}')).toEqual(['line 1: raw {{shq}} is not a quoting helper call']);
    expect(lintTemplate('{{#with x}}{{shq y}}{{/with}}')).toEqual(['line 1: block helper #with is not allowed']);
    expect(lintTemplate('{{#if a}}x={{b.c}}{{/if}}')).toEqual(['line 1: raw {{b.c}} is not a quoting helper call']);
  });

  it('accepts helpers, partials, comments and if/unless/each', () => {
    expect(lintTemplate('{{!-- why --}}\n{{> common/log}}\n{{#each xs}}{{shq this}}{{/each}}{{#unless y}}{{int 1}}{{/unless}}')).toEqual([]);
  });
});
