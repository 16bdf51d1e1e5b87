#!/usr/bin/env bash
# Secrets stay secret: values marked secret (boss.secret, secret_env, a context key set
# from a secret, the context keys a secret env template reads) never appear in anything
# boss writes: progress in every mode, -v traces, plans, status, logs, the summary's log
# tails, error lines and the boss.config label. Every output channel is kept in a file
# and each secret is searched for in all of them; the containers still get the values.
source "$(dirname "$0")/lib.sh" "$@"
need_image "$BUSYBOX"

new_project secrets
OUTPUTS=$DIR/outputs
mkdir -p "$OUTPUTS"
# Every secret of the project, as the containers get them.
SECRETS=(db-pass-4711 literal-api-key-123 ctx-token-XYZ123 fail-secret-777 hook-secret-8080)
export BOSS_TEST_DB_PASSWORD=db-pass-4711
write_services <<'EOF2'
local boss = require "boss"
local Db = boss.Service:extend {
  name = "db", image = "@IMG@",
  cmd = { "sh", "-c", "echo db password is $DB_PASSWORD; exec sleep 1000" },
  env = { DB_PASSWORD = boss.secret(boss.env("BOSS_TEST_DB_PASSWORD")), PLAIN = "visible-value" },
}
function Db:post_start()
  boss.context.token = boss.secret("ctx-token-" .. "XYZ123")
  boss.log("db knows", boss.reveal(self.env.DB_PASSWORD), "as", self.env.DB_PASSWORD)
end
boss.Service:extend {
  name = "app", image = "@IMG@", dependencies = { "db" },
  env = { API_KEY = "literal-api-key-123", TOKEN = "{token}", URI = "x://u:{token}@db" },
  secret_env = { "API_KEY", "TOKEN" },
  cmd = { "sh", "-c", "echo key=$API_KEY token=$TOKEN uri=$URI; exec sleep 1000" },
}
boss.Service:extend {
  name = "bad", image = "@IMG@",
  env = { PW = boss.secret("fail-secret-777") },
  cmd = { "sh", "-c", "echo failing with $PW; exit 3" },
}
boss.Service:extend {
  name = "oops", image = "@IMG@", cmd = { "sleep", "1000" },
  pre_start = function(self) error("cannot log in with " .. boss.reveal(boss.secret("hook-secret-8080"))) end,
}
EOF2

# keep NAME: what the last command printed, as outputs/NAME.{out,err}.
keep() { printf '%s\n' "$OUT" >"$OUTPUTS/$1.out"; printf '%s\n' "$ERR" >"$OUTPUTS/$1.err"; }

section "start, in json with -v traces: the failures quote the secrets masked"
expect_exit 1 boss -v start
keep start-json
expect_outcome db up create
expect_outcome app up create
expect_outcome bad failed
expect_outcome oops failed
expect_contains "$(hook_output db)" $'db knows\t***\tas\t<secret>' "db's boss.log"
expect_contains "$(jq -r 'select(.type == "summary") | .services[] | select(.service == "bad") | .logs' <<<"$OUT")" \
  "failing with ***" "bad's log tail in the summary"
expect_contains "$(jq -r 'select(.type == "summary") | .services[] | select(.service == "oops") | .reason' <<<"$OUT")" \
  "cannot log in with ***" "oops's failure"
expect_contains "$OUT" '"type":"trace"' "-v traces"

section "the containers get the real values"
expect_eq "$(env_of db DB_PASSWORD)" db-pass-4711 "db's DB_PASSWORD"
expect_eq "$(env_of app API_KEY)" literal-api-key-123 "app's API_KEY"
expect_eq "$(env_of app TOKEN)" ctx-token-XYZ123 "app's TOKEN (from the context)"
expect_eq "$(env_of app URI)" x://u:ctx-token-XYZ123@db "app's URI (reads the secret context key)"
inspect db '{{json .Config.Labels}}' >"$OUTPUTS/db-labels.json"
inspect app '{{json .Config.Labels}}' >"$OUTPUTS/app-labels.json"
expect_contains "$(cat "$OUTPUTS/db-labels.json")" 'secret:' "db's boss.config label (a digest)"
expect_contains "$(cat "$OUTPUTS/db-labels.json")" 'visible-value' "db's boss.config label (plain values as they are)"
expect_eq "$(stat -c %a "$(ctx_file)")" 600 "mode of context.json"

section "every other channel"
expect_exit 1 boss_text -v start
keep start-plain
expect_contains "$OUT$ERR" "failing with ***" "plain output"
expect_exit 0 boss start --dry-run
keep dry-run-json
expect_exit 0 boss_text start --dry-run
keep dry-run-text
expect_exit 0 boss status --json
keep status-json
expect_exit 0 boss_text status
keep status-text
expect_exit 0 boss_text logs --no-color
keep logs-text
expect_contains "$OUT" "db password is ***" "boss logs"
expect_contains "$OUT" "key=*** token=*** uri=x://u:***@db" "boss logs"
expect_exit 0 boss logs
keep logs-json

section "a changed secret replaces the container, named but not shown"
export BOSS_TEST_DB_PASSWORD=db-pass-4712
SECRETS+=(db-pass-4712)
expect_exit 0 boss_text start --dry-run
keep dry-run-changed
expect_match "$OUT" "^recreate +db +env DB_PASSWORD changed" "plan after the change"
expect_exit 1 boss -v start
keep start-changed
expect_outcome db up recreate
expect_eq "$(env_of db DB_PASSWORD)" db-pass-4712 "db's new DB_PASSWORD"

section "a hook's error line and stop"
expect_exit 1 boss_text reload oops
keep reload-oops
expect_exit 0 boss -v stop --remove
keep stop

section "no output holds a secret"
for secret in "${SECRETS[@]}"; do
  hits=$(grep -rl -- "$secret" "$OUTPUTS" || true)
  if [[ -z $hits ]]; then pass "'$secret' is in no output ($(ls "$OUTPUTS" | wc -l) files)"
  else fail "'$secret' shows in" $hits; fi
done
finish
