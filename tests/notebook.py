"""Run the notebook's own code from the tests."""

import json
import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NOTEBOOK = REPO / "digit_recognizer.ipynb"


def code_cells(*tags):
    # Plain JSON, so that the benchmark also runs where Jupyter is not installed (a GPU machine).
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    return [
        {"id": cell.get("id"), "source": "".join(cell["source"])}
        for cell in cells
        if cell["cell_type"] == "code" and set(cell.get("metadata", {}).get("tags", [])) & set(tags)
    ]


def run_cells(namespace, *tags):
    """Execute the notebook's code cells tagged with any of `tags`, in order, in `namespace`;
    return it."""
    for cell in code_cells(*tags):
        exec(compile(cell["source"], f"<notebook cell {cell['id']}>", "exec"), namespace)
    return namespace


def notebook_functions():
    """A namespace holding the notebook's imports, parameters and function definitions
    (the cells tagged imports, parameters and functions), as the notebook itself defines them."""
    return run_cells({}, "imports", "parameters", "functions")


def run_notebook(times=1, timeout=600, notebook_path=NOTEBOOK, cwd=REPO, after_each=None):
    """Execute the whole notebook `times` times in one kernel started in `cwd`, with the current
    DIGITS_* settings, calling after_each(run) after run 0, 1, ... Returns the executed notebook of
    the last run; raises CellExecutionError on a failing cell."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(notebook_path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(cwd)}},
    )
    with client.setup_kernel(env=dict(os.environ)):
        for run in range(times):
            for index, cell in enumerate(notebook.cells):
                client.execute_cell(cell, index)
            if after_each:
                after_each(run)
    return notebook


def cell_text(notebook):
    """Everything the executed notebook's code cells printed, as one string."""
    return "\n".join(
        output.get("text", "")
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if output.get("output_type") == "stream"
    )
