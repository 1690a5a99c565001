/**
 * The quoting helpers, judged by bash itself: whatever shq/shqList/stage emit must reach a
 * command as exactly the original bytes, for inputs full of shell metacharacters.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { comment, int, octal, shq, shqList, stage } from '../../src/delivery/shell-helpers.js';
import { requireExecutable } from '../validators/require-tool.js';

const NASTY = ["it's", '$(touch /nonexistent)', '`id`', '"double" \\ back', 'line1\nline2', '*?[a]{b,c}~', '', '; rm -rf / #', "'''", '$HOME ${x:-y}'];

function bash(script: string): string {
  const r = spawnSync(requireExecutable('bash', 'bash'), ['-c', script], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout;
}

describe('shq', () => {
  it.each(NASTY)('passes %j through bash unchanged', (s) => {
    expect(bash(`printf '%s' ${shq(s)}`)).toBe(s);
  });

  it('quotes numbers and refuses anything else, and NUL', () => {
    expect(shq(8080)).toBe("'8080'");
    expect(() => shq(undefined)).toThrow(/expected a string/);
    expect(() => shq({})).toThrow(/expected a string/);
    expect(() => shq('a\0b')).toThrow(/NUL/);
  });

  it('shqList keeps every item one argument', () => {
    expect(bash(`printf '<%s>' ${shqList(NASTY)}`)).toBe(NASTY.map((s) => `<${s}>`).join(''));
  });
});

describe('int, octal, comment', () => {
  it('prints only safe numbers', () => {
    expect(int(15443)).toBe('15443');
    expect(() => int('15443; reboot')).toThrow();
    expect(() => int(-1)).toThrow();
    expect(() => int(1.5)).toThrow();
    expect(octal(0o640)).toBe('0640');
    expect(octal(0o755)).toBe('0755');
    expect(() => octal(0o10000)).toThrow();
  });

  it('keeps a comment on one line', () => {
    expect(comment('a\nrm -rf /')).toBe('# a rm -rf /');
    expect(bash(`${comment('x\necho INJECTED')}\necho ok`)).toBe('ok\n');
  });
});

describe('stage', () => {
  const roundTrip = (content: string): string =>
    bash(`stage_file() { cat; }\nstage_b64() { printf '%s' "$2" | base64 -d; }\n${stage('f', content)}`);

  it('embeds text as a quoted here-document: no expansion inside', () => {
    const content = 'a=$HOME `id` $(date)\n\\ back \'quote\'\n';
    expect(stage('x/y.conf', content)).toMatch(/^stage_file 'x\/y\.conf' <<'VMONBOARD_EOF'\n/);
    expect(roundTrip(content)).toBe(content);
  });

  it('picks a delimiter that is not a line of the content', () => {
    const content = 'VMONBOARD_EOF\nVMONBOARD_EOF_1\nend\n';
    expect(stage('f', content)).toContain("<<'VMONBOARD_EOF_2'");
    expect(roundTrip(content)).toBe(content);
  });

  it('falls back to base64 without a final newline or with CR', () => {
    for (const content of ['no newline at end', 'crlf\r\nline\r\n']) {
      expect(stage('f', content)).toMatch(/^stage_b64 'f' '[A-Za-z0-9+/=]+'$/);
      expect(roundTrip(content)).toBe(content);
    }
  });
});
