# boss proxy in the background, for the suites that test it (proxy.sh, on_demand.sh);
# sourced after lib.sh, with the project written.

# start_proxy NAME [ARGS...]: boss proxy in the background on a free port (of
# $PROXY_ADDRESS, default 127.0.0.1); sets PROXY_PID and PORT once it listens, its output
# in $DIR/NAME.out.
start_proxy() {
  local name=$1 address=${PROXY_ADDRESS:-127.0.0.1}
  shift
  env --default-signal=INT "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" proxy --listen "$address:0" "$@" \
    >"$DIR/$name.out" 2>"$DIR/$name.err" &
  PROXY_PID=$!
  BG_PIDS+=("$PROXY_PID")
  if wait_for 20 grep -q "listening on http://$address:" "$DIR/$name.out"; then
    PORT=$(sed -n "s|.*listening on http://$address:\([0-9]*\).*|\1|p" "$DIR/$name.out" | head -1)
    pass "proxy $name listens on port $PORT"
  else
    fail "proxy $name should listen within 20 s"
    cat "$DIR/$name.out" "$DIR/$name.err" | indent
    finish
  fi
}

# stop_proxy SIGNAL NAME: the proxy ends within 10 s with exit 0.
stop_proxy() {
  kill -"$1" "$PROXY_PID"
  local waited=0
  while kill -0 "$PROXY_PID" 2>/dev/null && ((waited < 100)); do sleep 0.1; waited=$((waited + 1)); done
  if kill -0 "$PROXY_PID" 2>/dev/null; then
    fail "proxy should exit within 10 s of SIG$1"
    kill -9 "$PROXY_PID"
    return
  fi
  wait "$PROXY_PID"
  expect_eq "$?" 0 "exit code after SIG$1"
  expect_contains "$(cat "$DIR/$2.out")" "boss proxy: stopped" "proxy output"
}
