/**
 * Generates docs/spec.md from the JSON Schema (the schema is the source of truth; a test keeps
 * the committed file equal to this output).
 */

interface SchemaNode {
  type?: string | string[];
  description?: string;
  properties?: Record<string, SchemaNode>;
  required?: string[];
  items?: SchemaNode;
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  maxLength?: number;
  $ref?: string;
  additionalProperties?: boolean | SchemaNode;
  definitions?: Record<string, SchemaNode>;
  oneOf?: SchemaNode[];
}

function resolve(root: SchemaNode, node: SchemaNode): SchemaNode {
  if (!node.$ref) return node;
  const name = node.$ref.replace('#/definitions/', '');
  const target = root.definitions?.[name] ?? {};
  return { ...target, ...(node.description ? { description: node.description } : {}) };
}

function typeOf(n: SchemaNode): string {
  if (n.oneOf) return n.oneOf.map(typeOf).join(', or ');
  if (n.const !== undefined) return `\`${JSON.stringify(n.const)}\``;
  if (n.enum) return n.enum.map((e) => `\`${String(e)}\``).join(' \\| ');
  if (n.type === 'array') return `list of ${n.items ? typeOf(n.items) : 'any'}`;
  if (n.type === 'object' && n.additionalProperties && typeof n.additionalProperties === 'object' && !n.properties) return 'map of string';
  return String(n.type ?? 'object');
}

function constraints(n: SchemaNode): string {
  const c: string[] = [];
  if (n.pattern) c.push(`pattern \`${n.pattern.replace(/\|/g, '\\|')}\``);
  if (n.minimum !== undefined || n.maximum !== undefined) c.push(`${n.minimum ?? ''}–${n.maximum ?? ''}`);
  if (n.minItems !== undefined) c.push(`≥ ${n.minItems} items`);
  if (n.maxItems !== undefined) c.push(`≤ ${n.maxItems} items`);
  if (n.maxLength !== undefined) c.push(`≤ ${n.maxLength} chars`);
  return c.join(', ');
}

function walk(root: SchemaNode, node: SchemaNode, path: string, rows: string[]): void {
  const n = resolve(root, node);
  const req = new Set(n.required ?? []);
  for (const [key, child0] of Object.entries(n.properties ?? {})) {
    if (key === '$schema') continue;
    const child = resolve(root, child0);
    const p = path ? `${path}.${key}` : key;
    const desc = (child.description ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');
    rows.push(`| \`${p}\` | ${typeOf(child)} | ${req.has(key) ? 'yes' : ''} | ${desc}${constraints(child) ? ` (${constraints(child)})` : ''} |`);
    // A field with alternative shapes (targets: a mapping or a list) documents each shape's fields.
    for (const shape of child.oneOf ?? [child]) {
      if (shape.properties) walk(root, shape, p, rows);
      if (shape.type === 'array' && shape.items) {
        const item = resolve(root, shape.items);
        if (item.properties) walk(root, item, `${p}[]`, rows);
      }
    }
  }
}

/** Returns the Markdown reference of a spec schema. */
export function renderSpecReference(schema: SchemaNode): string {
  const rows: string[] = [];
  walk(schema, schema, '', rows);
  return [
    '<!-- Generated from schemas/v1alpha1/onboarding.schema.json by test/generated.test.ts (vitest -u); do not edit. -->',
    '# Onboarding spec reference (`vmonboard/v1alpha1`)',
    '',
    String(schema.description ?? ''),
    '',
    'Every field, as the JSON Schema defines it. `Required` is relative to the parent object. Defaults are',
    'stated in the descriptions; `vmonboard schema` prints the schema itself for editors.',
    '',
    '| field | type | required | description |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
