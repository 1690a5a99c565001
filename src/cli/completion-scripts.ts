/**
 * Shell completion scripts generated from the command tree (completion-tree.ts). Hand-written
 * rather than a library: commander has no completion support, and the completion packages on
 * npm (omelette, tabtab) install files into shell rc files, which a CLI printing a script to
 * stdout must not do. Workload and platform names come from the spec already on the command
 * line, through the hidden `vmonboard completion --list workloads|platforms <spec>`.
 */
import { shq } from '../cluster/shell-words.js';
import type { CompletionCommand } from './completion-tree.js';

/** The case label of a command path: its words joined by spaces, '' for the program. */
const key = (path: string[]): string => path.join(' ');

/** The bash script (also used by zsh through bashcompinit). */
export function bashCompletion(commands: CompletionCommand[], bin = 'vmonboard'): string {
  const fn = `_${bin.replace(/[^A-Za-z0-9_]/g, '_')}_complete`;
  const subs = commands.map((c) => `    ${shq(key(c.path))}) echo ${shq(c.subcommands.join(' '))} ;;`).join('\n');
  const opts = commands.map((c) => `    ${shq(key(c.path))}) echo ${shq(c.options.flatMap((o) => o.flags).join(' '))} ;;`).join('\n');
  const valued = commands.map((c) => `    ${shq(key(c.path))}) echo ${shq(c.options.filter((o) => o.takesValue).flatMap((o) => o.flags).join(' '))} ;;`).join('\n');
  const values: string[] = [];
  for (const c of commands) {
    for (const o of c.options.filter((x) => x.takesValue)) {
      const labels = o.flags.map((f) => shq(`${key(c.path)}:${f}`)).join('|');
      if (o.choices.length > 0) values.push(`    ${labels}) COMPREPLY=($(compgen -W ${shq(o.choices.join(' '))} -- "$cur")) ;;`);
      else if (o.specNames) values.push(`    ${labels}) [[ -n $spec ]] && COMPREPLY=($(compgen -W "$("\${COMP_WORDS[0]}" completion --list ${o.specNames} --spec "$spec" 2>/dev/null)" -- "$cur")) ;;`);
      else if (o.path) values.push(`    ${labels}) COMPREPLY=($(compgen -f -- "$cur")) ;;`);
      else values.push(`    ${labels}) COMPREPLY=() ;;`);
    }
  }
  return `# ${bin} completion for bash, generated from its command tree by \`${bin} completion bash\`.
# Load it now: source <(${bin} completion bash); or install it for every shell:
#   ${bin} completion bash > ~/.local/share/bash-completion/completions/${bin}
${fn}_subcommands() {
  case "$1" in
${subs}
  esac
}
${fn}_options() {
  case "$1" in
${opts}
  esac
}
${fn}_valued() {
  case "$1" in
${valued}
  esac
}
${fn}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="" path="" spec="" w i skip=0
  (( COMP_CWORD > 0 )) && prev="\${COMP_WORDS[COMP_CWORD-1]}"
  COMPREPLY=()
  # Walk the words before the cursor: command words extend the path; the first other positional
  # word is the spec; an option that takes a value swallows the next word.
  for (( i = 1; i < COMP_CWORD; i++ )); do
    w="\${COMP_WORDS[i]}"
    if (( skip )); then skip=0; continue; fi
    if [[ $w == -* ]]; then
      [[ " $(${fn}_valued "$path") " == *" $w "* ]] && skip=1
      continue
    fi
    if [[ " $(${fn}_subcommands "$path") " == *" $w "* ]]; then
      path="\${path:+$path }$w"
    elif [[ -z $spec ]]; then
      spec="$w"
    fi
  done
  if (( skip )); then
    case "$path:$prev" in
${values.join('\n')}
    esac
    return 0
  fi
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$(${fn}_options "$path")" -- "$cur"))
    return 0
  fi
  local subcommands
  subcommands="$(${fn}_subcommands "$path")"
  if [[ -n $subcommands ]]; then
    COMPREPLY=($(compgen -W "$subcommands" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
  return 0
}
complete -o filenames -F ${fn} ${bin}
`;
}

/** The zsh script: zsh's bashcompinit runs the bash function unchanged. */
export function zshCompletion(commands: CompletionCommand[], bin = 'vmonboard'): string {
  return `#compdef ${bin}
# ${bin} completion for zsh, generated from its command tree by \`${bin} completion zsh\`.
# Load it now: source <(${bin} completion zsh); zsh runs the bash completion through bashcompinit.
autoload -U +X compinit && compinit
autoload -U +X bashcompinit && bashcompinit
${bashCompletion(commands, bin).split('\n').filter((l) => !l.startsWith('#')).join('\n')}`;
}

/** Quotes a word for fish single quotes. */
const fq = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** The fish script: one `complete` line per command, option and choice. */
export function fishCompletion(commands: CompletionCommand[], bin = 'vmonboard'): string {
  const fn = `__${bin.replace(/[^A-Za-z0-9_]/g, '_')}`;
  const lines: string[] = [
    `# ${bin} completion for fish, generated from its command tree by \`${bin} completion fish\`.`,
    `# Load it now: ${bin} completion fish | source; or: ${bin} completion fish > ~/.config/fish/completions/${bin}.fish`,
    `complete -c ${bin} -f`,
    `# The command path so far (command words only) and the spec (the first other positional word).`,
    `function ${fn}_path`,
    `    set -l tokens (commandline -opc)`,
    `    set -e tokens[1]`,
    `    set -l path`,
    `    for t in $tokens`,
    `        switch $t`,
    `            case '-*'`,
    `                continue`,
    `        end`,
    `        if contains -- $t (${fn}_subcommands (string join ' ' $path))`,
    `            set path $path $t`,
    `        end`,
    `    end`,
    `    string join ' ' $path`,
    `end`,
    `function ${fn}_subcommands`,
    `    switch "$argv[1]"`,
    ...commands.map((c) => `        case ${fq(key(c.path))}\n            printf '%s\\n' ${c.subcommands.map(fq).join(' ') || "''"}`),
    `    end`,
    `end`,
    `function ${fn}_spec`,
    `    set -l tokens (commandline -opc)`,
    `    set -e tokens[1]`,
    `    for t in $tokens`,
    `        if string match -qr '\\.(ya?ml)$' -- $t; or test "$t" = -`,
    `            echo $t`,
    `            return`,
    `        end`,
    `    end`,
    `end`,
    `function ${fn}_at`,
    `    set -l p (${fn}_path)`,
    `    test "$p" = "$argv[1]"`,
    `end`,
  ];
  for (const c of commands) {
    const cond = `-n ${fq(`${fn}_at ${fq(key(c.path))}`)}`;
    for (const s of commands.filter((x) => x.path.length === c.path.length + 1 && key(x.path.slice(0, -1)) === key(c.path))) {
      lines.push(`complete -c ${bin} ${cond} -a ${fq(s.path.at(-1)!)} -d ${fq(s.description.slice(0, 80))}`);
    }
    for (const o of c.options) {
      const long = o.flags.find((f) => f.startsWith('--'));
      const short = o.flags.find((f) => /^-[^-]$/.test(f));
      let line = `complete -c ${bin} ${cond}${long ? ` -l ${long.slice(2)}` : ''}${short ? ` -s ${short.slice(1)}` : ''} -d ${fq(o.description.slice(0, 80))}`;
      if (o.choices.length > 0) line += ` -x -a ${fq(o.choices.join(' '))}`;
      else if (o.specNames) line += ` -x -a ${fq(`(${bin} completion --list ${o.specNames} --spec (${fn}_spec) 2>/dev/null)`)}`;
      else if (o.path) line += ' -r -F';
      else if (o.takesValue) line += ' -x';
      lines.push(line);
    }
    if (c.takesArgs) lines.push(`complete -c ${bin} ${cond} -F`);
  }
  return `${lines.join('\n')}\n`;
}
