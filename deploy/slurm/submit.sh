#!/bin/bash
# Runs a suite as a Slurm job array of N shards, then merges them:
#   deploy/slurm/submit.sh SUITE N OUT [sbatch options, e.g. --partition=cpu --time=2-00:00:00]
# Prints the array's job id and the merge job's id. The merge job waits for the whole array
# (afterok) and is cancelled if a shard fails for good (--kill-on-invalid-dep); requeued shards
# do not count as failed.
set -euo pipefail
if [ $# -lt 3 ]; then echo "usage: $0 SUITE N OUT [sbatch options]" >&2; exit 2; fi
suite=$(realpath "$1"); n=$2; out=$(realpath -m "$3"); shift 3
here=$(dirname "$(realpath "$0")")
mkdir -p "$out"
array=$(sbatch --parsable --array="0-$((n - 1))" --export="ALL,SUITE=$suite,OUT=$out" "$@" "$here/jamba-eval-shards.sbatch")
array=${array%%;*}
merge=$(sbatch --parsable --dependency="afterok:$array" --kill-on-invalid-dep=yes \
    --export="ALL,OUT=$out,N=$n" "$@" "$here/jamba-eval-merge.sbatch")
echo "$array ${merge%%;*}"
