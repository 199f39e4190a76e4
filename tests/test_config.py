import pytest

from dynamo_reports.config import Settings, is_aws_endpoint, load_settings
from dynamo_reports.exceptions import ConfigError, ParameterError, TableNotFoundError


def test_default_names_follow_the_documents():
    s = Settings()
    assert s.table_name("solanashares") == "solanashares-logistic"
    assert s.table_name("discord_config") == "discord-bot-config"
    # 002's Terraform: "${project_name}-${environment}-trades" with defaults trading-bot / dev
    assert s.table_name("trades") == "trading-bot-dev-trades"
    assert s.table_name("leads") == "commercive-leads-dev"
    assert s.table_name("inventory") == "flavaflav-inventory-dev"


def test_placeholders_and_toml_map(tmp_path):
    cfg = tmp_path / "tables.toml"
    cfg.write_text('env = "prod"\nproject = "bot"\n[tables]\ndiscord_config = "solanashares-config"\n'
                   'leads = "leads-{env}-v2"\n')
    s = load_settings(config_file=cfg, environ={})
    assert s.table_name("trades") == "bot-prod-trades"
    assert s.table_name("discord_config") == "solanashares-config"
    assert s.table_name("leads") == "leads-prod-v2"
    # explicit argument beats the file
    assert load_settings(config_file=cfg, env="qa", environ={}).table_name("members") == "flavaflav-members-qa"


def test_environment_endpoint_is_standard_variable():
    s = load_settings(environ={"AWS_ENDPOINT_URL_DYNAMODB": "http://127.0.0.1:9999"})
    assert s.endpoint_url == "http://127.0.0.1:9999"
    assert s.region == "eu-west-3"
    assert not s.targets_aws


@pytest.mark.parametrize("kwargs,parameter", [
    ({"source": "mysql"}, "source"),
    ({"region": ""}, "region"),
    ({"region": "paris"}, "region"),
    ({"region": "eu-weest3"}, "region"),
    ({"endpoint_url": "localhost:8000"}, "endpoint_url"),
])
def test_bad_settings_name_the_parameter(kwargs, parameter):
    with pytest.raises(ParameterError) as e:
        Settings(**kwargs)
    assert e.value.parameter == parameter


def test_bad_config_files(tmp_path):
    with pytest.raises(ParameterError, match="config_file"):
        load_settings(config_file=tmp_path / "missing.toml", environ={})
    bad = tmp_path / "bad.toml"
    bad.write_text("[tables]\nnot_a_table = 'x'\n")
    with pytest.raises(ConfigError, match="not_a_table"):
        load_settings(config_file=bad, environ={})
    bad.write_text("tables = [")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(config_file=bad, environ={})
    bad.write_text("[tables]\nleads = 'leads-{stage}'\n")
    with pytest.raises(ConfigError, match="placeholder"):
        load_settings(config_file=bad, environ={}).table_name("leads")


def test_unknown_logical_table():
    with pytest.raises(TableNotFoundError, match="unknown logical table 'nope'"):
        Settings().table_name("nope")


def test_aws_endpoint_detection():
    assert is_aws_endpoint(None)
    assert is_aws_endpoint("https://dynamodb.eu-west-3.amazonaws.com")
    assert not is_aws_endpoint("http://127.0.0.1:8000")
    assert not is_aws_endpoint("http://dynamodb-local:8000")


@pytest.mark.parametrize("url", [
    "https://dynamodb.eu-west-3.amazonaws.com.",  # fully qualified: trailing dot
    "https://dynamodb.eu-west-3.api.aws",  # dual-stack
    "https://dynamodb.eu-west-3.api.aws.:443/",
    "https://DYNAMODB.EU-WEST-3.AMAZONAWS.COM",
    "https://dynamodb-fips.us-gov-west-1.amazonaws.com",
    "https://dynamodb.cn-north-1.amazonaws.com.cn.",
    "https://dynamodb.cn-north-1.api.amazonwebservices.com.cn",
    "https://vpce-0123-abcd.dynamodb.eu-west-3.vpce.amazonaws.com",
])
def test_every_spelling_of_an_aws_endpoint_is_aws(url):
    assert is_aws_endpoint(url)


@pytest.mark.parametrize("url", [
    "http://localhost:8000", "http://127.0.0.1:4566", "http://amazonaws.com.example.org",
    "http://my-api.aws.example.org", "http://notamazonaws.com",
])
def test_lookalike_hosts_are_not_aws(url):
    assert not is_aws_endpoint(url)
