"""Write the small, class-balanced sample in data/sample/ from the full competition files.

    python scripts/make_sample.py [SOURCE_DIR]

SOURCE_DIR holds Kaggle's train.csv(.gz) and test.csv(.gz); it defaults to
../shared/data/digit-recognizer. The sample keeps Kaggle's exact format: 500 labelled
training digits of each class (5,000 in all) and the first 1,000 test digits.
"""

import gzip
import sys
from pathlib import Path

import pandas as pd

SEED = 2024
TRAIN_PER_CLASS = 500
TEST_ROWS = 1000
REPO = Path(__file__).resolve().parent.parent


def find_csv(folder: Path, stem: str) -> Path:
    for name in (f"{stem}.csv", f"{stem}.csv.gz"):
        if (folder / name).exists():
            return folder / name
    sys.exit(f"{folder} holds no {stem}.csv or {stem}.csv.gz")


def write_gzip_csv(frame: pd.DataFrame, path: Path) -> None:
    # mtime=0 keeps the file byte-identical when the sample is regenerated.
    with gzip.GzipFile(path, "wb", compresslevel=9, mtime=0) as raw:
        raw.write(frame.to_csv(index=False, lineterminator="\n").encode())


def main() -> None:
    source = (
        Path(sys.argv[1]) if len(sys.argv) > 1 else REPO.parent / "shared/data/digit-recognizer"
    )
    train = pd.read_csv(find_csv(source, "train"))
    test = pd.read_csv(find_csv(source, "test"), nrows=TEST_ROWS)
    sample = (
        train.groupby("label", group_keys=False)
        .sample(n=TRAIN_PER_CLASS, random_state=SEED)
        .sample(frac=1, random_state=SEED)
    )
    out = REPO / "data" / "sample"
    out.mkdir(parents=True, exist_ok=True)
    write_gzip_csv(sample, out / "train.csv.gz")
    write_gzip_csv(test, out / "test.csv.gz")
    for path in sorted(out.glob("*.csv.gz")):
        print(f"{path.relative_to(REPO)}: {path.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
