#!/bin/bash
# make slurm-check: the Slurm launchers on a real Slurm, on this one machine.
#
# Installs Debian's slurm-wlm and munge when missing (root, apt-get), starts munged, slurmctld and
# slurmd with a private configuration in a scratch folder (own ports, key, socket and state;
# nothing in /etc is changed and no service is enabled), runs suites/shard-check.yaml unsharded,
# then submits it with deploy/slurm/submit.sh as a 3-task job array plus its afterok merge job.
# While array task 1 runs, it is killed and requeued (`scontrol requeue`); it must resume. Exits 0
# only when the merged accuracy.csv is byte-identical to the unsharded run's, the requeued task ran
# twice, and no unit is lost or counted twice. Stops the daemons it started (by their pid files)
# and removes the scratch folder however it exits (KEEP=1 keeps the folder).
#
# JAMBA_EVAL: the binary (default: the test build the Makefile's slurm-check target makes).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
bin=${JAMBA_EVAL:-$repo/.build-test/release/jamba-eval}
suite=$repo/suites/shard-check.yaml
n=3
start=$(date +%s)
say() { echo "slurm-check [$(( $(date +%s) - start ))s]: $*"; }
fail() { say "FAILED: $*"; exit 1; }

[ "$(id -u)" = 0 ] || fail "run as root: it installs slurm-wlm and munge and starts their daemons"
[ -x "$bin" ] || fail "$bin is not built (make slurm-check builds it)"
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null; then
    say "installing slurm-wlm and munge"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null
fi
say "$(slurmctld -V), $(munged -V 2>&1 | head -1)"

w=$(mktemp -d /tmp/jamba-eval-slurm-check.XXXXXX)
chmod 711 "$w"
cleanup() {
    set +e
    if [ -f "$w/slurmctld.pid" ]; then SLURM_CONF=$w/slurm.conf scancel --quiet --partition=check 2>/dev/null; fi
    for pidfile in "$w/slurmd.pid" "$w/slurmctld.pid" "$w/munge/munged.pid"; do
        [ -f "$pidfile" ] || continue
        pid=$(cat "$pidfile")
        kill "$pid" 2>/dev/null
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    done
    if [ "${KEEP:-0}" = 1 ]; then echo "slurm-check: kept $w"; else rm -rf "$w"; fi
}
trap cleanup EXIT

# munge: a key and a socket of our own.
mkdir -p "$w/munge"
chmod 711 "$w/munge"
dd if=/dev/urandom of="$w/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$w/munge/munge.key"
munged --force --socket="$w/munge/munge.socket" --key-file="$w/munge/munge.key" --log-file="$w/munge/munged.log" \
    --pid-file="$w/munge/munged.pid" --seed-file="$w/munge/munged.seed"

# Slurm: this machine as the controller and the one compute node, all its CPUs, no cgroups.
mkdir -p "$w/state" "$w/spool" "$w/log" "$w/jobs"
host=$(hostname)
memory=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 1024 ))
cat > "$w/slurm.conf" <<EOF
ClusterName=jamba-eval-check
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=16817
SlurmdPort=16818
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$w/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$w/state
SlurmdSpoolDir=$w/spool
SlurmctldPidFile=$w/slurmctld.pid
SlurmdPidFile=$w/slurmd.pid
SlurmctldLogFile=$w/log/slurmctld.log
SlurmdLogFile=$w/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
JobRequeue=1
MinJobAge=3600
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=$memory State=UNKNOWN
PartitionName=check Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$w/slurm.conf
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
for _ in $(seq 60); do
    [ "$(sinfo -h -o %t 2>/dev/null)" = idle ] && break
    sleep 0.5
done
[ "$(sinfo -h -o %t)" = idle ] || fail "the node did not come up: $(tail -3 "$w/log/slurmd.log")"
say "slurmctld and slurmd up: node $host, $(nproc) CPUs"

# The reference: one machine, no scheduler.
"$bin" run "$suite" --output "$w/whole" --quiet > "$w/whole.log"
say "unsharded run done: $(grep -o '"sample_count" : [0-9]*' "$w/whole/results.json")"

# The array and its merge job, as a user submits them.
cd "$w/jobs"
read -r array merge < <(JAMBA_EVAL=$bin "$repo/deploy/slurm/submit.sh" "$suite" "$n" "$w/results" --cpus-per-task=1)
say "submitted array job $array (tasks 0-$((n - 1))) and merge job $merge (afterok:$array)"

# Requeue task 1 once it has recorded some samples but not all.
victim=${array}_1
plan=$w/results/shard-1-of-$n/shard.json
recorded() { cat "$w/results/shard-1-of-$n"/samples/*/*.jsonl 2>/dev/null | grep -c '"id"' || true; }
for _ in $(seq 600); do
    state=$(squeue -h -j "$victim" -o %T 2>/dev/null || true)
    if [ "$state" = RUNNING ] && [ "$(recorded)" -ge 8 ]; then break; fi
    [ -z "$state" ] && fail "task 1 ended before it could be requeued"
    sleep 0.2
done
before=$(recorded)
scontrol requeue "$victim"
say "requeued task 1 with $before samples recorded (groups planned so far: $(grep -c '"assigned_prompt_tokens"' "$plan"))"
# Slurm holds a requeued job back for two minutes (pending, reason BeginTime) once its first run has
# been cleaned up; release it then rather than wait.
for _ in $(seq 300); do
    if [ "$(squeue -h -j "$victim" -o '%T %r' 2>/dev/null)" = "PENDING BeginTime" ]; then
        scontrol update jobid="$victim" StartTime=now && break
    fi
    sleep 0.1
done

for _ in $(seq 1800); do
    [ -z "$(squeue -h 2>/dev/null)" ] && break
    sleep 1
done
[ -z "$(squeue -h)" ] || fail "jobs still queued after 30 minutes: $(squeue)"
for job in "${array}_0" "$victim" "${array}_2" "$merge"; do
    state=$(scontrol show job "$job" | grep -o 'JobState=[A-Z_]*')
    say "job $job: $state$(scontrol show job "$job" | grep -o ' Restarts=[0-9]*')"
    [ "$state" = JobState=COMPLETED ] || fail "job $job did not complete; logs: $(tail -5 "$w"/jobs/slurm-*.out)"
done

# Task 1 ran twice (its log appends every attempt) and resumed: each of its units once.
attempts=$(grep -c '^jamba-eval shard 1/3' "$w/jobs/slurm-jamba-eval-shard-${array}_1.out")
[ "$attempts" = 2 ] || fail "task 1 ran $attempts times, expected 2 (killed, then requeued)"
dupes=0
for f in "$w/results/shard-1-of-$n"/samples/*/*.jsonl; do
    dupes=$(( dupes + $(grep -o '"id":"[^"]*"' "$f" | sort | uniq -d | wc -l) ))
done
[ "$dupes" = 0 ] || fail "task 1 recorded $dupes units twice"
say "task 1: 2 attempts, $(recorded) samples, none twice (it had $before when killed)"

grep -A4 '^| shard |' "$w/results/summary.md"
grep '^Prompt tokens per shard' "$w/results/summary.md" || true
if cmp "$w/results/accuracy.csv" "$w/whole/accuracy.csv"; then
    say "merged accuracy.csv is byte-identical to the unsharded run's ($(wc -l < "$w/whole/accuracy.csv") lines, $(grep -o '"sample_count" : [0-9]*' "$w/results/results.json"))"
else
    diff "$w/results/accuracy.csv" "$w/whole/accuracy.csv" | head -20
    fail "merged accuracy.csv differs from the unsharded run's"
fi
say "OK"
