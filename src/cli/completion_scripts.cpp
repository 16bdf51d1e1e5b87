#include "cli/completion_scripts.h"

#include <algorithm>

namespace boss {
namespace {

std::string words(const std::vector<std::string>& list, const std::string& separator = " ") {
  std::string text;
  for (const auto& word : list) text += (text.empty() ? "" : separator) + word;
  return text;
}

// `text` inside single quotes, for any of the three shells.
std::string quoted(const std::string& text, const std::string& quote_escape = "'\\''") {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += quote_escape;
    else out += c;
  }
  return out + "'";
}

std::vector<std::string> option_names(const std::vector<CompletionOption>& options, bool with_value) {
  std::vector<std::string> names;
  for (const auto& option : options)
    if (!with_value || option.value != ValueKind::none)
      for (const auto& name : option.names) names.push_back(name);
  return names;
}

// The names of the services file option (-f, --file), which the scripts pass on to
// `boss __complete`, joined by `separator`.
std::string file_patterns(const CompletionModel& model, const std::string& separator) {
  for (const auto& option : model.globals)
    if (has_name(option, "--file")) return words(option.names, separator);
  return "--file";
}

// ---- bash ------------------------------------------------------------------------------

// How bash completes a value: file, service, text, "choice:a b c"; "flag" for no value.
std::string bash_kind(const CompletionOption& option) {
  switch (option.value) {
    case ValueKind::none: return "flag";
    case ValueKind::text: return "text";
    case ValueKind::file: return "file";
    case ValueKind::service: return "service";
    case ValueKind::choice: return "choice:" + words(option.choices);
  }
  return "text";
}

std::string bash_kind_cases(const std::vector<CompletionOption>& options, const std::string& prefix) {
  std::string text;
  for (const auto& option : options) {
    std::vector<std::string> patterns;
    for (const auto& name : option.names) patterns.push_back("\"" + prefix + name + "\"");
    text += "    " + words(patterns, "|") + ") echo " + quoted(bash_kind(option)) + "; return ;;\n";
  }
  return text;
}

std::string bash_positional(const CompletionCommand& command) {
  std::string kind = command.positional == ValueKind::choice ? "choice:" + words(command.positional_choices)
                     : command.positional == ValueKind::service ? "service"
                     : command.positional == ValueKind::file    ? "file"
                     : command.positional == ValueKind::text    ? "text"
                                                                : "none";
  // How many positionals at most (0: any), "command" when a command follows them (else
  // "-"), then KIND (last: a choice's words have blanks).
  return std::string(command.single_positional ? "1" : "0") + (command.command_after_positional ? " command " : " - ") + kind;
}


// ---- zsh -------------------------------------------------------------------------------

// Text inside an _arguments [description] or a _describe item.
std::string zsh_description(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '[' || c == ']' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::string zsh_action(ValueKind kind, const std::vector<std::string>& choices, const std::string& what) {
  switch (kind) {
    case ValueKind::file: return ":" + what + ":_files";
    case ValueKind::service: return ":service:_boss_services";
    case ValueKind::choice: return ":" + what + ":(" + words(choices) + ")";
    case ValueKind::text: return ":" + what + ": ";
    case ValueKind::none: return "";
  }
  return "";
}

// One _arguments spec per name: '(-f --file)-f+[Services file]:file:_files'.
std::string zsh_option_specs(const std::vector<CompletionOption>& options) {
  std::string text;
  for (const auto& option : options) {
    const std::string exclusive = option.repeatable ? "*" : "(" + words(option.names) + ")";
    for (const auto& name : option.names) {
      const bool long_name = name.rfind("--", 0) == 0;
      const std::string value_mark = option.value == ValueKind::none ? "" : long_name ? "=" : "+";
      text += "    " + quoted(exclusive + name + value_mark + "[" + zsh_description(option.description) + "]" +
                                zsh_action(option.value, option.choices, "value")) +
              "\n";
    }
  }
  return text;
}

std::string zsh_positional_specs(const CompletionCommand& command) {
  if (command.positional == ValueKind::none) return "";
  const std::string what = command.positional == ValueKind::service ? "service"
                           : command.positional == ValueKind::file  ? "file"
                                                                    : "argument";
  std::string spec = (command.single_positional ? "1" : "*") +
                     zsh_action(command.positional, command.positional_choices, what);
  std::string text = "    " + quoted(spec) + "\n";
  if (command.command_after_positional) text += "    '*::command:_boss_command'\n";
  return text;
}

// ---- fish ------------------------------------------------------------------------------

std::string fish_option(const CompletionOption& option, const std::string& condition) {
  std::string text = "complete -c boss";
  if (!condition.empty()) text += " -n " + quoted(condition, "\\'");
  for (const auto& name : option.names)
    text += (name.rfind("--", 0) == 0 ? " -l " : " -s ") + name.substr(name.find_first_not_of('-'));
  switch (option.value) {
    case ValueKind::file: text += " -r -F"; break;
    case ValueKind::service: text += " -x -a '(__boss_services)'"; break;
    case ValueKind::choice: text += " -x -a " + quoted(words(option.choices), "\\'"); break;
    case ValueKind::text: text += " -x"; break;
    case ValueKind::none: break;
  }
  return text + " -d " + quoted(option.description, "\\'") + "\n";
}

std::string fish_positional(const CompletionCommand& command) {
  if (command.positional == ValueKind::none) return "";
  const std::string condition = "__boss_using " + command.name + (command.single_positional ? " 1" : "");
  std::string text = "complete -c boss -n " + quoted(condition, "\\'");
  switch (command.positional) {
    case ValueKind::file: text += " -F"; break;
    case ValueKind::service: text += " -a '(__boss_services)'"; break;
    case ValueKind::choice: text += " -a " + quoted(words(command.positional_choices), "\\'"); break;
    default: break;
  }
  text += "\n";
  if (command.command_after_positional)
    text += "complete -c boss -n " + quoted("__boss_after_positional " + command.name, "\\'") +
            " -a '(__fish_complete_subcommand --fcs-skip=(__boss_command_start))'\n";
  return text;
}

}  // namespace

std::string bash_completion(const CompletionModel& model) {
  std::vector<std::string> commands;
  std::string own_kinds, own_options, positionals;
  for (const auto& command : model.commands) {
    commands.push_back(command.name);
    own_kinds += bash_kind_cases(command.options, command.name + " ");
    own_options += "    " + command.name + ") echo " +
                   quoted(words(option_names(command.options, false)) + " " +
                          words(option_names(globals_of(model, command), false))) +
                   " ;;\n";
    positionals += "    " + command.name + ") echo " + quoted(bash_positional(command)) + " ;;\n";
  }
  std::string text = R"SH(# bash completion for boss, made by `boss completion bash` from boss's own definition
# of its command line. Load it with:  source <(boss completion bash)
# Service names come from `boss [-f FILE] __complete services` when Tab is pressed.

# _boss_value_kind COMMAND OPTION: what completes OPTION's value (file, service, text,
# choice:WORDS), "flag" when it takes none, nothing when OPTION is unknown.
_boss_value_kind() {
  case "$1 $2" in
)SH" + own_kinds + R"SH(  esac
  case "$2" in
)SH" + bash_kind_cases(model.globals, "") + R"SH(  esac
}

# _boss_options COMMAND: the options it accepts (its own, then boss's global ones).
_boss_options() {
  case $1 in
)SH" + own_options + R"SH(    *) echo )SH" + quoted(words(option_names(model.globals, false))) + R"SH( ;;
  esac
}

# _boss_positional COMMAND: "MAX AFTER KIND": at most MAX positionals (0: any), AFTER
# "command" when a command of its own follows them, KIND what completes them.
_boss_positional() {
  case $1 in
)SH" + positionals + R"SH(    *) echo 0 - none ;;
  esac
}

# _boss_reply KIND: COMPREPLY for the current word $cur, for a value of KIND.
_boss_reply() {
  case $1 in
    file) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")) ;;
    service) COMPREPLY=($(compgen -W "$("$boss" ${file:+-f "$file"} __complete services 2>/dev/null)" -- "$cur")) ;;
    choice:*) COMPREPLY=($(compgen -W "${1#choice:}" -- "$cur")) ;;
    *) COMPREPLY=() ;;
  esac
}

_boss() {
  local boss=${COMP_WORDS[0]} cur=${COMP_WORDS[COMP_CWORD]} prev="" cmd="" file="" npos=0 i w kind
  # bash splits --option=value at '=': the value is the current word, the option before '='.
  if [[ $cur == "=" ]]; then
    cur="" prev=${COMP_WORDS[COMP_CWORD-1]}
  elif ((COMP_CWORD >= 2)) && [[ ${COMP_WORDS[COMP_CWORD-1]} == "=" ]]; then
    prev=${COMP_WORDS[COMP_CWORD-2]}
  elif ((COMP_CWORD >= 1)); then
    prev=${COMP_WORDS[COMP_CWORD-1]}
  fi
  # The command word, the services file (-f) and how many positionals follow the command.
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=${COMP_WORDS[i]}
    kind=$(_boss_value_kind "$cmd" "$w")
    if [[ -n $kind && $kind != flag ]]; then
      if [[ ${COMP_WORDS[i+1]} == "=" ]]; then ((i += 2)); else ((i += 1)); fi
      ((i >= COMP_CWORD)) && break
      case $w in )SH" + file_patterns(model, "|") + R"SH() [[ $kind == file ]] && file=${COMP_WORDS[i]} ;; esac
      continue
    fi
    [[ $w == -* ]] && continue
    if [[ -z $cmd ]]; then cmd=$w; else ((npos += 1)); fi
  done
  local positional max after
  read -r max after positional <<<"$(_boss_positional "$cmd")"
  # exec and run: what follows the service is a command of its own.
  if [[ -n $cmd && $after == command ]] && ((npos >= 1)); then
    if ((npos == 1)); then COMPREPLY=($(compgen -c -- "$cur")); else _boss_reply file; fi
    return
  fi
  if [[ $prev == -* ]]; then
    kind=$(_boss_value_kind "$cmd" "$prev")
    if [[ -n $kind && $kind != flag ]]; then _boss_reply "$kind"; return; fi
  fi
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$(_boss_options "$cmd")" -- "$cur"))
  elif [[ -z $cmd ]]; then
    COMPREPLY=($(compgen -W )SH" + quoted(words(commands)) + R"SH( -- "$cur"))
  elif [[ $positional != none ]] && ((max == 0 || npos < max)); then
    _boss_reply "$positional"
  fi
}
complete -F _boss boss
)SH";
  return text;
}

std::string zsh_completion(const CompletionModel& model) {
  std::string commands, cases;
  for (const auto& command : model.commands) {
    commands += "    " + quoted(command.name + ":" + zsh_description(command.description)) + "\n";
    cases += "        " + command.name + ")\n          _arguments -s -S \\\n" ;
    std::string specs = zsh_option_specs(command.options) + zsh_option_specs(globals_of(model, command)) +
                        zsh_positional_specs(command);
    // One spec per line, each continued.
    std::string continued;
    std::size_t start = 0;
    while (start < specs.size()) {
      const auto end = specs.find('\n', start);
      continued += "      " + specs.substr(start, end - start) + " \\\n";
      start = end + 1;
    }
    cases += continued + "            && ret=0 ;;\n";
  }
  return R"SH(#compdef boss
# zsh completion for boss, made by `boss completion zsh` from boss's own definition of its
# command line. Install it as _boss in a folder of $fpath (before compinit runs).
# Service names come from `boss [-f FILE] __complete services` when Tab is pressed.

# $boss_command and $boss_file are _boss's: the command word and a -f before the command.
_boss_services() {
  local file=${opt_args[)SH" + file_patterns(model, "]:-${opt_args[") + R"SH(]:-$boss_file}}
  local -a services file_args
  [[ -n $file ]] && file_args=(-f $file)
  services=(${(f)"$(${boss_command:-boss} $file_args __complete services 2>/dev/null)"})
  _wanted services expl service compadd -a services
}

# exec, run: what follows the service is a command of its own ($words starts at the service).
_boss_command() {
  shift words
  (( CURRENT-- ))
  _normal
}

_boss() {
  local curcontext=$curcontext state state_descr line ret=1 boss_command=$words[1] boss_file
  typeset -A opt_args
  _arguments -s -S -C -A "-*" \
)SH" + [&] {
    std::string specs = zsh_option_specs(model.globals), continued;
    std::size_t start = 0;
    while (start < specs.size()) {
      const auto end = specs.find('\n', start);
      continued += "  " + specs.substr(start, end - start) + " \\\n";
      start = end + 1;
    }
    return continued;
  }() + R"SH(    '1:command:->command' \
    '*::argument:->arguments' && ret=0
  case $state in
    command)
      local -a commands
      commands=(
)SH" + commands + R"SH(      )
      _describe -t commands 'boss command' commands && ret=0
      ;;
    arguments)
      boss_file=${opt_args[)SH" + file_patterns(model, "]:-${opt_args[") + R"SH(]}}
      curcontext=${curcontext%:*:*}:boss-$words[1]:
      case $words[1] in
)SH" + cases + R"SH(      esac
      ;;
  esac
  return ret
}

if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
  _boss "$@"
else
  compdef _boss boss
fi
)SH";
}

std::string fish_completion(const CompletionModel& model) {
  std::vector<std::string> globals_with_value = option_names(model.globals, true);
  std::string command_values, commands, options;
  for (const auto& command : model.commands) {
    command_values += "        case " + command.name + "\n            echo " +
                      words(option_names(command.options, true)) + " " +
                      words(option_names(globals_of(model, command), true)) + "\n";
    commands += "complete -c boss -n __boss_needs_command -a " + command.name + " -d " +
                quoted(command.description, "\\'") + "\n";
    for (const auto& option : command.options) options += fish_option(option, "__boss_using " + command.name);
    options += fish_positional(command);
  }
  std::string globals;
  for (const auto& global : model.globals) {
    // Not after a command whose own option has one of its names (logs -f is --follow;
    // every command has its own --help).
    std::vector<std::string> shadowing;
    for (const auto& command : model.commands) {
      const auto unshadowed = globals_of(model, command);
      const bool kept = std::any_of(unshadowed.begin(), unshadowed.end(),
                                    [&](const CompletionOption& o) { return o.names == global.names; });
      if (!kept && !has_name(global, "--help")) shadowing.push_back("not __boss_using " + command.name);
    }
    globals += fish_option(global, words(shadowing, "; and "));
  }
  return R"SH(# fish completion for boss, made by `boss completion fish` from boss's own definition of
# its command line. Install it as ~/.config/fish/completions/boss.fish.
# Service names come from `boss [-f FILE] __complete services` when Tab is pressed.

# The options of COMMAND (none: before any command) that take a value.
function __boss_value_options
    switch "$argv[1]"
        case ''
            echo )SH" + words(globals_with_value) + R"SH(
)SH" + command_values + R"SH(    end
end

# Prints the command word, the index of the word after it and how many positionals follow it.
function __boss_scan
    set -l words (commandline -opc)
    set -l command ''
    set -l start 0
    set -l positionals 0
    set -l skip 0
    for i in (seq 2 (count $words))
        if test $skip = 1
            set skip 0
            continue
        end
        set -l w $words[$i]
        if contains -- $w (string split ' ' -- (__boss_value_options $command))
            set skip 1
        else if string match -q -- '-*' $w
        else if test -z "$command"
            set command $w
            set start $i
        else
            set positionals (math $positionals + 1)
        end
    end
    echo $command
    echo $start
    echo $positionals
end

function __boss_needs_command
    set -l scan (__boss_scan)
    test -z "$scan[1]"
end

# __boss_using COMMAND [MAX]: COMMAND was typed (and fewer than MAX positionals after it).
function __boss_using
    set -l scan (__boss_scan)
    test "$scan[1]" = "$argv[1]"; or return 1
    set -q argv[2]; or return 0
    test $scan[3] -lt $argv[2]
end

# exec and run: the service was given, what follows is a command of its own.
function __boss_after_positional
    set -l scan (__boss_scan)
    test "$scan[1]" = "$argv[1]"; and test $scan[3] -ge 1
end

# How many words that are not options, up to exec's service, come before its command
# (what __fish_complete_subcommand skips).
function __boss_command_start
    set -l scan (__boss_scan)
    set -l words (commandline -opc)
    set -l count 0
    for i in (seq (count $words))
        string match -q -- '-*' $words[$i]; and continue
        string match -q -- '*=*' $words[$i]; and continue
        set count (math $count + 1)
        if test $i -gt $scan[2]
            break
        end
    end
    echo $count
end

function __boss_services
    set -l words (commandline -opc)
    set -l file
    for i in (seq 2 (count $words))
        switch $words[$i]
            case )SH" + file_patterns(model, " ") + R"SH(
                set -l next (math $i + 1)
                set -q words[$next]; and set file $words[$next]
            case '--file=*'
                set file (string replace -- '--file=' '' $words[$i])
        end
    end
    if set -q file[1]
        $words[1] -f $file __complete services 2>/dev/null
    else
        $words[1] __complete services 2>/dev/null
    end
end

complete -c boss -f
)SH" + commands + globals + options;
}

}  // namespace boss
