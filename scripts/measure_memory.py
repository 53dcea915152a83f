"""Peak resident memory and time of the notebook's loading code on the full competition files.

    .venv/bin/python scripts/measure_loading.py [FOLDER]

FOLDER holds train.csv(.gz) and test.csv(.gz); it defaults to ../shared/data/digit-recognizer.
The figure includes Python, Keras and TensorFlow themselves, as in the notebook's kernel.
"""

import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from notebook import REPO, notebook_functions  # noqa: E402


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


folder = (
    Path(sys.argv[1]) if len(sys.argv) > 1 else REPO.parent / "shared" / "data" / "digit-recognizer"
)
nb = notebook_functions()
before = peak_mb()
start = time.perf_counter()
train_pixels, train_labels = nb["read_digits"](nb["find_csv"](folder, "train"), "train")
test_pixels, _ = nb["read_digits"](nb["find_csv"](folder, "test"), "test")
print(
    f"Read {len(train_pixels):,} + {len(test_pixels):,} digits from {folder} "
    f"in {time.perf_counter() - start:.1f} s"
)
print(f"Peak resident memory: {before:.0f} MB after the imports, {peak_mb():.0f} MB after loading")
