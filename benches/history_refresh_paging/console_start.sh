#!/bin/sh
# usage: console_start.sh BIN RUNS LABEL HOME -- measures the console's start on a pty: time to the list, then max RSS/CPU of the whole session (q after 7 s)
BIN=$1; N=$2; LABEL=$3; HOMEDIR=$4
python3 /work/shared/tools/ptyprobe.py --rows 40 --cols 120 --env LC_ALL=C.UTF-8 --env XDG_STATE_HOME=$HOMEDIR/state --wait-text ID --timeout 30 --keys sleep:7000 q sleep:500 --no-screen -- /usr/bin/time -o ${OUT:-/tmp}/console-$LABEL-$N.txt -f "%U+%S s CPU, %M KiB max RSS" $BIN > ${OUT:-/tmp}/probe-$LABEL-$N.json
python3 -c "import json; d=json.load(open('${OUT:-/tmp}/probe-$LABEL-$N.json')); print('$LABEL runs=$N: time to list', d['time_to_text_ms'], 'ms;', open('${OUT:-/tmp}/console-$LABEL-$N.txt').read().strip())"
