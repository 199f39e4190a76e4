"""Tiny helper to write a notebook from a list of ("md"|"code"|"params", source) cells.

Used to (re)generate the report notebooks' structure; their outputs are then stored by
`make refresh-notebooks`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat


def build(path: str | Path, cells: list[tuple[str, str]]) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    for kind, source in cells:
        source = source.strip("\n")
        if kind == "md":
            cell = nbformat.v4.new_markdown_cell(source)
        else:
            cell = nbformat.v4.new_code_cell(source)
            if kind == "params":
                cell.metadata["tags"] = ["parameters"]
        cell["id"] = f"cell-{len(nb.cells):02d}"  # stable ids: regenerating gives the same file
        nb.cells.append(cell)
    nbformat.write(nb, str(path))


COMMON_PARAMETERS = '''
source = "demo"  # demo: embedded DynamoDB with the demo dataset; aws: boto3's credential chain
endpoint_url = ""  # any DynamoDB-compatible endpoint; "": AWS (or the embedded server on demo)
region = "eu-west-3"  # AWS region
profile = ""  # AWS profile; "": default credential chain
env = "dev"  # {env} placeholder of table names
project = "trading-bot"  # {project} placeholder of table names
config_file = ""  # TOML file mapping logical tables to physical names
period = "last-30-days"  # yesterday | last-7-days | last-30-days | month-to-date | previous-month | YYYY-MM | all
start = ""  # YYYY-MM-DD (inclusive); overrides period
end = ""  # YYYY-MM-DD (inclusive)
timezone = "UTC"  # time zone of days and periods
as_of = ""  # ISO time the report is "as of"; "": now (demo: the dataset's as-of)
summary_path = ""  # set by the runner: where summary.json goes
'''

OPEN_ARGS = ("source=source, endpoint_url=endpoint_url, region=region, profile=profile, env=env, "
             "project=project, config_file=config_file, period=period, start=start, end=end, "
             "timezone=timezone, as_of=as_of, summary_path=summary_path")

if __name__ == "__main__":
    print(__doc__, file=sys.stderr)
