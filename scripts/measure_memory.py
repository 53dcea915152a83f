"""Peak resident memory (MiB) of the notebook's own code on the full competition files: loading and
checking both CSVs, then one training epoch of the default model on the training split.

    .venv/bin/python scripts/measure_memory.py [FOLDER]

FOLDER holds train.csv(.gz) and test.csv(.gz); it defaults to data/, else
../shared/data/digit-recognizer. The figure includes Python, Keras and TensorFlow themselves, as in
the notebook's kernel. It is appended to benchmarks/results.jsonl and written into README.md
between its memory markers.
"""

import datetime
import json
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from notebook import REPO, run_cells  # noqa: E402

sys.path.insert(0, str(REPO / "benchmarks"))
from bench import machine  # noqa: E402
from cv import replace_between  # noqa: E402

LIMIT_MIB = 1536  # 1.5 GiB


def peak_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def data_folder(argv):
    if len(argv) > 1:
        return Path(argv[1])
    for folder in (REPO / "data", REPO.parent / "shared" / "data" / "digit-recognizer"):
        if any(folder.glob("train.csv*")):
            return folder
    sys.exit("error: no train.csv(.gz) in data/; copy the competition files there or pass FOLDER")


def main(argv):
    folder = data_folder(argv)
    nb = run_cells({}, "imports", "parameters", "functions", "setup")
    after_imports = peak_mib()
    start = time.perf_counter()
    pixels, labels = nb["read_digits"](nb["find_csv"](folder, "train"), "train")
    test_pixels, _ = nb["read_digits"](nb["find_csv"](folder, "test"), "test")
    # The notebook's own preparation: the stratified validation split, then float images.
    train_pixels, val_pixels, train_labels, val_labels = nb["split_for_validation"](
        pixels, labels, nb["VALIDATION_FRACTION"], nb["SEED"]
    )
    train_images, val_images, test_images = map(
        nb["as_images"], (train_pixels, val_pixels, test_pixels)
    )
    after_loading = peak_mib()
    loading_seconds = time.perf_counter() - start
    print(
        f"Read {len(pixels):,} + {len(test_pixels):,} digits from {folder} in "
        f"{loading_seconds:.1f} s; peak {after_imports:.0f} MiB after the imports, "
        f"{after_loading:.0f} MiB after loading"
    )
    to_categorical = nb["keras"].utils.to_categorical
    train_data = (train_images, to_categorical(train_labels, 10))
    val_data = (val_images, to_categorical(val_labels, 10))
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as scratch:
        model = nb["build_member"](0, nb["RECIPE"])
        nb["fit_member"](model, 0, train_data, val_data, Path(scratch), 1, nb["RECIPE"])
    epoch_seconds = time.perf_counter() - start
    after_epoch = peak_mib()
    print(f"One epoch on {len(train_images):,} digits in {epoch_seconds:.0f} s")
    print(f"Peak resident memory: {after_epoch:.0f} MiB (limit {LIMIT_MIB} MiB)")
    record = {
        "measurement": "peak memory, full data and one epoch",
        "backend": nb["keras"].backend.backend(),
        "after imports MiB": round(after_imports),
        "after loading MiB": round(after_loading),
        "after one epoch MiB": round(after_epoch),
        "date": datetime.date.today().isoformat(),
        "machine": machine(),
        "python": platform.python_version(),
    }
    with open(REPO / "benchmarks" / "results.jsonl", "a") as results:
        results.write(json.dumps(record) + "\n")
    replace_between(
        REPO / "README.md",
        "memory",
        f"Loading and checking the full competition files, then one training epoch, peak at "
        f"**{after_epoch:,.0f} MiB** of resident memory (Python, TensorFlow and the data together; "
        f"{after_loading:,.0f} MiB after loading), measured by `scripts/measure_memory.py`.\n",
    )
    return 0 if after_epoch <= LIMIT_MIB else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
