#!/usr/bin/env bash
# Shells and manuals: `boss completion bash|zsh|fish` loaded by the real shells (bash:
# the completion function run on COMP_WORDS as bash runs it on Tab; fish: `complete -C`;
# zsh: parsed and registered with compinit, and completed on Tab in a tmux pane), the
# service names they ask boss for, boss(1) rendering without warnings, and every
# command's --help with examples. No engine needed.
source "$(dirname "$0")/lib.sh" "$@"
BUILD_DIR=$(dirname "$BOSS_BIN")

new_project shell
write_services <<'EOF2'
local boss = require "boss"
local Base = boss.Service:extend { image = "@IMG@" }
Base:extend { name = "web" }
Base:extend { name = "worker" }
Base:extend { name = "db" }
EOF2
mkdir -p "$DIR/bin" "$DIR/other"
ln -s "$BOSS_BIN" "$DIR/bin/boss"
export PATH=$DIR/bin:$PATH
touch "$DIR/other/alt.lua"

# ---- bash ------------------------------------------------------------------------------
section "bash"
"$BOSS_BIN" completion bash >"$DIR/boss.bash"
expect_true "bash parses the script" bash -n "$DIR/boss.bash"

# complete_bash WORD...: what bash offers for the last WORD ('' = a new word) of
# `boss WORD...`, in $DIR, one candidate a line, sorted; stderr in $DIR/bash.err.
complete_bash() {
  (cd "$DIR" && bash --norc --noprofile -c '
    source "$1"; shift
    complete -p boss | grep -q -- "-F _boss" || { echo "not registered" >&2; exit 1; }
    COMP_WORDS=(boss "$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}
    _boss
    printf "%s\n" "${COMPREPLY[@]}"' bash "$DIR/boss.bash" "$@" 2>"$DIR/bash.err" | sort | tr '\n' ' ' | sed 's/ $//')
}
expect_eq "$(complete_bash st)" "start status stop" "boss st<Tab>"
expect_eq "$(complete_bash co)" "completion convert" "boss co<Tab>"
expect_eq "$(complete_bash -v --pro)" "--profile --progress --project" "boss -v --pro<Tab>"
expect_eq "$(complete_bash start --re)" "--remove-orphans" "boss start --re<Tab>"
expect_eq "$(complete_bash start --ex)" "--exclude" "boss start --ex<Tab>"
expect_eq "$(complete_bash start w)" "web worker" "boss start w<Tab> (services from services.lua)"
expect_eq "$(complete_bash start '')" "db web worker" "boss start <Tab>"
expect_eq "$(complete_bash start --exclude d)" "db" "boss start --exclude d<Tab>"
expect_eq "$(complete_bash --progress j)" "json" "boss --progress j<Tab>"
expect_eq "$(complete_bash -p x logs -f w)" "web worker" "boss -p x logs -f w<Tab> (logs -f is --follow, no value)"
expect_eq "$(complete_bash completion '')" "bash fish zsh" "boss completion <Tab>"
expect_eq "$(complete_bash exec '')" "db web worker" "boss exec <Tab>"
expect_contains " $(complete_bash exec db ech) " " echo " "boss exec db ech<Tab> (a command)"
expect_eq "$(complete_bash status --js)" "--json" "boss status --js<Tab>"
expect_eq "$(complete_bash -f other/a)" "other/alt.lua" "boss -f other/a<Tab> (a path)"
expect_eq "$(complete_bash --file = other/a)" "other/alt.lua" "boss --file=other/a<Tab>"
expect_eq "$(complete_bash --env-file other/al)" "other/alt.lua" "boss --env-file other/al<Tab>"
# -f names another services file: its services, not the folder's.
cat >"$DIR/other/alt.lua" <<'EOF2'
local boss = require "boss"
boss.Service:extend { name = "alpha", image = "busybox" }
EOF2
expect_eq "$(complete_bash -f other/alt.lua start '')" "alpha" "boss -f other/alt.lua start <Tab>"
expect_eq "$(complete_bash --file = other/alt.lua stop '')" "alpha" "boss --file=other/alt.lua stop <Tab> (as bash splits it)"
# A broken or missing services file: no candidates, nothing printed on the terminal.
expect_eq "$(complete_bash -f nowhere.lua start '')" "" "a missing services file: no services"
expect_eq "$(cat "$DIR/bash.err")" "" "and nothing on stderr"
printf 'this is not lua(\n' >"$DIR/other/broken.lua"
expect_eq "$(complete_bash -f other/broken.lua start '')" "" "a broken services file: no services"
expect_eq "$(cat "$DIR/bash.err")" "" "and nothing on stderr"

section "__complete services (what the scripts ask)"
expect_exit 0 "$BOSS_BIN" -f "$DIR/services.lua" __complete services
expect_eq "$(tr '\n' ' ' <<<"$OUT")" "web worker db " "one service a line"
expect_exit 2 "$BOSS_BIN" -f "$DIR/services.lua" __complete nothing
expect_exit 0 "$BOSS_BIN" --help
expect_not_contains "$OUT" "__complete" "boss --help"

# ---- fish ------------------------------------------------------------------------------
section "fish"
if command -v fish >/dev/null; then
  "$BOSS_BIN" completion fish >"$DIR/boss.fish"
  expect_true "fish parses the script" fish --no-execute "$DIR/boss.fish"
  complete_fish() {  # complete_fish LINE: the candidates (without descriptions), sorted
    (cd "$DIR" && fish --no-config -c "source $DIR/boss.fish; complete -C '$1'" 2>"$DIR/fish.err" | cut -f1 | sort | tr '\n' ' ' |
      sed 's/ $//')
  }
  expect_eq "$(complete_fish 'boss st')" "start status stop" "fish: boss st<Tab>"
  expect_eq "$(complete_fish 'boss start w')" "web worker" "fish: boss start w<Tab>"
  expect_eq "$(complete_fish 'boss start --exclude d')" "db" "fish: boss start --exclude d<Tab>"
  expect_eq "$(complete_fish 'boss start --rem')" "--remove-orphans" "fish: boss start --rem<Tab>"
  expect_eq "$(complete_fish 'boss --progress j')" "json" "fish: boss --progress j<Tab>"
  expect_eq "$(complete_fish 'boss logs -f w')" "web worker" "fish: boss logs -f w<Tab>"
  expect_eq "$(complete_fish 'boss -f other/alt.lua start ')" "alpha" "fish: boss -f other/alt.lua start <Tab>"
  expect_eq "$(complete_fish 'boss completion ')" "bash fish zsh" "fish: boss completion <Tab>"
  expect_eq "$(cat "$DIR/fish.err")" "" "fish: nothing on stderr"
else
  fail "fish is not installed (scripts/setup.sh installs it)"
fi

# ---- zsh -------------------------------------------------------------------------------
section "zsh"
if command -v zsh >/dev/null; then
  mkdir -p "$DIR/zfunc"
  "$BOSS_BIN" completion zsh >"$DIR/zfunc/_boss"
  expect_true "zsh parses the script" zsh -n "$DIR/zfunc/_boss"
  expect_exit 0 zsh -f -c "fpath=($DIR/zfunc \$fpath); autoload -Uz compinit; compinit -u -d $DIR/zcompdump; print -r -- \$_comps[boss]"
  expect_eq "$OUT" "_boss" "compinit registers _boss for boss"
  expect_eq "$ERR" "" "compinit: nothing on stderr"
  # On Tab in a real zsh (in tmux): commands, service names (of -f's file too), options.
  if command -v tmux >/dev/null; then
    sock="$DIR/tmux.sock"
    tmux -S "$sock" new-session -d -x 200 -y 20 -c "$DIR" "env -i HOME=$DIR PATH=$PATH TERM=xterm zsh -f"
    tmux -S "$sock" send-keys "PS1='> '; fpath=($DIR/zfunc \$fpath); autoload -Uz compinit; compinit -u -d $DIR/zcompdump; clear; echo zsh-ready" Enter
    wait_for 10 bash -c "tmux -S '$sock' capture-pane -p | grep -qx 'zsh-ready'"
    # zsh_tab LINE WANT: types LINE, presses Tab, expects the line to read WANT.
    zsh_tab() {
      tmux -S "$sock" send-keys C-u "$1" Tab
      wait_for 5 bash -c "tmux -S '$sock' capture-pane -p | grep -qF '> $2'"
      expect_contains "$(tmux -S "$sock" capture-pane -p | grep -F '> ' | tail -1)" "> $2" "zsh: $1<Tab>"
    }
    zsh_tab "boss star" "boss start"  # (tmux drops the blank after it)
    zsh_tab "boss start wo" "boss start worker"
    zsh_tab "boss logs -f wo" "boss logs -f worker"
    zsh_tab "boss -f other/alt.lua stop al" "boss -f other/alt.lua stop alpha"
    zsh_tab "boss -v --progr" "boss -v --progress="
    zsh_tab "boss exec worker ech" "boss exec worker echo"  # after the service: a command
    tmux -S "$sock" kill-server
  fi
else
  fail "zsh is not installed (scripts/setup.sh installs it)"
fi

# ---- the manual and --help --------------------------------------------------------------
section "boss(1)"
MAN_PAGE=$BUILD_DIR/boss.1
expect_true "the build made boss.1" test -s "$MAN_PAGE"
expect_exit 0 groff -ww -man -z "$MAN_PAGE"
expect_eq "$ERR" "" "groff -ww: no warnings"
MANWIDTH=80 expect_exit 0 man --warnings -l "$MAN_PAGE"
expect_eq "$ERR" "" "man --warnings: no warnings"
expect_contains "$OUT" "boss - bring up dependent Docker containers" "the rendered page"
expect_not_contains "$OUT" "@VERSION@" "the rendered page"

section "--help of every command, with examples"
for command in start stop reload restart status logs exec run down prune push deploy convert init completion; do
  run "$BOSS_BIN" "$command" --help
  if [[ $RC == 0 && $OUT == *"Examples:"* && $OUT == *"boss $command"* ]]; then
    pass "boss $command --help has examples"
  else
    fail "boss $command --help should end with examples (exit $RC)"
    show_output
  fi
done
expect_exit 2 "$BOSS_BIN" completion tcsh
expect_one_line_stderr
expect_contains "$ERR" "tcsh" "stderr"

finish
