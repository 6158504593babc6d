# make_runs.py SRC_RUN_DIR OUT_DIR N: N copies of one real run's journal (plan.json and
# progress.jsonl, e.g. a `tickets update - --yes` of 10,000 tickets), each with its own run
# id and creation date (November 2026), as the history's start-up figure needs.
import json, os, shutil, sys
src, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
plan = json.load(open(os.path.join(src, "plan.json")))
for i in range(n):
    rid = f"202611{(i % 28) + 1:02d}-0100{i:02d}-ab{i:02d}"
    d = os.path.join(out, rid)
    os.makedirs(d, exist_ok=True)
    p = dict(plan, run_id=rid, created=f"2026-11-{(i % 28) + 1:02d}T01:00:{i:02d}Z")
    json.dump(p, open(os.path.join(d, "plan.json"), "w"))
    shutil.copy(os.path.join(src, "progress.jsonl"), os.path.join(d, "progress.jsonl"))
