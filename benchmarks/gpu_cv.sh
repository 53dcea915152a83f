#!/usr/bin/env bash
# Cross-validate folds of a recipe on a GPU machine that has JAX but no TensorFlow, in one command:
#
#   WHEELS=wheels bash benchmarks/gpu_cv.sh best-gpu 1 2     # the best mode, folds 1 and 2
#   DIGITS_ENSEMBLE_SIZE=1 bash benchmarks/gpu_cv.sh default-gpu 1 2 3 4 5
#
# WHEELS is a folder holding the wheels of keras, namex and optree for that machine's Python; the
# data is read from data/ (train.csv.gz) unless DATA says otherwise. When OUT is set, the finished
# folds (of NAME and NAME-tta) are packed into $OUT/NAME-folds.tar.gz: unpack it in the repository.
set -euo pipefail
if [ $# -lt 2 ]; then
    echo "usage: [WHEELS=dir] [DATA=dir] bash benchmarks/gpu_cv.sh NAME FOLD [FOLD ...]" >&2
    exit 2
fi
name=$1
shift
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
    --target /tmp/site "${WHEELS:-wheels}"/*.whl
export PYTHONPATH=/tmp/site${PYTHONPATH:+:$PYTHONPATH} KERAS_BACKEND=jax PYTHONUNBUFFERED=1
nvidia-smi --query-gpu=name,memory.used,memory.total --format=csv,noheader || true
status=0
python3 benchmarks/cv.py run "$name" --only "$@" --data "${DATA:-data}" || status=$?
folds=$(compgen -G "benchmarks/cv/$name/fold-*.json"; compgen -G "benchmarks/cv/$name-tta/fold-*.json") || true
if [ -n "${OUT:-}" ] && [ -n "$folds" ]; then
    tar -czf "$OUT/$name-folds.tar.gz" $folds
fi
exit "$status"
