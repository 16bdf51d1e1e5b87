#!/usr/bin/env bash
# copili's pipeline files: the README's example (examples/copili) from YAML and from JSON
# gives the same jobs in the same order; a failing job skips its dependents; bad input is
# one line at file:line:column, exit 2.
source "$(dirname "$0")/lib.sh" "$@"
"$SRC_DIR/examples/copili/make-stand-ins.sh"

new_project copili
declare -A got
# boss on a pipeline file (lib.sh's boss names services.lua).
pboss() { "$BOSS_BIN" -f "$1" -p "$P" --progress json "${@:2}"; }
cp "$SRC_DIR"/examples/copili/pipeline.yaml "$SRC_DIR"/examples/copili/pipeline.json "$DIR/"
result() { for s in dataloader_01 dataloader_02 dataloader_03 servicecontainer01; do printf '%s=%s ' "$s" "$(outcome $s)"; done; }

for format in yaml json; do
  section "the example from pipeline.$format"
  expect_exit 0 pboss "$DIR/pipeline.$format" start
  got[$format]="$(result)"
  expect_eq "$(inspect dataloader_03 '{{.State.ExitCode}}')" 0 "dataloader_03's exit code"
  expect_true "dataloader_02 created after dataloader_01 exited" \
    test "$(created_ns dataloader_02)" -ge "$(finished_ns dataloader_01)"
  expect_true "dataloader_03 created after dataloader_02 exited" \
    test "$(created_ns dataloader_03)" -ge "$(finished_ns dataloader_02)"
  # is_service_container: a scheduled job (daily 00:00), left out of start; run-jobs runs it.
  expect_eq "$(outcome servicecontainer01)" "" "the service container is not run by start"
  expect_no_container servicecontainer01
  expect_exit 0 pboss "$DIR/pipeline.$format" run-jobs servicecontainer01
  expect_eq "$(outcome servicecontainer01)" up "run-jobs runs the service container"
  expect_exit 0 pboss "$DIR/pipeline.$format" down
done
expect_eq "${got[json]}" "${got[yaml]}" "JSON and YAML results"

section "a failing job (\$DATALOADER_02_EXIT from .env) skips its dependents"
echo DATALOADER_02_EXIT=3 > "$DIR/.env"
expect_exit 1 pboss "$DIR/pipeline.yaml" start
expect_eq "$(inspect dataloader_02 '{{.State.ExitCode}}')" 3 "dataloader_02's exit code"
expect_no_container dataloader_03
expect_no_container servicecontainer01
expect_exit 0 pboss "$DIR/pipeline.yaml" down
rm "$DIR/.env"

section "boss convert prints the equivalent services.lua"
expect_exit 0 boss convert "$DIR/pipeline.yaml"
expect_contains "$OUT" 'kind = "job"' "convert"
expect_contains "$OUT" "boss.project \"$P\"" "convert"
expect_contains "$OUT" 'schedule = "0 0 * * *"' "convert: copili's daily 00:00"
expect_contains "$OUT" 'run by `boss serve`' "convert"

section "boss convert writes no registry password: it reads it from the variable the pipeline names"
cat > "$DIR/private.yaml" <<'EOF'
P:
    - name: a_1
      image_repo: registry.example/private
      image_reg_username: robot
      image_reg_password: ${REG_PASS}
    - name: b_1
      image_repo: registry.example/private
      image_reg_username: robot
      image_reg_password: literal-hunter2
EOF
REG_PASS=env-hunter2 expect_exit 0 boss convert "$DIR/private.yaml"
expect_not_contains "$OUT" "hunter2" "no password in the output"
expect_contains "$OUT" 'password = boss.secret(boss.env("REG_PASS"))' "a_1 reads \$REG_PASS"
expect_contains "$OUT" 'password = boss.secret(boss.env("B_1_REGISTRY_PASSWORD"))' "b_1 reads a variable named after it"
expect_contains "$OUT" "-- registry_auth's password is read from \$B_1_REGISTRY_PASSWORD" "the comment names it"
# What it wrote reads back, with the password from the environment.
printf '%s\n' "$OUT" > "$DIR/services.lua"
REG_PASS=x B_1_REGISTRY_PASSWORD=y expect_exit 0 boss start --dry-run
B_1_REGISTRY_PASSWORD=y expect_exit 2 boss start --dry-run
expect_contains "$ERR" "is the environment variable it reads set?" "an unset variable is named as the likely cause"
rm "$DIR/services.lua"

bad_pipeline() {  # bad_pipeline WHAT NEEDLE < pipeline text
  section "$1"
  cat > "$DIR/bad.yaml"
  expect_exit 2 pboss "$DIR/bad.yaml" start
  expect_one_line_stderr
  expect_contains "$ERR" "$2" "stderr"
  expect_nothing_created
}
bad_pipeline "an unknown key" "bad.yaml:3:7: 'a_1': unknown key 'image_rpo' (did you mean 'image_repo'?)" <<'EOF'
P:
    - name: a_1
      image_rpo: boss-example/exit-container
EOF
bad_pipeline "a sidecar with dependencies" "bad.yaml:4:54: 'a_1': sidecar 'redis01': 'dependencies' is not for a sidecar" <<'EOF'
P:
    - name: a_1
      image_repo: boss-example/exit-container
      sidecars: [{ name: redis01, image_repo: redis, dependencies: [a_1] }]
EOF
bad_pipeline "a cron schedule with 6 fields" "bad.yaml:4:17: 'a_1': 'schedule' has 6 fields" <<'EOF'
P:
    - name: a_1
      image_repo: boss-example/exit-container
      schedule: "0 */10 * * * *"
      is_service_container: true
EOF
bad_pipeline "a schedule on a description that is no service container" \
  "bad.yaml:4:17: 'a_1': 'schedule' is for descriptions with is_service_container: true" <<'EOF'
P:
    - name: a_1
      image_repo: boss-example/exit-container
      schedule: "@hourly"
EOF
bad_pipeline "a YAML syntax error" "bad.yaml:" <<'EOF'
P:
    - name: a_1
      image_repo: [boss-example
EOF

finish
