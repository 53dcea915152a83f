"""Cross-validation (benchmarks/cv.py): stratified folds that predict every digit once, the
interval and the paired test it reports, and a quick run end to end that resumes."""

import gzip
import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from notebook import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
import cv  # noqa: E402

SAMPLE = REPO / "data" / "sample"


def test_folds_are_stratified_and_hold_each_digit_once():
    labels = np.repeat(np.arange(10), [500, 600, 450, 480, 520, 430, 490, 510, 470, 550])
    which = cv.fold_of_each_digit(labels, 5)
    assert sorted(set(which)) == [0, 1, 2, 3, 4]
    for digit in range(10):
        counts = np.bincount(which[labels == digit], minlength=5)
        assert counts.max() - counts.min() <= 1
    assert np.array_equal(which, cv.fold_of_each_digit(labels, 5))  # the split seed is fixed
    assert not np.array_equal(which, cv.fold_of_each_digit(labels, 5, split_seed=1))


def test_wilson_interval_matches_the_textbook_value():
    low, high = cv.wilson_interval(95, 100)
    assert low == pytest.approx(0.8883, abs=1e-4)
    assert high == pytest.approx(0.9785, abs=1e-4)


def test_mcnemar_exact_is_a_two_sided_binomial_test():
    assert cv.mcnemar_exact(10, 0) == pytest.approx(2 / 2**10)
    assert cv.mcnemar_exact(0, 10) == pytest.approx(2 / 2**10)
    assert cv.mcnemar_exact(5, 5) == 1.0
    assert cv.mcnemar_exact(0, 0) == 1.0
    # 3 against 12 of 15 discordant digits: 2 * P(X <= 3), X ~ Binomial(15, 1/2)
    assert cv.mcnemar_exact(3, 12) == pytest.approx(2 * 576 / 2**15)


def write_folds(folder, name, labels, predictions, seconds, settings=None, epochs=1):
    (folder / name).mkdir(parents=True)
    for fold, (fold_labels, fold_predictions) in enumerate(zip(labels, predictions), start=1):
        errors = sum(a != b for a, b in zip(fold_labels, fold_predictions))
        record = {
            "contender": "notebook",
            "settings": settings or {},
            "folds": 2,
            "split seed": 0,
            "digits": 40,
            "fold": fold,
            "errors": errors,
            "fold digits": len(fold_labels),
            "labels": fold_labels,
            "predictions": fold_predictions,
            "training s": seconds,
            "epochs": epochs,
            "device": "CPU",
            "backend": "tensorflow",
            "machine": "test",
            "date": "2026-01-01",
        }
        (folder / name / f"fold-{fold}.json").write_text(json.dumps(record))


def test_compare_pairs_the_digits_and_decides_by_the_test(tmp_path):
    labels = ["0123456789" * 2, "9876543210" * 2]
    # The baseline makes 12 errors in fold 1; the candidate fixes 10 of them and adds 2 in fold 2.
    baseline = ["1" * 14 + labels[0][14:], labels[1]]
    candidate = [labels[0][:12] + "11" + labels[0][14:], "0" + labels[1][1:19] + "1"]
    write_folds(tmp_path, "baseline", labels, baseline, 10.0)
    write_folds(tmp_path, "candidate", labels, candidate, 20.0)
    result = cv.compare("baseline", "candidate", tmp_path)
    assert result["baseline errors"] == 12
    assert result["candidate errors"] == 4
    assert (result["only baseline right"], result["only candidate right"]) == (2, 10)
    assert result["difference"] == -8
    assert result["interval"][0] < -8 < result["interval"][1] < 0
    assert result["p"] == pytest.approx(cv.mcnemar_exact(2, 10))
    assert result["time ratio"] == 2.0
    assert cv.verdict(result) == "kept: more accurate"
    assert cv.verdict({**result, "p": 0.2}) == "dropped: no measurable effect"
    assert cv.verdict({**result, "p": 0.2, "time ratio": 0.5}) == "kept: faster, no measurable loss"
    assert cv.verdict({**result, "difference": 8, "time ratio": 0.5}) == "dropped: less accurate"
    same_work = {**result, "p": 0.2, "time ratio": 0.5, "same work": True}
    assert cv.verdict(same_work) == "dropped: no measurable effect"
    row = {**same_work, "lever": "dropout", "decision": cv.verdict(same_work)}
    assert "| 0.50 (same work) | dropped: no measurable effect |" in cv.decision_table([row])


def test_a_speed_claim_needs_times_from_one_machine_or_one_run(tmp_path):
    labels = ["0123456789" * 2, "9876543210" * 2]
    write_folds(tmp_path, "baseline", labels, labels, 10.0)
    write_folds(tmp_path, "candidate", labels, labels, 5.0)
    timings = tmp_path / "timings.jsonl"
    result = cv.compare("baseline", "candidate", tmp_path, timings)
    assert result["time ratio"] == 0.5 and not result.get("timed")
    assert cv.verdict(result) == "kept: faster, no measurable loss"
    # Two runs on different machines (or days): their ratio is drift, not a speed-up.
    assert cv.verdict({**result, "same machine": False}) == "dropped: no measurable effect"
    row = {"baseline": "baseline", "candidate": "candidate", "time ratio": 1.3}
    timings.write_text(json.dumps({**row, "time ratio": 0.4}) + "\n" + json.dumps(row) + "\n")
    timed = cv.compare("baseline", "candidate", tmp_path, timings)
    assert (timed["time ratio"], timed["same machine"], timed["timed"]) == (1.3, True, True)
    assert cv.verdict(timed) == "dropped: no measurable effect"
    table = cv.decision_table([{**timed, "lever": "a lever", "decision": cv.verdict(timed)}])
    assert "| 1.30 (one run) |" in table
    assert cv.compare("candidate", "baseline", tmp_path, timings)["time ratio"] == 2.0
    # Faster overall but not in every round: the machine's drift, not a speed-up.
    drifting = {**row, "time ratio": 0.8, "round ratios": [0.7, 0.95]}
    timings.write_text(json.dumps(drifting) + "\n")
    timed = cv.compare("baseline", "candidate", tmp_path, timings)
    assert cv.verdict(timed) == "dropped: no measurable effect"
    timings.write_text(json.dumps({**drifting, "round ratios": [0.7, 0.85]}) + "\n")
    timed = cv.compare("baseline", "candidate", tmp_path, timings)
    assert cv.verdict(timed) == "kept: faster, no measurable loss"


def test_time_trains_each_recipe_with_its_own_settings_in_turn(tmp_path, monkeypatch):
    labels = ["0123456789" * 2, "9876543210" * 2]
    quick = {"DIGITS_QUICK": "1", "DIGITS_FILTERS": "4,4,4"}
    write_folds(tmp_path, "small", labels, labels, 1.0, {**quick, "DIGITS_BATCH_SIZE": "32"})
    write_folds(tmp_path, "large", labels, labels, 1.0, {**quick, "DIGITS_BATCH_SIZE": "500"}, 2)
    batch_sizes, fold_data = [], cv.fold_data

    def spy(nb, images, labels, held_out):
        batch_sizes.append(nb["RECIPE"]["batch_size"])
        return fold_data(nb, images, labels, held_out)

    monkeypatch.setattr(cv, "fold_data", spy)
    monkeypatch.setenv("DIGITS_DROPOUT", "0.5")  # not part of either recipe
    environment = dict(os.environ)
    timings = tmp_path / "timings.jsonl"
    row = cv.time_recipes("small", "large", SAMPLE, 2, 2, tmp_path, timings)
    assert batch_sizes == [32, 500, 500, 32]
    assert dict(os.environ) == environment
    assert row["epochs in the folds"] == {"small": 2, "large": 4}
    per_epoch = row["s per epoch"]
    assert row["time ratio"] == pytest.approx(per_epoch["large"] / per_epoch["small"] * 2, abs=0.02)
    assert len(row["round ratios"]) == 2
    assert min(row["round ratios"]) - 0.01 <= row["time ratio"] <= max(row["round ratios"]) + 0.01
    assert cv.read_jsonl(timings) == [row]
    assert cv.compare("small", "large", tmp_path, timings)["time ratio"] == row["time ratio"]


def test_time_refuses_a_recipe_the_notebook_no_longer_trains(tmp_path, monkeypatch):
    # Cross-validated when the default batch size was 64: the same settings now train another
    # recipe, whose time says nothing about the one in the table.
    labels = ["0123456789" * 2, "9876543210" * 2]
    settings = {"DIGITS_QUICK": "1", "DIGITS_FILTERS": "4,4,4"}
    for name in ("old", "new"):
        write_folds(tmp_path, name, labels, labels, 1.0, settings)
    monkeypatch.setattr(cv, "fold_data", lambda *arguments: pytest.fail("trained"))
    for path in (tmp_path / "old").glob("fold-*.json"):
        record = json.loads(path.read_text())
        path.write_text(json.dumps({**record, "recipe": {"batch_size": 64}}))
    with pytest.raises(SystemExit, match="defaults now make its settings train"):
        cv.time_recipes("new", "old", SAMPLE, 2, 2, tmp_path, tmp_path / "timings.jsonl")


def test_compare_refuses_folds_of_other_digits(tmp_path):
    write_folds(tmp_path, "a", ["0123", "4567"], ["0123", "4567"], 1.0)
    write_folds(tmp_path, "b", ["0124", "4567"], ["0124", "4567"], 1.0)
    with pytest.raises(SystemExit, match="holds other digits"):
        cv.compare("a", "b", tmp_path)


def test_compare_refuses_recipes_that_stopped_early_on_other_digits(tmp_path):
    write_folds(tmp_path, "legacy", ["0123", "4567"], ["0123", "4567"], 1.0)
    write_folds(tmp_path, "clean", ["0123", "4567"], ["0123", "4567"], 1.0)
    for path in (tmp_path / "clean").glob("fold-*.json"):
        record = json.loads(path.read_text())
        path.write_text(json.dumps({**record, "early stopping on": cv.EARLY_STOPPING}))
    with pytest.raises(SystemExit, match="under the same protocol"):
        cv.compare("legacy", "clean", tmp_path)
    assert cv.summarize("legacy", tmp_path)["early stopping on"] == cv.HELD_OUT_FOLD
    assert cv.summarize("clean", tmp_path)["early stopping on"] == cv.EARLY_STOPPING


def test_a_fold_neither_trains_nor_stops_early_on_the_digits_it_scores(tmp_path, monkeypatch):
    seen = []

    def stand_in(nb, contender, train_data, stop_data, held_out_images, work_dir):
        seen.append((train_data, stop_data, held_out_images))
        rng = np.random.default_rng(len(seen))
        return {"": rng.random((len(held_out_images), 10))}, 1.0, 1

    monkeypatch.setattr(cv, "train_fold", stand_in)
    monkeypatch.setenv("DIGITS_QUICK", "1")
    cv.run("stand-in", "notebook", SAMPLE, 2, None, cv.SPLIT_SEED, tmp_path / "cv")
    assert len(seen) == 2
    for train_data, stop_data, held_out_images in seen:

        def rows(images):
            return {image.tobytes() for image in images}

        scored = rows(held_out_images)
        assert len(held_out_images) == 2500
        assert len(scored & rows(train_data[0])) == len(scored & rows(stop_data[0])) == 0
        assert len(rows(train_data[0]) & rows(stop_data[0])) == 0
        assert len(stop_data[0]) == len(stop_data[1]) == 250  # 10 % of the training folds
        assert len(train_data[0]) == len(train_data[1]) == 2250
        assert np.bincount(stop_data[1].argmax(axis=1)).min() >= 20  # stratified
    record = json.loads((tmp_path / "cv" / "stand-in" / "fold-1.json").read_text())
    assert record["early stopping on"] == cv.EARLY_STOPPING


def test_retrain_on_all_trains_again_on_the_early_stopping_digits_too(tmp_path):
    calls = []

    def train_member(member, train_data, val_data, folder, epochs, recipe):
        stops_on = None if val_data is None else len(val_data[0])
        calls.append((member, len(train_data[0]), len(train_data[1]), stops_on, epochs))
        log = pd.DataFrame({"val_loss": [0.5, 0.3, 0.4], "seconds": [1.0, 2.0, 3.0]})
        return f"model {len(calls)}", log[: epochs if val_data is None else 3]

    keras = type("Keras", (), {"backend": type("Backend", (), {"clear_session": print})})
    nb = {
        "keras": keras,
        "ENSEMBLE_SIZE": 2,
        "EPOCHS": 3,
        "RECIPE": {},
        "RETRAIN_ON_ALL": True,
        "TEST_TIME_AUGMENTATION": False,
        "train_member": train_member,
        "average_models": lambda models: tuple(models),
        "predict_probabilities": lambda model, images, tta: (model, tta),
    }
    train_data = (np.zeros((90, 1)), np.zeros((90, 10)))
    stop_data = (np.ones((10, 1)), np.ones((10, 10)))
    variants, seconds, epochs = cv.train_fold(
        nb, "notebook", train_data, stop_data, "held out", tmp_path
    )
    # Each model: 3 epochs stopping early on 10 digits, then the 2 it chose on all 100.
    assert calls == [(0, 90, 90, 10, 3), (0, 100, 100, None, 2)] + [
        (1, 90, 90, 10, 3),
        (1, 100, 100, None, 2),
    ]
    assert variants[""] == (("model 2", "model 4"), False)  # the retrained models predict
    assert (seconds, epochs) == (2 * (3.0 + 2.0), 2 * (3 + 2))


def run_cv(out, *arguments, fails=False):
    env = {key: value for key, value in os.environ.items() if not key.startswith("DIGITS_")}
    env.update(DIGITS_QUICK="1", DIGITS_EPOCHS="1", DIGITS_FILTERS="4,4,4")
    command = [
        sys.executable,
        str(REPO / "benchmarks" / "cv.py"),
        "run",
        "quick",
        "--folds",
        "2",
        "--data",
        str(SAMPLE),
        "--out",
        str(out),
        *arguments,
    ]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == (1 if fails else 0), result.stderr[-3000:]
    return result.stderr if fails else result.stdout


def test_quick_cross_validation_predicts_every_digit_once_and_resumes(tmp_path):
    out = tmp_path / "cv"
    run_cv(out, "--only", "1")
    assert (out / "quick" / "fold-1.json").is_file() and not (
        out / "quick" / "fold-2.json"
    ).exists()
    printed = run_cv(out)  # resumes: fold 1 is kept, fold 2 is trained
    assert "Fold 1 of 2: done before" in printed
    with gzip.open(SAMPLE / "train.csv.gz", "rt") as file:
        labels = pd.read_csv(file, usecols=["label"])["label"].to_numpy()
    predicted = pd.read_csv(out / "quick.csv.gz")
    assert len(predicted) == len(labels) == 5000
    assert np.array_equal(predicted["label"], labels)
    assert sorted(predicted["fold"].value_counts()) == [2500, 2500]
    lines = (tmp_path / "cv_results.jsonl").read_text().splitlines()
    rows = [row for row in map(json.loads, lines) if row["recipe"] == "quick"]
    assert [row["folds done"] for row in rows] == [1, 2]
    assert rows[-1]["digits"] == 5000
    assert rows[-1]["errors"] == int((predicted["label"] != predicted["prediction"]).sum())
    assert rows[-1]["settings"] == {
        "DIGITS_EPOCHS": "1",
        "DIGITS_FILTERS": "4,4,4",
        "DIGITS_QUICK": "1",
    }
    low, high = rows[-1]["interval"]
    assert low < rows[-1]["accuracy"] < high
    # Each fold also records what those settings trained, the notebook's defaults included.
    recipe = json.loads((out / "quick" / "fold-1.json").read_text())["recipe"]
    assert (recipe["filters"], recipe["epochs"], recipe["batch_size"]) == ([4, 4, 4], 1, 128)
    # The same models, predicting with test-time augmentation: a second recipe on the same digits.
    tta_rows = [row for row in map(json.loads, lines) if row["recipe"] == "quick-tta"]
    assert [row["folds done"] for row in tta_rows] == [1, 2]
    assert tta_rows[-1]["settings"] == {
        **rows[-1]["settings"],
        "DIGITS_TEST_TIME_AUGMENTATION": "1",
    }
    assert tta_rows[-1]["training s"] == rows[-1]["training s"]
    with_tta = pd.read_csv(out / "quick-tta.csv.gz")
    assert np.array_equal(with_tta["label"], labels)
    assert not np.array_equal(with_tta["prediction"], predicted["prediction"])
    assert cv.compare("quick", "quick-tta", out)["digits"] == 5000
    run_cv(out)  # nothing left to train: no new row
    assert len((tmp_path / "cv_results.jsonl").read_text().splitlines()) == 4
    # A fold trained when a default was other: the same settings no longer make that recipe.
    fold = out / "quick" / "fold-1.json"
    fold.write_text(json.dumps({**json.loads(fold.read_text()), "recipe": {**recipe, "epochs": 9}}))
    assert "the notebook's defaults now make these settings train" in run_cv(out, fails=True)


def test_headline_is_written_between_the_markers_of_readme_and_notebook(tmp_path):
    summary = {
        "accuracy": 0.995,
        "interval": [0.994, 0.996],
        "folds done": 5,
        "digits": 42000,
        "s per fold": 300,
        "device": "CPU",
        "machine": "test, 2 cores",
    }
    line = cv.headline(summary)
    assert "99.50%" in line and "99.40% to 99.60%" in line and "5-fold" in line
    assert "test, 2 cores" not in line  # the headline names no machine
    notebook = tmp_path / "notebook.ipynb"
    shutil.copy(REPO / "digit_recognizer.ipynb", notebook)
    cv.replace_in_notebook("headline", line, notebook)
    cells = json.loads(notebook.read_text())["cells"]
    first = "".join(cells[0]["source"])
    assert f"<!-- headline:start -->\n{line}<!-- headline:end -->" in first
    readme = tmp_path / "README.md"
    readme.write_text("top\n<!-- cv:start -->\nold\n<!-- cv:end -->\nbottom\n")
    cv.replace_between(readme, "cv", "new\n")
    assert readme.read_text() == "top\n<!-- cv:start -->\nnew\n<!-- cv:end -->\nbottom\n"


def test_decision_table_never_prints_a_p_value_of_zero():
    row = {
        "lever": "a lever",
        "baseline": "a",
        "candidate": "b",
        "digits": 42000,
        "difference": -160,
        "interval": [-192.4, -127.6],
        "p": 3.7e-23,
        "time ratio": 0.52,
        "same machine": True,
        "decision": "kept: more accurate",
    }
    assert "| < 0.001 |" in cv.decision_table([row])
    assert "| a lever | a → b | -160 (-192 to -128) |" in cv.decision_table([row])
    assert "| a lever | -160 (-192 to -128) |" in cv.decision_table([row], recipes=False)
    assert "| Δ errors of 42,000 (95 % interval) |" in cv.decision_table([row])
    # Rows over other numbers of digits (an ensemble on two folds) each say how many.
    two_folds = {**row, "digits": 16800}
    mixed = cv.decision_table([row, two_folds], recipes=False)
    assert "| Δ errors (95 % interval) |" in mixed
    assert "-160 (-192 to -128) of 42,000 |" in mixed
    assert "-160 (-192 to -128) of 16,800 |" in mixed
    assert "| 0.243 |" in cv.decision_table([{**row, "p": 0.24296}])
