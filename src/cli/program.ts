/**
 * The commander tree. Only wiring lives here: each command parses its options and calls the
 * library. runCli is the one place that maps outcomes to exit codes.
 */
import { Command, CommanderError } from 'commander';
import { CliExit, EXIT, UsageError, type CliIO } from './io.js';
import { validateCommand } from './commands/validate.js';
import { schemaCommand } from './commands/schema.js';
import { initCommand } from './commands/init.js';
import { renderCommand } from './commands/render.js';
import { userdataCommand } from './commands/userdata.js';
import { awsCommand } from './commands/aws.js';
import { pinCommand } from './commands/pin.js';
import { caCommand } from './commands/ca.js';
import { completionCommand } from './commands/completion.js';
import { explainCommand } from './commands/explain.js';
import { diffCommand } from './commands/diff.js';
import { VERSION } from '../version.js';

/** Builds the program with its commands writing to `io`. */
export function createProgram(io: CliIO): Command {
  const program = new Command('vmonboard')
    .description('onboard VMs into an Istio-based service mesh: validate one spec, render cluster values and first-boot payloads')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .exitOverride();
  // Nested commands (aws launch-template) need the same settings: addCommand does not inherit them.
  const configure = (cmd: Command): Command => {
    cmd.exitOverride().configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) }).showHelpAfterError('(run with --help for usage)');
    for (const sub of cmd.commands) configure(sub);
    return cmd;
  };
  for (const cmd of [validateCommand(io), renderCommand(io), userdataCommand(io), awsCommand(io), pinCommand(io), caCommand(io), explainCommand(io), diffCommand(io), schemaCommand(io), initCommand(io), completionCommand(io)]) {
    program.addCommand(configure(cmd));
  }
  return program;
}

/** Runs the CLI and returns the process exit code. Never throws. */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  try {
    await createProgram(io).parseAsync(argv);
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CliExit) return err.exitCode;
    if (err instanceof CommanderError) {
      // Help and version are successful outputs; anything else commander rejects is a usage error.
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.ok;
      return EXIT.usage;
    }
    if (err instanceof UsageError) {
      io.stderr.write(`error${err.code ? `[${err.code}]` : ''}: ${err.message}\n`);
      return EXIT.usage;
    }
    const e = err as Error;
    io.stderr.write(`internal error: ${e?.message ?? String(err)}\nThis is a bug in vmonboard ${VERSION}; please report it with the input that triggers it.\n${e?.stack ?? ''}\n`);
    return EXIT.internal;
  }
}
