"""The reports' IAM policy: generated from the table specs and the settings, committed for the defaults.

Coverage is checked the way IAM matches: an action and a resource ARN against the policy's
``Action`` and ``Resource`` patterns (``*`` matches any characters).
"""

from __future__ import annotations

import fnmatch
import json
import re
from pathlib import Path

from dynamo_reports.cli import main
from dynamo_reports.config import Settings, load_settings
from dynamo_reports.connection import READ_ONLY_OPERATIONS, REPORT_OPERATIONS
from dynamo_reports.iam import policy_json, readonly_policy
from dynamo_reports.systems import ALL_TABLES

ROOT = Path(__file__).resolve().parents[1]


def _allows(policy: dict, action: str, arn: str) -> bool:
    for statement in policy["Statement"]:
        if statement["Effect"] != "Allow":
            continue
        if any(fnmatch.fnmatchcase(action, a) for a in statement["Action"]) and \
                any(fnmatch.fnmatchcase(arn, r) for r in statement["Resource"]):
            return True
    return False


def _every_table_and_index(settings: Settings) -> list[str]:
    arns = []
    for spec in ALL_TABLES:
        table = f"arn:aws:dynamodb:{settings.region}:123456789012:table/{settings.table_name(spec.logical)}"
        arns.append(table)
        arns.extend(f"{table}/index/{index.name}" for index in spec.indexes)
    return arns


def test_committed_policy_is_the_generated_one_for_the_defaults():
    committed = (ROOT / "docs" / "iam" / "reports-readonly-policy.json").read_text()
    assert committed == policy_json(Settings())


def test_policy_allows_the_report_reads_on_every_table_and_index_and_nothing_else():
    policy = readonly_policy(Settings())
    arns = _every_table_and_index(Settings())
    # 14 tables (000:1, 001:1, 002:3, 003:5, 004:4); GSIs 000:1, 001:1, 002:3+1, 003:2+3, 004:2+2+1 = 16
    assert len(arns) == 14 + 16
    for arn in arns:
        for operation in REPORT_OPERATIONS:
            assert _allows(policy, f"dynamodb:{operation}", arn), (operation, arn)
        for write in ("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "PartiQLInsert", "DeleteTable"):
            assert not _allows(policy, f"dynamodb:{write}", arn)
    other = "arn:aws:dynamodb:eu-west-3:123456789012:table/someone-elses-table"
    assert not _allows(policy, "dynamodb:Scan", other)


def test_readme_toml_example_is_covered(tmp_path, capsys):
    readme = (ROOT / "README.md").read_text()
    example = next(block for block in re.findall(r"```toml\n(.*?)```", readme, re.S)
                   if 'discord_config = "solanashares-config"' in block)
    config = tmp_path / "tables.toml"
    config.write_text(example)
    assert main(["iam-policy", "--config", str(config)]) == 0
    policy = json.loads(capsys.readouterr().out)
    settings = load_settings(config_file=config, environ={})
    assert settings.table_name("discord_config") == "solanashares-config"
    for arn in _every_table_and_index(settings):
        for operation in REPORT_OPERATIONS:
            assert _allows(policy, f"dynamodb:{operation}", arn), (operation, arn)
    assert _allows(policy, "dynamodb:Scan", "arn:aws:dynamodb:eu-west-3:1:table/solanashares-config")
    # the default names are not granted when the config renames the table
    assert not _allows(policy, "dynamodb:Scan", "arn:aws:dynamodb:eu-west-3:1:table/discord-bot-config")
    # the committed default policy did not cover the README's example (the issue)
    default = readonly_policy(Settings())
    assert not _allows(default, "dynamodb:Scan", "arn:aws:dynamodb:eu-west-3:1:table/solanashares-config")


def test_env_project_and_region_options(capsys):
    assert main(["iam-policy", "--env", "prod", "--project", "tb", "--region", "cn-north-1"]) == 0
    policy = json.loads(capsys.readouterr().out)
    assert _allows(policy, "dynamodb:Query", "arn:aws-cn:dynamodb:cn-north-1:1:table/tb-prod-trades/index/gsi2-date")
    assert not _allows(policy, "dynamodb:Query", "arn:aws:dynamodb:eu-west-3:1:table/tb-prod-trades")


def test_report_operations_are_the_reads_the_library_calls():
    """Every read operation named in a ``.call("...")`` or ``.read("...")`` of the library is granted;
    ListTables is only the reachability check of a non-AWS endpoint and the table listing of
    `tables --create`."""
    called: set[str] = set()
    for path in (ROOT / "lib" / "dynamo_reports").rglob("*.py"):
        called.update(re.findall(r'\.(?:call|read)\(\s*"(\w+)"', path.read_text()))
    reads = (called & READ_ONLY_OPERATIONS) - {"ListTables"}
    reads |= {"Query", "Scan"}  # reads.query / reads.scan pass the operation as a variable
    assert reads == set(REPORT_OPERATIONS)
    assert set(REPORT_OPERATIONS) <= READ_ONLY_OPERATIONS
