import { it } from 'vitest';
import { loadSpireAgentReference, type KeyNode } from './spire-reference.js';
const dump = (n: KeyNode, indent = ''): string => [...n.children].map(([k, c]) => `${indent}${k} [${[...c.sources].map(s => s.split('/').pop()).join(',')}]\n${dump(c, indent + '  ')}`).join('');
it('scratch', () => {
  const r = loadSpireAgentReference();
  const root = { sources: new Set<string>(), children: new Map([...r.root.children].filter(([k]) => k !== 'plugins')) };
  console.log(dump(root));
  console.log([...r.pluginTypes], [...r.pluginBlockKeys]);
  for (const p of r.plugins.values()) console.log(p.type, p.name, p.keys && [...p.keys], [...p.required]);
});
