/**
 * Whether the CLI colours its stderr, by the conventions terminals share: FORCE_COLOR (any value
 * but 0/false) turns colour on even in a pipe, NO_COLOR (any non-empty value, no-color.org) turns
 * it off, otherwise colour only on a terminal whose TERM is not "dumb". FORCE_COLOR wins, as in
 * Node's own util.styleText and most tools that read both.
 */

/** Decides colour for a stream that `isTTY` describes, under `env`. */
export function shouldColor(isTTY: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return !['0', 'false'].includes(force.toLowerCase());
  if (env.NO_COLOR) return false;
  return isTTY && env.TERM !== 'dumb';
}
