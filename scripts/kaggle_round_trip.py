"""Push the notebook to Kaggle as a kernel, or submit submission.csv, with the official CLI.

    python scripts/kaggle_round_trip.py push [--id USER/SLUG]  # `make kaggle-push [KERNEL_ID=...]`
    python scripts/kaggle_round_trip.py submit   # `make kaggle-submit`

Both check first what can be checked offline (kernel-metadata.json, the CLI, an API token) and stop
with a message that says what is missing and how to fix it.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
METADATA = REPO / "kernel-metadata.json"
COMPETITION = "digit-recognizer"
ACCELERATOR = "NvidiaTeslaT4"  # Kaggle's "GPU T4 x2"
ID_PLACEHOLDER = "your-kaggle-username/"
INSTALL = "install it with `.venv/bin/pip install -r requirements-kaggle.txt`"


class KaggleSetupError(RuntimeError):
    pass


def check_metadata(path=METADATA):
    """Problems with kernel-metadata.json that would make a push fail or run the wrong thing."""
    try:
        metadata = json.loads(Path(path).read_text())
    except (OSError, ValueError) as error:
        return [f"{path}: not readable as JSON ({error})"]
    problems = []
    code_file = Path(path).parent / str(metadata.get("code_file", ""))
    if not metadata.get("code_file") or not code_file.is_file():
        problems.append(f"code_file {metadata.get('code_file')!r} is not a file beside {path}")
    if metadata.get("kernel_type") != "notebook":
        problems.append("kernel_type must be 'notebook'")
    if COMPETITION not in metadata.get("competition_sources", []):
        problems.append(f"competition_sources must list '{COMPETITION}'")
    if metadata.get("enable_gpu") is not True:
        problems.append("enable_gpu must be true")
    # The CLI turns the internet on when the field is missing; the notebook needs none.
    if metadata.get("enable_internet") is not False:
        problems.append("enable_internet must be false")
    return problems


def check_id(path=METADATA, kernel_id=None):
    kernel_id = kernel_id or json.loads(Path(path).read_text()).get("id", "")
    if kernel_id.startswith(ID_PLACEHOLDER) or kernel_id.count("/") != 1:
        return [
            f"id {kernel_id!r} in {path} is not yours: set it to <your Kaggle username>/<a slug> "
            "there, or give it as `make kaggle-push KERNEL_ID=<username>/<slug>`"
        ]
    return []


def find_cli():
    beside_python = Path(sys.executable).parent / "kaggle"
    found = shutil.which("kaggle") or (str(beside_python) if beside_python.is_file() else None)
    if not found:
        raise KaggleSetupError(f"The Kaggle CLI is not installed: {INSTALL}.")
    return found


def token_places(environ):
    """Where the CLI finds an API token or cached login; the first that exists wins."""
    home = Path(environ.get("HOME") or Path.home())
    folders = [Path(environ["KAGGLE_CONFIG_DIR"])] if environ.get("KAGGLE_CONFIG_DIR") else []
    xdg = Path(environ.get("XDG_CONFIG_HOME") or home / ".config")
    folders += [home / ".kaggle", xdg / "kaggle"]
    return [
        folder / name
        for folder in folders
        for name in ("access_token", "kaggle.json", "credentials.json")
    ]


def check_token(environ=None):
    environ = os.environ if environ is None else environ
    if environ.get("KAGGLE_API_TOKEN") or (
        environ.get("KAGGLE_USERNAME") and environ.get("KAGGLE_KEY")
    ):
        return
    places = token_places(environ)
    if not any(place.is_file() for place in places):
        raise KaggleSetupError(
            "No Kaggle API token: create one at https://www.kaggle.com/settings/api and set "
            "KAGGLE_API_TOKEN, or save it as ~/.kaggle/access_token (or log in once with "
            "`kaggle auth login`). Looked in:\n" + "\n".join(f"  - {place}" for place in places)
        )


def commit():
    result = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout.strip() or "unknown commit"


def stage(kernel_id, folder):
    """A folder holding the notebook and its metadata with `kernel_id`: what the CLI uploads."""
    metadata = {**json.loads(METADATA.read_text()), "id": kernel_id}
    (Path(folder) / "kernel-metadata.json").write_text(json.dumps(metadata, indent=2) + "\n")
    shutil.copy(REPO / metadata["code_file"], folder)
    return folder


def commands(action, cli, folder=REPO):
    if action == "push":
        return [cli, "kernels", "push", "-p", str(folder), "--accelerator", ACCELERATOR]
    submission = REPO / "submission.csv"
    return [
        cli,
        "competitions",
        "submit",
        "-c",
        COMPETITION,
        "-f",
        str(submission),
        "-m",
        f"digit_recognizer.ipynb at {commit()}",
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("action", choices=["push", "submit"])
    parser.add_argument("--id", help="the kernel's <username>/<slug>, instead of the file's")
    args = parser.parse_args(argv)
    try:
        problems = check_metadata() + check_id(kernel_id=args.id) if args.action == "push" else []
        if problems:
            raise KaggleSetupError("kernel-metadata.json: " + "; ".join(problems) + ".")
        if args.action == "submit" and not (REPO / "submission.csv").is_file():
            raise KaggleSetupError("There is no submission.csv: run `make run` first.")
        cli = find_cli()
        check_token()
    except KaggleSetupError as error:
        sys.exit(f"kaggle-{args.action}: {error}")
    with tempfile.TemporaryDirectory() as folder:
        if args.action == "push":
            kernel_id = args.id or json.loads(METADATA.read_text())["id"]
            command = commands("push", cli, stage(kernel_id, folder))
        else:
            command = commands("submit", cli)
        print("+ " + " ".join(command), flush=True)
        sys.exit(subprocess.run(command, check=False).returncode)


if __name__ == "__main__":
    main()
