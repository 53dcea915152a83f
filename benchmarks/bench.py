"""Train the contenders one after another on the same data and validation split, and record them.

    bench.py [--repeats 2] [--ensemble-size 10] [--contenders seed default ensemble]
    bench.py --combine DIR   # accuracy of the ensemble models kept in DIR
    bench.py --split-seed 3  # the same contenders on another validation split

Contenders: `seed`, the seed notebook's recipe (benchmarks/seed_recipe.py); `default`, the
notebook's default run; `ensemble`, the notebook's ensemble mode with test-time augmentation. The
last two run the notebook's own code (its cells tagged imports, parameters and functions), with
its default parameters. Each run happens in a fresh process, so that its peak resident memory is
its own; each appends one line to benchmarks/results.jsonl. The table of every recorded run is then
written to benchmarks/RESULTS.md.

An ensemble too long for one sitting can be trained in parts: `--first-member 5 --ensemble-size 5
--keep-models DIR` trains models 6 to 10 (the seeds the notebook gives them) and records them as a
row of their own; `--combine DIR` then averages every model kept in DIR, with test-time
augmentation, and prints its validation accuracy (it trains nothing and records no row).

The notebook's recipe was chosen on its own validation split (`random_state` 2, its SEED), so its
score there is somewhat optimistic. `--split-seed N` draws the validation split of the same size
with `random_state` N instead, for a check on digits that did not choose the recipe; its rows say
"on split N". Everything else, the models' seeds included, stays as it is.
"""

import argparse
import datetime
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESULTS = HERE / "results.jsonl"
sys.path[:0] = [str(REPO / "tests"), str(HERE)]
COLUMNS = [
    "contender",
    "device",
    "backend",
    "epochs",
    "training s",
    "s / epoch",
    "s to 99.5 %",
    "validation accuracy",
    "peak memory",
    "date",
    "machine",
]


def machine(cpuinfo="/proc/cpuinfo"):
    """The processor, whether it has AVX-512 (machines of one name came with and without it), and
    its cores."""
    fields = {}
    if Path(cpuinfo).is_file():
        for line in Path(cpuinfo).read_text().splitlines():
            key, _, value = line.partition(":")
            fields.setdefault(key.strip(), value.strip())
    model = fields.get("model name") or platform.processor()
    avx512 = " (AVX-512)" if "avx512f" in fields.get("flags", "").split() else ""
    return f"{model}{avx512}, {os.cpu_count()} cores"


class Clock:
    """Seconds since the start of training and validation accuracy at the end of each epoch."""

    def __init__(self, keras):
        outer = self

        class Callback(keras.callbacks.Callback):
            def on_train_begin(self, logs=None):
                outer.start = time.perf_counter()

            def on_epoch_end(self, epoch, logs=None):
                outer.epochs.append((time.perf_counter() - outer.start, logs["val_accuracy"]))

        self.epochs, self.callback = [], Callback()


def backend_name(keras, gpus):
    """The Keras backend; for TensorFlow on a CPU, also whether its oneDNN kernels ran and whether
    its deterministic ones did (the notebook turns both on)."""
    name = keras.backend.backend()
    if name == "tensorflow" and not gpus:
        from tensorflow.python.framework import config
        from tensorflow.python.util import _pywrap_util_port

        name += ", oneDNN" if _pywrap_util_port.IsMklEnabled() else ", no oneDNN"
        if config.is_op_determinism_enabled():
            name += ", deterministic"
    return name


def first_reach(epochs, target=0.995):
    return next((seconds for seconds, accuracy in epochs if accuracy >= target), None)


def load_split(data_dir, ensemble_size, split_seed=None):
    """The notebook's functions and parameters, and its training and validation split of data_dir.

    The split is the notebook's own unless split_seed names another random_state for it."""
    os.environ.pop("DIGITS_QUICK", None)
    # The notebook reads its ensemble size, like every parameter, from the environment.
    os.environ["DIGITS_ENSEMBLE_SIZE"] = str(ensemble_size)
    from notebook import notebook_functions

    nb = notebook_functions()
    pixels, digits = nb["read_digits"](nb["find_csv"](data_dir, "train"), "train")
    images = pixels.reshape(-1, 28, 28, 1).astype("float32") / 255
    return nb, nb["split_for_validation"](
        images, digits, nb["VALIDATION_FRACTION"], nb["SEED"] if split_seed is None else split_seed
    )


def combine(keep_models, data_dir, split_seed=None):
    """Print the validation accuracy of the ensemble models kept in keep_models, averaged."""
    paths = sorted(
        Path(keep_models).glob("ensemble_*.keras"), key=lambda path: int(path.stem.split("_")[1])
    )
    if not paths:
        sys.exit(
            f"bench: no ensemble_<member>.keras in {keep_models}; "
            f"train some with --keep-models {keep_models}"
        )
    nb, (_, val_images, _, val_digits) = load_split(data_dir, len(paths), split_seed)
    models = [nb["keras"].saving.load_model(path) for path in paths]
    probabilities = nb["predict_probabilities"](nb["average_models"](models), val_images, True)
    errors = int((probabilities.argmax(axis=1) != val_digits).sum())
    print(
        f"{len(models)} kept models ({', '.join(path.stem for path in paths)}), "
        f"test-time augmentation: {1 - errors / len(val_digits):.2%} validation accuracy "
        f"({errors} errors in {len(val_digits):,})"
    )


def run_one(contender, data_dir, ensemble_size, keep_models=None, first_member=0, split_seed=None):
    """Train one contender in this process and return its row."""
    # The ensemble contender's models are those of the notebook's ensemble mode (ENSEMBLE_SIZE above
    # 1, which sets their epochs), also when a part of an ensemble trains one of them.
    nb, (train_images, val_images, train_digits, val_digits) = load_split(
        data_dir, max(ensemble_size, 2) if contender == "ensemble" else 1, split_seed
    )
    keras = nb["keras"]
    train_data = (train_images, keras.utils.to_categorical(train_digits, 10))
    val_data = (val_images, keras.utils.to_categorical(val_digits, 10))
    # The notebook's set-up cell (its seed, mixed precision on a GPU, and on a CPU TensorFlow's
    # deterministic kernels) for every contender, so that the default trains exactly as in the
    # notebook and the seed recipe on the same kernels; the seed recipe keeps 32-bit floats on a
    # GPU, as the seed notebook had.
    from notebook import run_cells

    gpus = run_cells(nb, "setup")["GPUS"]

    if contender == "seed":
        from seed_recipe import train_seed_recipe

        keras.mixed_precision.set_dtype_policy("float32")
        clock = Clock(keras)
        model, _ = train_seed_recipe(*train_data, *val_data, callbacks=[clock.callback])
        seconds, epochs = clock.epochs[-1][0], len(clock.epochs)
        probabilities = model.predict(val_images, verbose=0)
        reach = first_reach(clock.epochs)
    else:
        size, first_member = (ensemble_size, first_member) if contender == "ensemble" else (1, 0)
        models, seconds, epochs, reach = [], 0.0, 0, None
        with tempfile.TemporaryDirectory() as folder:
            for member in range(first_member, first_member + size):
                model, log = nb["train_member"](
                    member,
                    train_data,
                    val_data,
                    Path(folder) / str(member),
                    nb["EPOCHS"],
                    nb["RECIPE"],
                )
                models.append(model)
                if keep_models:
                    model.save(Path(keep_models) / f"{contender}_{member + 1}.keras")
                if member == first_member:
                    reach = first_reach(zip(log["seconds"], log["val_accuracy"]))
                seconds, epochs = seconds + float(log["seconds"].iloc[-1]), epochs + len(log)
        probabilities = nb["predict_probabilities"](
            nb["average_models"](models), val_images, contender == "ensemble"
        )
        recipe = "/".join(map(str, nb["FILTERS"])) + " filters"
        if (
            nb["DROPOUT"] != 0.4
        ):  # the dropout of every row before the single model's went to 0.25 (2026-12-02)
            recipe += f", dropout {nb['DROPOUT']:g}"
        if contender == "ensemble" or os.environ.get("DIGITS_EPOCHS", "").strip():
            recipe += f", up to {nb['EPOCHS']} epochs each"
        if first_member:
            recipe += f", models {first_member + 1} to {first_member + size} of a larger ensemble"
        contender = (
            f"ensemble of {size}, test-time augmentation ({recipe})"
            if contender == "ensemble"
            else f"notebook default ({recipe})"
        )
    accuracy = float((probabilities.argmax(axis=1) == val_digits).mean())
    if contender == "seed":
        contender = "seed recipe"
    if split_seed is not None:
        contender += f", on split {split_seed}"
    return {
        "contender": contender,
        "device": ", ".join(gpus) if gpus else "CPU",
        "backend": backend_name(keras, gpus),
        "epochs": epochs,
        "training s": round(seconds),
        "s / epoch": round(seconds / epochs, 1),
        "s to 99.5 %": round(reach) if reach is not None else "not reached",
        "validation accuracy": f"{accuracy:.2%}",
        "peak memory": f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB",
        "date": datetime.date.today().isoformat(),
        "machine": machine(),
    }


def table(rows):
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + " --- |" * len(COLUMNS)]
    lines += ["| " + " | ".join(str(row[column]) for column in COLUMNS) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def write_tables():
    rows = [json.loads(line) for line in RESULTS.read_text().splitlines() if line.strip()]
    body = table(rows)
    (HERE / "RESULTS.md").write_text(
        "# Benchmark results\n\nWritten by `make bench` (benchmarks/bench.py) from every run "
        "recorded in `results.jsonl`, on the validation split of `train.csv` that the notebook "
        'uses (10 %, seed 2); rows that say "on split N" validate on another split of the same '
        "size (`--split-seed N`), digits that did not choose the recipe. Training seconds exclude "
        'data loading; "s to 99.5 %" is the training time until the end of the first epoch whose '
        "validation accuracy reached 99.5 %; validation accuracy is that of the model kept (the "
        "best epoch by validation loss), for the ensemble with test-time augmentation. These are "
        "single runs on one split: the cross-validated results in [README.md](README.md) "
        "decide.\n\n" + body
    )


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--contenders",
        nargs="+",
        default=["seed", "default", "ensemble"],
        choices=["seed", "default", "ensemble"],
    )
    parser.add_argument(
        "--repeats", type=int, default=2, help="runs of the seed and default contenders"
    )
    parser.add_argument("--ensemble-size", type=int, default=10)
    parser.add_argument(
        "--data", type=Path, default=REPO / "data", help="folder holding train.csv(.gz)"
    )
    parser.add_argument(
        "--keep-models",
        type=Path,
        metavar="DIR",
        help="also save each trained model of the notebook's contenders in DIR, for analysis "
        "(as <contender>_<member>.keras; a later run of the same contender overwrites them)",
    )
    parser.add_argument(
        "--first-member",
        type=int,
        default=0,
        metavar="N",
        help="the ensemble's models start at model N + 1 (to train a large ensemble in parts)",
    )
    parser.add_argument(
        "--combine",
        type=Path,
        metavar="DIR",
        help="train nothing: print the validation accuracy of the ensemble models kept in DIR",
    )
    parser.add_argument(
        "--split-seed",
        type=int,
        metavar="N",
        help="validate on the split drawn with random_state N instead of the notebook's own",
    )
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.split_seed is not None and not 0 <= args.split_seed < 2**32:
        sys.exit(
            f"bench: --split-seed must be from 0 to {2**32 - 1} (a random_state), "
            f"not {args.split_seed}"
        )
    if args.combine:
        combine(args.combine, args.data, args.split_seed)
        return
    if args.first_member < 0:
        sys.exit(f"bench: --first-member must be 0 or more, not {args.first_member}")
    if args.keep_models:
        args.keep_models.mkdir(parents=True, exist_ok=True)
    if args.one:
        row = run_one(
            args.one,
            args.data,
            args.ensemble_size,
            args.keep_models,
            args.first_member,
            args.split_seed,
        )
        print("RESULT " + json.dumps(row), flush=True)
        return
    for contender in args.contenders:
        for repeat in range(1 if contender == "ensemble" else args.repeats):
            print(f"== {contender}, run {repeat + 1}", flush=True)
            command = [
                sys.executable,
                __file__,
                "--one",
                contender,
                "--data",
                str(args.data),
                "--ensemble-size",
                str(args.ensemble_size),
                "--first-member",
                str(args.first_member),
            ]
            if args.keep_models:
                command += ["--keep-models", str(args.keep_models)]
            if args.split_seed is not None:
                command += ["--split-seed", str(args.split_seed)]
            with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as process:
                lines = [print(line, end="", flush=True) or line for line in process.stdout]
            if process.returncode:
                sys.exit(
                    f"bench: the {contender} run failed (exit {process.returncode}); "
                    "nothing recorded for it"
                )
            row = json.loads(
                next(line for line in lines if line.startswith("RESULT ")).removeprefix("RESULT ")
            )
            print(row, flush=True)
            with RESULTS.open("a") as file:
                file.write(json.dumps(row) + "\n")
            write_tables()


if __name__ == "__main__":
    main()
