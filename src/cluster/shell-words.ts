/**
 * Shell quoting for the commands the cluster READMEs print: values from the spec (names, SPIFFE
 * IDs, paths) are single-quoted whenever they contain anything beyond a safe character set, the
 * way istioctl quotes cluster.env values (shellescape.Quote), so a pasted command is never split
 * or expanded by the shell.
 */

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Returns `value` as one POSIX shell word. */
export function shq(value: string): string {
  if (value !== '' && SAFE.test(value)) return value;
  return `'${value.replace(/'/g, `'"'"'`)}'`;
}

/** Joins words into a command line, quoting each one. */
export function shellCommand(...words: string[]): string {
  return words.map(shq).join(' ');
}
