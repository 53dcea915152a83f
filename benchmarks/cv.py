"""Stratified K-fold cross-validation of a recipe over every labelled digit, and paired comparisons.

    .venv/bin/python benchmarks/cv.py run NAME [--contender notebook|seed] [--folds 5] [--only 1 2]
    .venv/bin/python benchmarks/cv.py compare BASELINE CANDIDATE [--lever "what changed"]
                                              [--same-work]
    .venv/bin/python benchmarks/cv.py time BASELINE CANDIDATE [--epochs 3] [--rounds 2]
    .venv/bin/python benchmarks/cv.py tables

`run` splits the labelled digits of train.csv into K stratified folds (split seed 0 unless
--split-seed says otherwise) and trains one model per fold on the other folds. As in the notebook,
a stratified 10 % of those (the notebook's VALIDATION_FRACTION and SEED) is held back for early
stopping and the choice of epoch; the fold's own digits are only predicted. Every digit is thus
predicted once by a model that neither trained nor chose its epoch on it. The recipe is the
notebook's, with its parameters taken from the DIGITS_* environment variables as in the notebook
(`DIGITS_DROPOUT=0.4 cv.py run dropout-0.4`), or the seed notebook's recipe
(`--contender seed`). Each finished fold is saved in benchmarks/cv/NAME/fold-K.json (its digits'
labels and predictions, seconds, epochs), so an interrupted run resumes at the fold it stopped in;
a fold's own training also resumes from its last epoch. When every fold asked for is done, the
out-of-fold predictions go to benchmarks/cv/NAME.csv.gz and a summary row to cv_results.jsonl.
A recipe without test-time augmentation also yields the recipe NAME-tta: the same models, predicting
with it, so that one training answers whether test-time augmentation helps. With
DIGITS_RETRAIN_ON_ALL=1, as in the notebook, each model then trains again on all its training
folds, the early-stopping digits included, for the epochs early stopping chose, and predicts.

`compare` pairs two recipes' predictions on the folds both have, digit by digit. McNemar's exact
test asks whether the digits that only one of them gets right favour either; the difference in
errors comes with a 95 % interval. `--lever` records the comparison as a row of the decision table.
`--same-work` says the lever leaves the work per epoch unchanged (dropout, label smoothing): the
time ratio is then the machine's drift between the two runs, and the lever is judged on accuracy.
`time` measures the time ratio of two notebook recipes in one run, where the machine's drift cannot
enter it: the two train on fold 1 in turn, a few epochs each, for --rounds rounds, and the ratio of
their seconds per epoch, times the ratio of the epochs they trained in their folds, goes to
timings.jsonl. `compare` then uses that ratio instead of the one between the two cross-validations.
`tables` rewrites the tables between markers in benchmarks/README.md and README.md.
"""

import argparse
import datetime
import gzip
import json
import math
import os
import shutil
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CV_DIR = HERE / "cv"
CV_RESULTS = HERE / "cv_results.jsonl"
DECISIONS = HERE / "decisions.jsonl"
TIMINGS = HERE / "timings.jsonl"
sys.path[:0] = [str(REPO / "tests"), str(HERE)]
SPLIT_SEED = 0
Z95 = 1.959964


def fold_of_each_digit(labels, folds, split_seed=SPLIT_SEED):
    """The fold (0 to folds - 1) of each digit, stratified: each fold keeps every class's share."""
    from sklearn.model_selection import StratifiedKFold

    which = np.empty(len(labels), dtype=int)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=split_seed)
    for fold, (_, held_out) in enumerate(splitter.split(np.zeros(len(labels)), labels)):
        which[held_out] = fold
    return which


def wilson_interval(correct, total, z=Z95):
    """The 95 % Wilson score interval of a proportion correct / total."""
    share = correct / total
    centre = (share + z * z / (2 * total)) / (1 + z * z / total)
    half = (
        z
        * math.sqrt(share * (1 - share) / total + z * z / (4 * total * total))
        / (1 + z * z / total)
    )
    return centre - half, centre + half


def mcnemar_exact(only_baseline_right, only_candidate_right):
    """Two-sided exact McNemar p-value: a binomial test of the discordant digits against 1/2."""
    discordant = only_baseline_right + only_candidate_right
    if discordant == 0:
        return 1.0
    smaller = min(only_baseline_right, only_candidate_right)
    tail = sum(math.comb(discordant, k) for k in range(smaller + 1)) / 2**discordant
    return min(1.0, 2 * tail)


def is_recipe_setting(name):
    """Whether an environment variable is a DIGITS_* setting of the recipe (not a folder)."""
    return name.startswith("DIGITS_") and name not in ("DIGITS_DATA_DIR", "DIGITS_OUTPUT_DIR")


def recipe_settings():
    """The DIGITS_* settings that define the recipe (the notebook reads the same variables)."""
    return {name: value for name, value in sorted(os.environ.items()) if is_recipe_setting(name)}


def trained_recipe(nb):
    """What the notebook trains under the current settings, its defaults included: a recipe named
    by its DIGITS_* settings alone would change when a default does."""
    recipe = {
        **nb["RECIPE"],
        "epochs": nb["EPOCHS"],
        "ensemble size": nb["ENSEMBLE_SIZE"],
        "retrain on all": nb["RETRAIN_ON_ALL"],
        "validation fraction": nb["VALIDATION_FRACTION"],
    }
    return json.loads(json.dumps(recipe))  # tuples as lists, as a fold's record holds them


def setup_code():
    """The notebook's setup cells, compiled once: the notebook may be edited while a run goes on."""
    from notebook import code_cells

    return [
        compile(cell["source"], "<notebook setup cell>", "exec") for cell in code_cells("setup")
    ]


def read_labels(data_dir):
    from notebook import notebook_functions

    nb = notebook_functions()
    pixels, labels = nb["read_digits"](nb["find_csv"](data_dir, "train"), "train")
    return nb, pixels.reshape(-1, 28, 28, 1).astype("float32") / 255, labels


TTA_VARIANT = "-tta"
# Where a fold's model stops early and chooses its epoch. Folds saved without this key stopped on
# the held-out fold itself, which flatters their accuracy: they compare only among themselves.
EARLY_STOPPING = "a split of the training folds"
HELD_OUT_FOLD = "the held-out fold"


def fold_data(nb, images, labels, held_out):
    """A fold's (training data, early-stopping data, held-out images): the notebook's own split of
    the training folds, with one-hot labels."""
    to_categorical = nb["keras"].utils.to_categorical
    fit_images, stop_images, fit_labels, stop_labels = nb["split_for_validation"](
        images[~held_out], labels[~held_out], nb["VALIDATION_FRACTION"], nb["SEED"]
    )
    return (
        (fit_images, to_categorical(fit_labels, 10)),
        (stop_images, to_categorical(stop_labels, 10)),
        images[held_out],
    )


def train_fold(nb, contender, train_data, stop_data, held_out_images, work_dir):
    """Train the recipe on train_data, stopping early on stop_data, and predict held_out_images;
    returns ({variant: probabilities}, seconds, epochs). With RETRAIN_ON_ALL each model trains
    again on train_data and stop_data together for the epochs early stopping chose, and that model
    predicts; seconds and epochs count both trainings. The variant "" is the recipe itself; a
    recipe without test-time augmentation also gives the variant TTA_VARIANT: the same models,
    predicting with test-time augmentation."""
    keras = nb["keras"]
    keras.backend.clear_session()
    if contender == "seed":
        from seed_recipe import train_seed_recipe

        keras.mixed_precision.set_dtype_policy("float32")
        start = time.perf_counter()
        model, history = train_seed_recipe(*train_data, *stop_data)
        seconds, epochs = time.perf_counter() - start, len(history.history["loss"])
        return {"": model.predict(held_out_images, verbose=0)}, seconds, epochs
    models, seconds, epochs = [], 0.0, 0
    for member in range(nb["ENSEMBLE_SIZE"]):
        model, log = nb["train_member"](
            member,
            train_data,
            stop_data,
            work_dir / f"model_{member + 1}",
            nb["EPOCHS"],
            nb["RECIPE"],
        )
        if nb["RETRAIN_ON_ALL"]:
            # As the notebook does for its submission: again, on the early-stopping digits too,
            # for the epochs early stopping chose.
            seconds, epochs = seconds + float(log["seconds"].iloc[-1]), epochs + len(log)
            all_data = tuple(np.concatenate(parts) for parts in zip(train_data, stop_data))
            model, log = nb["train_member"](
                member,
                all_data,
                None,
                work_dir / f"all_digits_{member + 1}",
                int(log["val_loss"].idxmin()) + 1,
                nb["RECIPE"],
            )
        models.append(model)
        seconds, epochs = seconds + float(log["seconds"].iloc[-1]), epochs + len(log)
    model = nb["average_models"](models)
    tta = nb["TEST_TIME_AUGMENTATION"]
    variants = {"": nb["predict_probabilities"](model, held_out_images, tta)}
    if not tta:
        variants[TTA_VARIANT] = nb["predict_probabilities"](model, held_out_images, True)
    return variants, seconds, epochs


def variant_settings(settings, variant):
    """The settings that define a variant of the recipe (see train_fold)."""
    if variant != TTA_VARIANT:
        return settings
    return {
        **settings,
        "settings": {**settings["settings"], "DIGITS_TEST_TIME_AUGMENTATION": "1"},
    }


def run(name, contender, data_dir, folds, only, split_seed, out_dir):
    from bench import backend_name, machine

    nb, images, labels = read_labels(data_dir)
    setup = setup_code()
    keras = nb["keras"]
    which = fold_of_each_digit(labels, folds, split_seed)
    recipe_dir = out_dir / name
    recipe_dir.mkdir(parents=True, exist_ok=True)
    settings = {
        "contender": contender,
        "settings": recipe_settings(),
        "folds": folds,
        "split seed": split_seed,
        "digits": len(labels),
        "early stopping on": EARLY_STOPPING,
    }
    recipe = trained_recipe(nb) if contender == "notebook" else None
    asked, trained = sorted(only or range(1, folds + 1)), set()
    for fold in asked:
        path = recipe_dir / f"fold-{fold}.json"
        if path.is_file():
            saved = json.loads(path.read_text())
            saved_settings = {key: saved.get(key) for key in settings}
            if saved_settings != settings:
                sys.exit(
                    f"cv: {path} was made with other settings ({saved_settings}); "
                    f"choose another NAME or delete {recipe_dir}"
                )
            if saved.get("recipe", recipe) != recipe:
                sys.exit(
                    f"cv: {path} was trained as {saved['recipe']}, but the notebook's defaults "
                    f"now make these settings train {recipe}; choose another NAME"
                )
            print(f"Fold {fold} of {folds}: done before ({saved['errors']} errors)", flush=True)
            continue
        for code in setup:
            exec(code, nb)
        gpus = nb["GPUS"]
        held_out = which == fold - 1
        train_data, stop_data, held_out_images = fold_data(nb, images, labels, held_out)
        print(
            f"Fold {fold} of {folds}: training on {len(train_data[0]):,} digits, "
            f"early stopping on {len(stop_data[0]):,}, predicting {int(held_out.sum()):,}",
            flush=True,
        )
        work_dir = out_dir / ".work" / name / f"fold-{fold}"
        variants, seconds, epochs = train_fold(
            nb, contender, train_data, stop_data, held_out_images, work_dir
        )
        # The recipe's own fold last: a fold counts as done only once every variant is saved.
        for variant, probabilities in sorted(variants.items(), reverse=True):
            predictions = probabilities.argmax(axis=1)
            errors = int((predictions != labels[held_out]).sum())
            record = {
                **variant_settings(settings, variant),
                "fold": fold,
                "errors": errors,
                "fold digits": int(held_out.sum()),
                "recipe": recipe,
                "labels": "".join(map(str, labels[held_out])),
                "predictions": "".join(map(str, predictions)),
                "training s": round(seconds, 1),
                "epochs": epochs,
                "device": ", ".join(gpus) if gpus else "CPU",
                "backend": backend_name(keras, gpus),
                "machine": machine(),
                "date": datetime.date.today().isoformat(),
            }
            variant_path = out_dir / (name + variant) / path.name
            variant_path.parent.mkdir(parents=True, exist_ok=True)
            temporary = variant_path.with_suffix(".json.partial")
            temporary.write_text(json.dumps(record) + "\n")
            temporary.replace(variant_path)
            trained.add(name + variant)
            print(
                f"Fold {fold} of {folds}, {name + variant}: {errors} errors in "
                f"{int(held_out.sum()):,} ({1 - errors / held_out.sum():.2%}), {seconds:.0f} s, "
                f"{epochs} epochs",
                flush=True,
            )
        shutil.rmtree(work_dir, ignore_errors=True)
    summaries = {recipe: summarize(recipe, out_dir) for recipe in sorted(trained | {name})}
    for recipe, summary in summaries.items():
        write_out_of_fold(recipe, out_dir, labels, which)
        if recipe in trained:
            with (out_dir.parent / CV_RESULTS.name).open("a") as file:
                file.write(json.dumps(summary) + "\n")
        print(describe(summary))
    return summaries[name]


def recipe_environment(settings):
    """os.environ with the DIGITS_* settings of a recipe and no others (the data folders kept)."""
    kept = {name: value for name, value in os.environ.items() if not is_recipe_setting(name)}
    return {**kept, **settings}


def time_recipes(baseline, candidate, data_dir, epochs, rounds, out_dir=CV_DIR, timings=TIMINGS):
    """Train the two recipes on fold 1 in turn, `epochs` epochs each, `rounds` times, in this one
    process; the time ratio is the ratio of their seconds per epoch (the first epoch, which
    compiles, left out) times the ratio of the epochs they trained in their cross-validation. Each
    round's own ratio is kept too: the machine's speed drifts from one round to the next."""
    from bench import machine
    from notebook import notebook_functions

    folds = {name: load_folds(name, out_dir) for name in (baseline, candidate)}
    for name, recipe_folds in folds.items():
        if next(iter(recipe_folds.values()))["contender"] != "notebook":
            sys.exit(f"cv: '{name}' is not a notebook recipe; time compares notebook recipes")
    _, images, labels = read_labels(data_dir)
    first = next(iter(folds[baseline].values()))
    held_out = fold_of_each_digit(labels, first["folds"], first["split seed"]) == 0
    setup = setup_code()
    saved_environment = dict(os.environ)
    per_epoch = {baseline: [], candidate: []}
    try:
        for name, recipe_folds in folds.items():
            first_fold = next(iter(recipe_folds.values()))
            os.environ.clear()
            os.environ.update(recipe_environment(first_fold["settings"]))
            now = trained_recipe(notebook_functions())
            if first_fold.get("recipe", now) != now:
                sys.exit(
                    f"cv: '{name}' was cross-validated as {first_fold['recipe']}, but the "
                    f"notebook's defaults now make its settings train {now}; cross-validate it "
                    "again under a new name"
                )
        for round_ in range(1, rounds + 1):
            # In the order ABBA..., so that a machine slowing down or speeding up favours neither.
            for name in (baseline, candidate)[:: 1 if round_ % 2 else -1]:
                os.environ.clear()
                os.environ.update(recipe_environment(next(iter(folds[name].values()))["settings"]))
                nb = notebook_functions()  # its parameters, read from this recipe's settings
                for code in setup:
                    exec(code, nb)
                nb["keras"].backend.clear_session()
                train_data, stop_data, _ = fold_data(nb, images, labels, held_out)
                work_dir = out_dir / ".work" / "time" / name
                shutil.rmtree(work_dir, ignore_errors=True)
                _, log = nb["train_member"](
                    0, train_data, stop_data, work_dir, epochs, nb["RECIPE"]
                )
                shutil.rmtree(work_dir, ignore_errors=True)
                seconds = log["seconds"].to_numpy()
                per_epoch[name].append(float(seconds[-1] - seconds[0]) / (len(seconds) - 1))
                print(
                    f"Round {round_} of {rounds}, {name}: {per_epoch[name][-1]:.1f} s per epoch",
                    flush=True,
                )
    finally:
        os.environ.clear()
        os.environ.update(saved_environment)
    median = {name: float(np.median(values)) for name, values in per_epoch.items()}
    trained = {name: sum(record["epochs"] for record in folds[name].values()) for name in folds}
    epochs_ratio = trained[candidate] / trained[baseline]
    ratio = median[candidate] / median[baseline] * epochs_ratio
    round_ratios = [b / a * epochs_ratio for a, b in zip(per_epoch[baseline], per_epoch[candidate])]
    row = {
        "baseline": baseline,
        "candidate": candidate,
        "s per epoch": {name: round(value, 2) for name, value in median.items()},
        "epochs in the folds": trained,
        "time ratio": round(ratio, 2),
        "round ratios": [round(value, 2) for value in round_ratios],
        "rounds": rounds,
        "machine": machine(),
        "date": datetime.date.today().isoformat(),
    }
    with timings.open("a") as file:
        file.write(json.dumps(row) + "\n")
    print(
        f"{candidate} against {baseline}: {median[candidate]:.1f} against {median[baseline]:.1f} "
        f"s per epoch, {trained[candidate]} against {trained[baseline]} epochs in the folds: "
        f"time ratio {ratio:.2f} (rounds: {', '.join(f'{value:.2f}' for value in round_ratios)})"
    )
    return row


def load_folds(name, out_dir=CV_DIR):
    paths = sorted(
        (out_dir / name).glob("fold-*.json"), key=lambda path: int(path.stem.split("-")[1])
    )
    if not paths:
        sys.exit(f"cv: no folds of '{name}' in {out_dir / name}; run `cv.py run {name}` first")
    return {record["fold"]: record for record in (json.loads(path.read_text()) for path in paths)}


def summarize(name, out_dir=CV_DIR):
    folds = load_folds(name, out_dir)
    first = next(iter(folds.values()))
    digits = sum(record["fold digits"] for record in folds.values())
    errors = sum(record["errors"] for record in folds.values())
    low, high = wilson_interval(digits - errors, digits)
    per_fold = [1 - record["errors"] / record["fold digits"] for record in folds.values()]
    seconds = [record["training s"] for record in folds.values()]
    return {
        "recipe": name,
        "contender": first["contender"],
        "settings": first["settings"],
        "folds done": len(folds),
        "folds": first["folds"],
        "split seed": first["split seed"],
        "early stopping on": first.get("early stopping on", HELD_OUT_FOLD),
        "digits": digits,
        "errors": errors,
        "accuracy": 1 - errors / digits,
        "interval": [low, high],
        "fold mean": float(np.mean(per_fold)),
        "fold sd": float(np.std(per_fold, ddof=1)) if len(per_fold) > 1 else 0.0,
        "training s": round(sum(seconds)),
        "s per fold": round(float(np.mean(seconds))),
        "device": first["device"],
        "backend": first["backend"],
        "machine": first["machine"],
        "date": max(record["date"] for record in folds.values()),
    }


def describe(summary):
    low, high = summary["interval"]
    return (
        f"{summary['recipe']}: {summary['accuracy']:.3%} out of fold "
        f"(95 % interval {low:.3%} to {high:.3%}), {summary['errors']} errors in "
        f"{summary['digits']:,} digits ({summary['folds done']} of {summary['folds']} folds); "
        f"per fold {summary['fold mean']:.3%} ± {summary['fold sd']:.3%}; "
        f"{summary['training s']} s of training ({summary['s per fold']} s per fold) on "
        f"{summary['device']}, {summary['machine']}"
    )


def write_out_of_fold(name, out_dir, labels, which):
    """Label and out-of-fold prediction of every labelled digit, in train.csv's order."""
    predictions = np.full(len(labels), -1)
    for fold, record in load_folds(name, out_dir).items():
        predictions[which == fold - 1] = [int(digit) for digit in record["predictions"]]
    rows = [
        f"{label},{prediction},{fold + 1}"
        for label, prediction, fold in zip(labels, predictions, which)
        if prediction >= 0
    ]
    with gzip.open(out_dir / f"{name}.csv.gz", "wt") as file:
        file.write("label,prediction,fold\n" + "\n".join(rows) + "\n")


def compare(baseline, candidate, out_dir=CV_DIR, timings=TIMINGS):
    """Paired comparison on the folds both recipes have: candidate minus baseline. The time ratio
    is the latest one `time` measured in one run for the pair, else the two runs' ratio."""
    a, b = load_folds(baseline, out_dir), load_folds(candidate, out_dir)
    shared = sorted(set(a) & set(b))
    if not shared:
        sys.exit(f"cv: '{baseline}' and '{candidate}' have no fold in common")
    stopping = [
        next(iter(folds.values())).get("early stopping on", HELD_OUT_FOLD) for folds in (a, b)
    ]
    if stopping[0] != stopping[1]:
        sys.exit(
            f"cv: '{baseline}' stopped early on {stopping[0]} and '{candidate}' on {stopping[1]}; "
            "compare recipes cross-validated under the same protocol"
        )
    for fold in shared:
        if (a[fold]["labels"], a[fold]["split seed"], a[fold]["folds"]) != (
            b[fold]["labels"],
            b[fold]["split seed"],
            b[fold]["folds"],
        ):
            sys.exit(
                f"cv: fold {fold} of '{baseline}' and '{candidate}' holds other digits; "
                "compare recipes run with the same --folds and --split-seed"
            )
    labels = np.array([int(d) for fold in shared for d in a[fold]["labels"]])
    right_a = np.array([int(d) for fold in shared for d in a[fold]["predictions"]]) == labels
    right_b = np.array([int(d) for fold in shared for d in b[fold]["predictions"]]) == labels
    only_a, only_b = int((right_a & ~right_b).sum()), int((right_b & ~right_a).sum())
    difference = only_a - only_b  # the candidate's errors minus the baseline's
    half = Z95 * math.sqrt(max(only_a + only_b - difference**2 / len(labels), 0))
    seconds_a = sum(a[fold]["training s"] for fold in shared)
    seconds_b = sum(b[fold]["training s"] for fold in shared)
    timed = [
        row
        for row in read_jsonl(timings)
        if (row["baseline"], row["candidate"]) == (baseline, candidate)
    ]
    result = {
        "baseline": baseline,
        "candidate": candidate,
        "folds": len(shared),
        "digits": len(labels),
        "baseline errors": int((~right_a).sum()),
        "candidate errors": int((~right_b).sum()),
        "only baseline right": only_a,
        "only candidate right": only_b,
        "difference": difference,
        "interval": [round(difference - half, 1), round(difference + half, 1)],
        "p": mcnemar_exact(only_a, only_b),
        "time ratio": round(seconds_b / seconds_a, 2),
        "same machine": a[shared[0]]["machine"] == b[shared[0]]["machine"]
        and a[shared[0]]["date"] == b[shared[0]]["date"],
    }
    if timed:
        latest = timed[-1]
        result.update({"time ratio": latest["time ratio"], "same machine": True, "timed": True})
        result["slowest round"] = max(latest.get("round ratios") or [latest["time ratio"]])
    return result


def verdict(comparison, alpha=0.05):
    """Kept for accuracy when significantly better; for speed when faster (in every round that
    `time` measured), on one machine, and not significantly worse. A lever that leaves the work
    unchanged (`same work`) is judged on accuracy alone."""
    significant = comparison["p"] < alpha
    if significant and comparison["difference"] < 0:
        return "kept: more accurate"
    faster = (
        max(comparison["time ratio"], comparison.get("slowest round", 0)) < 0.9
        and comparison["same machine"]
        and not comparison.get("same work")
    )
    if faster and not (significant and comparison["difference"] > 0):
        return "kept: faster, no measurable loss"
    if significant:
        return "dropped: less accurate"
    return "dropped: no measurable effect"


def results_table(summaries):
    """One row per recipe, with the device, machine and date it ran on."""
    columns = "| recipe | folds | out-of-fold accuracy (95 % interval) | errors "
    columns += "| per fold, mean ± sd | training s per fold | device | machine | date |"
    lines = [columns, "|" + " --- |" * columns.count(" |")]
    for s in summaries:
        low, high = s["interval"]
        lines.append(
            f"| {s['recipe']} | {s['folds done']} of {s['folds']} | {s['accuracy']:.2%} "
            f"({low:.2%} to {high:.2%}) | {s['errors']} of {s['digits']:,} "
            f"| {s['fold mean']:.2%} ± {s['fold sd']:.2%} | {s['s per fold']} "
            f"| {s['device']} | {s['machine']} | {s['date']} |"
        )
    return "\n".join(lines) + "\n"


def p_value(p):
    """A p-value for a table: three decimals, or "< 0.001" where those would read 0.000."""
    return "< 0.001" if p < 0.0005 else f"{p:.3f}"


def decision_table(rows, recipes=True):
    """One row per recorded comparison; `recipes=False` leaves out the recipes' names (for
    readers who never run cv.py). When all rows count the same digits, the header says how many."""
    if not rows:
        return "No lever has been compared yet.\n"
    counts = {row["digits"] for row in rows}
    shared = f" of {counts.pop():,}" if len(counts) == 1 else ""
    columns = ["lever", "baseline → candidate", f"Δ errors{shared} (95 % interval)", "p"]
    columns += ["time ratio", "decision"]
    rows_of_cells = []
    for row in rows:
        low, high = row["interval"]
        ratio = f"{row['time ratio']:.2f}" + ("" if row["same machine"] else " (two runs)")
        ratio += " (one run)" if row.get("timed") else ""
        ratio += " (same work)" if row.get("same work") else ""
        cells = [
            row["lever"],
            f"{row['baseline']} → {row['candidate']}",
            f"{row['difference']:+d} ({low:+.0f} to {high:+.0f})"
            + ("" if shared else f" of {row['digits']:,}"),
            p_value(row["p"]),
            ratio,
            row["decision"],
        ]
        rows_of_cells.append(cells)
    lines = []
    for cells in [columns, ["---"] * len(columns), *rows_of_cells]:
        lines.append("| " + " | ".join(cells if recipes else cells[:1] + cells[2:]) + " |")
    return "\n".join(lines) + "\n"


def between(text, marker, body):
    """`text` with `body` between its markers, or None when it has none."""
    start, end = f"<!-- {marker}:start -->\n", f"<!-- {marker}:end -->"
    if start not in text or end not in text:
        return None
    before, rest = text.split(start, 1)
    return before + start + body + end + rest.split(end, 1)[1]


def replace_between(path, marker, body):
    text = between(path.read_text(), marker, body)
    if text is not None:
        path.write_text(text)


def read_jsonl(path):
    return (
        [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        if path.is_file()
        else []
    )


# The recipe the notebook trains on a CPU, whose cross-validated accuracy the README leads with.
FAST_DEFAULT = "epochs-15"


def headline(summary):
    """The README's first claim: the notebook's fast default, cross-validated."""
    if summary is None:
        return ""
    low, high = summary["interval"]
    return (
        f"**Expected accuracy on new digits: {summary['accuracy']:.2%}** (95 % interval "
        f"{low:.2%} to {high:.2%}): the out-of-fold accuracy of the fast default, the single "
        f"model a CPU trains, in {summary['folds done']}-fold cross-validation over "
        f"{summary['digits']:,} labelled digits.\n"
    )


def write_tables():
    """benchmarks/README.md gets every result and decision; README.md the headline and the
    decisions between recipes that stopped early on a split of their training folds."""
    latest = {}
    for summary in read_jsonl(CV_RESULTS):
        latest[summary["recipe"]] = summary
    decisions = read_jsonl(DECISIONS)
    clean = {
        recipe
        for recipe, summary in latest.items()
        if summary.get("early stopping on", HELD_OUT_FOLD) == EARLY_STOPPING
    }
    replace_between(HERE / "README.md", "cv", results_table(latest.values()))
    replace_between(HERE / "README.md", "decisions", decision_table(decisions))
    replace_between(
        REPO / "README.md",
        "decisions",
        decision_table(
            [row for row in decisions if {row["baseline"], row["candidate"]} <= clean],
            recipes=False,
        ),
    )
    replace_between(REPO / "README.md", "headline", headline(latest.get(FAST_DEFAULT)))
    replace_in_notebook("headline", headline(latest.get(FAST_DEFAULT)))


def replace_in_notebook(marker, body, path=REPO / "digit_recognizer.ipynb"):
    """Replace the text between markers in the notebook's markdown cell that holds them."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        text = between("".join(cell["source"]), marker, body)
        if cell["cell_type"] == "markdown" and text is not None:
            lines = text.split("\n")
            cell["source"] = [line + "\n" for line in lines[:-1]] + [lines[-1]]
            path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False), encoding="utf-8")


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser("run", help="cross-validate a recipe")
    run_parser.add_argument("name", help="the recipe's name, e.g. default or dropout-0.4")
    run_parser.add_argument("--contender", choices=["notebook", "seed"], default="notebook")
    run_parser.add_argument("--folds", type=int, default=5)
    run_parser.add_argument(
        "--only",
        type=int,
        nargs="+",
        metavar="FOLD",
        help="train only these folds (1 to --folds), e.g. for an ensemble",
    )
    run_parser.add_argument("--split-seed", type=int, default=SPLIT_SEED)
    run_parser.add_argument(
        "--data", type=Path, default=REPO / "data", help="folder holding train.csv(.gz)"
    )
    run_parser.add_argument("--out", type=Path, default=CV_DIR, help=argparse.SUPPRESS)
    compare_parser = commands.add_parser("compare", help="paired comparison of two recipes")
    compare_parser.add_argument("baseline")
    compare_parser.add_argument("candidate")
    compare_parser.add_argument("--lever", help="record the comparison in the decision table")
    compare_parser.add_argument(
        "--same-work",
        action="store_true",
        help="the lever leaves the work per epoch unchanged: judge it on accuracy alone",
    )
    compare_parser.add_argument("--out", type=Path, default=CV_DIR, help=argparse.SUPPRESS)
    time_parser = commands.add_parser("time", help="time two recipes in one run")
    time_parser.add_argument("baseline")
    time_parser.add_argument("candidate")
    time_parser.add_argument("--epochs", type=int, default=3, help="epochs per turn (2 or more)")
    time_parser.add_argument("--rounds", type=int, default=2)
    time_parser.add_argument(
        "--data", type=Path, default=REPO / "data", help="folder holding train.csv(.gz)"
    )
    time_parser.add_argument("--out", type=Path, default=CV_DIR, help=argparse.SUPPRESS)
    commands.add_parser("tables", help="rewrite the generated tables")
    args = parser.parse_args(argv)
    if args.command == "run":
        if args.folds < 2:
            parser.error(f"--folds must be 2 or more, not {args.folds}")
        if any(not 1 <= fold <= args.folds for fold in args.only or []):
            parser.error(f"--only takes folds from 1 to {args.folds}, not {args.only}")
        run(args.name, args.contender, args.data, args.folds, args.only, args.split_seed, args.out)
        if args.out == CV_DIR:
            write_tables()
    elif args.command == "time":
        if args.epochs < 2 or args.rounds < 1:
            parser.error("--epochs must be 2 or more and --rounds 1 or more")
        time_recipes(
            args.baseline,
            args.candidate,
            args.data,
            args.epochs,
            args.rounds,
            args.out,
            args.out.parent / TIMINGS.name,
        )
    elif args.command == "compare":
        timings = args.out.parent / TIMINGS.name
        comparison = compare(args.baseline, args.candidate, args.out, timings)
        if args.same_work:
            comparison["same work"] = True
        comparison["decision"] = verdict(comparison)
        low, high = comparison["interval"]
        print(
            f"{args.candidate} against {args.baseline} on {comparison['folds']} folds "
            f"({comparison['digits']:,} digits): {comparison['candidate errors']} errors against "
            f"{comparison['baseline errors']}, difference {comparison['difference']:+d} "
            f"(95 % interval {low:+.1f} to {high:+.1f}), McNemar p = {comparison['p']:.3g}, "
            f"time ratio {comparison['time ratio']:.2f}: {comparison['decision']}"
        )
        if args.lever:
            with DECISIONS.open("a") as file:
                file.write(json.dumps({"lever": args.lever, **comparison}) + "\n")
            write_tables()
    else:
        write_tables()


if __name__ == "__main__":
    main()
