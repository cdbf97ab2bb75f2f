#!/usr/bin/env bash
# The cluster path against a real Slurm: a single-node cluster on localhost (munged, slurmctld, slurmd from
# Debian's packages, installed when missing; a generated slurm.conf with proctrack/linuxproc, task/none, 2 CPUs).
#   1. The smoke-scale array of one table or figure of each family (layered: bioflax table 2; invertible: gait
#      table 1; controlled: dfc figure 3) is submitted, and the tables and figures assembled from its run cache
#      must equal a local smoke run of the same cells number for number.
#   2. A running task is requeued in the middle (scontrol requeue); it must resume from its checkpoint and end
#      with the same numbers as the local run.
# Needs root (it starts the daemons). Stops the daemons it started, by their pids. Run by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/reproduce-slurm.XXXXXX")
pids=()
cleanup() {
  status=$?
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  # The daemons save their state as they stop: wait until they are gone before removing their directories
  # (removing while slurmctld still writes its state files fails with "Directory not empty").
  for p in "${pids[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null || true
  done
  if [ $status -eq 0 ]; then rm -rf "$work" 2>/dev/null || { sleep 2; rm -rf "$work"; }; else echo "slurm-test: failed (exit $status); daemon logs and sweeps kept in $work"; fi
}
trap cleanup EXIT

packages=(slurmctld slurmd slurm-client munge)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "slurm-test: installing ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

host=$(hostname -s)
mkdir -p "$work/etc" "$work/state" "$work/spool" "$work/munge"
# munge: a fresh key and socket for this test only.
dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 status=none
chmod 700 "$work/munge"; chmod 400 "$work/munge/munge.key"
/usr/sbin/munged --force --key-file="$work/munge/munge.key" --socket="$work/munge/socket" \
  --pid-file="$work/munge/munged.pid" --log-file="$work/munge/munged.log" --seed-file="$work/munge/seed"
pids+=("$(cat "$work/munge/munged.pid")")

cat > "$work/etc/slurm.conf" <<EOF
ClusterName=reproduce
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$work/munge/socket
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
SlurmctldPort=16817
SlurmdPort=16818
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
KillWait=30
NodeName=$host NodeAddr=127.0.0.1 CPUs=2 RealMemory=8000 State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$work/etc/slurm.conf"
/usr/sbin/slurmctld -f "$SLURM_CONF"
/usr/sbin/slurmd -f "$SLURM_CONF"
for _ in $(seq 1 50); do [ -s "$work/slurmctld.pid" ] && [ -s "$work/slurmd.pid" ] && break; sleep 0.2; done
pids+=("$(cat "$work/slurmctld.pid")" "$(cat "$work/slurmd.pid")")
for _ in $(seq 1 100); do sinfo -h -o %t 2>/dev/null | grep -q idle && break; sleep 0.3; done
sinfo -h -o "%P %D %t %C" | sed 's/^/slurm-test: cluster up: partition, nodes, state, CPUs (A\/I\/O\/T): /'
sinfo -h -o %t | grep -q idle || { echo "slurm-test: the node did not come up"; cat "$work/slurmd.log" | tail -20; exit 1; }

reproduce="$root/.build/debug/reproduce"
[ -x "$reproduce" ] || swift build --product reproduce
export OPENBLAS_NUM_THREADS=1

# Waits until no job of ours is queued or running (at most $1 seconds).
drain() {
  for _ in $(seq 1 "$1"); do [ -z "$(squeue -h -o %i)" ] && return 0; sleep 1; done
  echo "slurm-test: jobs still queued after $1 s:"; squeue; return 1
}

# Compares the numbers of two result trees: every table's rows and every figure's data CSVs.
same_numbers() {
  python3 - "$1" "$2" "$3" <<'PY'
import json, os, sys
local, cluster, what = sys.argv[1:]
paper, kind, name = what.split(":")
if kind == "table":
    a, b = (json.load(open(os.path.join(r, "Results", paper, name + ".json"))) for r in (local, cluster))
    timing = lambda row: any(w in row["column"] for w in ("s per", "seconds", "wall", "ms per", "time"))   # clocks, not results
    ra, rb = ([r for r in t["rows"] if not timing(r)] for t in (a, b))
    assert len(ra) == len(rb) and len(ra) > 0, f"{paper} {name}: {len(ra)} vs {len(rb)} rows"
    for x, y in zip(ra, rb):
        assert x == y, f"{paper} {name}: {x} != {y}"
    assert [(c["name"], c.get("holds")) for c in a["checks"]] == [(c["name"], c.get("holds")) for c in b["checks"]], f"{paper} {name}: the checks differ"
    hosts = sorted({r.get("host") for r in b["runs"]} - {None})
    print(f"slurm-test: {paper} {name}: {len(ra)} cells equal number for number ({len(a['rows']) - len(ra)} timing cells not compared); cluster runs on {', '.join(hosts)}")
else:
    d = os.path.join(local, "Figures", paper)
    files = [f for f in os.listdir(d) if f.startswith(name) and f.endswith(".csv") and "epochs" not in f]  # *_epochs.csv holds wall times
    for f in files:
        assert open(os.path.join(d, f)).read() == open(os.path.join(cluster, "Figures", paper, f)).read(), f"{f} differs"
    print(f"slurm-test: {paper} {name}: {len(files)} data files equal byte for byte")
PY
}

echo "slurm-test: 1. one smoke-scale array per family against a local run"
for spec in "bioflax --table 2:bioflax:table:table2-smoke" "gait --table 1:gait:table:table1-smoke" "dfc --figure 3:dfc:figure:fig3-smoke"; do
  command=${spec%%:*}; what=${spec#*:}
  $reproduce $command --scale smoke --out "$work/local" > "$work/local.log" 2>&1
  sweep="$work/sweep-${what%%:*}"
  $reproduce $command --scale smoke --out "$work/cluster" --slurm "$sweep" --mem 1G --time 00:10:00 --partition debug
  sbatch --parsable "$sweep/array.sbatch" > /dev/null
  drain 300
  $reproduce status "$sweep" | tail -n 1
  if $reproduce status "$sweep" | grep -v "^done" | grep -q "	"; then echo "slurm-test: not every cell is done"; $reproduce status "$sweep"; cat "$sweep"/logs/*; exit 1; fi
  $reproduce $command --scale smoke --out "$work/cluster" > "$work/assemble.log" 2>&1
  grep -q "to train" "$work/assemble.log" && { echo "slurm-test: assembling retrained runs"; exit 1; }
  same_numbers "$work/local" "$work/cluster" "$what"
done

echo "slurm-test: 2. a task requeued in the middle resumes to the same numbers"
$reproduce bioflax --table 1 --scale smoke --out "$work/local" > "$work/local.log" 2>&1
sweep="$work/sweep-requeue"
$reproduce bioflax --table 1 --scale smoke --out "$work/cluster" --slurm "$sweep" --mem 1G --time 00:10:00
job=$(sbatch --parsable "$sweep/array.sbatch")
log=$(ls -d "$sweep"/logs 2>/dev/null)/${job}_1.out
# Requeue half a second after the cell started: it is loading its data or training (it takes seconds), and
# writes its checkpoint at the next minibatch.
for _ in $(seq 1 600); do grep -q "^task 1:" "$log" 2>/dev/null && break; sleep 0.1; done
grep -q "^task 1:" "$log" || { echo "slurm-test: task 1 did not start"; cat "$log" 2>/dev/null; squeue; exit 1; }
sleep 0.5
scontrol requeue "${job}_1"
echo "slurm-test: requeued task 1 of job $job while it ran"
# Slurm holds a requeued task for two minutes (BeginTime); release it at once.
for _ in $(seq 1 100); do squeue -h -j "${job}_1" -o %r 2>/dev/null | grep -q BeginTime && break; sleep 0.2; done
scontrol update JobId="${job}_1" StartTime=now 2>/dev/null || true
drain 300
grep -q "interrupted; checkpoint written" "$log" || { echo "slurm-test: task 1 did not checkpoint on requeue"; cat "$log"; exit 1; }
grep -q "resuming from" "$log" || { echo "slurm-test: task 1 did not resume from its checkpoint"; cat "$log"; exit 1; }
$reproduce bioflax --table 1 --scale smoke --out "$work/cluster" > "$work/assemble.log" 2>&1
same_numbers "$work/local" "$work/cluster" "bioflax:table:table1-smoke"
echo "slurm-test: passed"
