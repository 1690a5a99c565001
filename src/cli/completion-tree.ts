/**
 * The command tree as completion scripts need it, read from commander itself (every command,
 * alias, option and choice), so a command added anywhere is completed without touching this file.
 */
import type { Command } from 'commander';

/** One option of a command. */
export interface CompletionOption {
  flags: string[];
  takesValue: boolean;
  choices: string[];
  description: string;
  /** Values come from the spec on the command line (workload or platform names). */
  specNames?: 'workloads' | 'platforms';
  /** The value is a path (files and directories). */
  path: boolean;
}

/** One command: its path from the program (`['aws', 'launch-template']`), options and subcommands. */
export interface CompletionCommand {
  path: string[];
  description: string;
  options: CompletionOption[];
  subcommands: string[];
  /** Takes positional arguments (a spec file). */
  takesArgs: boolean;
}

/** Options whose values are workload or platform names from the spec. */
const SPEC_NAMES: Record<string, 'workloads' | 'platforms'> = { '--workload': 'workloads', '--platform': 'platforms' };
/** Value placeholders that name paths. */
const PATH_VALUE = /<(file|dir|spec|path)>/;

/** Walks the program and returns every visible command (the program itself first, path []). */
export function collectCommands(program: Command): CompletionCommand[] {
  const out: CompletionCommand[] = [];
  const walk = (cmd: Command, path: string[]): void => {
    const visible = cmd.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden);
    const options: CompletionOption[] = cmd.options
      .filter((o) => !o.hidden)
      .map((o) => {
        const flags = [o.long, o.short].filter((f): f is string => Boolean(f));
        const takesValue = o.required || o.optional;
        const names = o.long ? SPEC_NAMES[o.long] : undefined;
        return { flags, takesValue, choices: o.argChoices ?? [], description: o.description, ...(names ? { specNames: names } : {}), path: takesValue && PATH_VALUE.test(o.flags) };
      });
    options.push({ flags: ['--help', '-h'], takesValue: false, choices: [], description: 'display help for command', path: false });
    out.push({ path, description: cmd.description(), options, subcommands: visible.flatMap((c) => [c.name(), ...c.aliases()]), takesArgs: cmd.registeredArguments.length > 0 });
    for (const c of visible) walk(c, [...path, c.name()]);
  };
  walk(program, []);
  return out;
}
