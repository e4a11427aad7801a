"""The command line against the same data directory as the running demo server:
`shegong user create` makes an account that can log in, and `shegong audit verify`
names the first row that was altered in the database."""
import os
import sqlite3
import subprocess

import pytest

from conftest import api_get, api_token


def run(server, *args):
    env = dict(os.environ, SHEGONG_DATA_DIR=server.data_dir)
    return subprocess.run([server.binary, *args], env=env, capture_output=True, text=True, timeout=120)


def test_user_create_from_the_shell(server):
    result = run(server, "user", "create", "--username", "cliadmin", "--name", "命令行管理员",
                 "--role", "city_admin", "--unit", "370100", "--password", "cli-password-1")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "已创建用户 cliadmin" in result.stdout
    assert api_token(server.base, "cliadmin", "cli-password-1")


@pytest.mark.tampers
def test_audit_verify_names_the_altered_row(server):
    intact = run(server, "audit", "verify")
    assert intact.returncode == 0, intact.stdout + intact.stderr
    assert "审计链完整" in intact.stdout

    db = sqlite3.connect(os.path.join(server.data_dir, "shegong.sqlite"))
    with db:
        # someone with the file drops the append-only trigger first
        db.execute("DROP TRIGGER audit_events_no_update")
        db.execute("UPDATE audit_events SET actor_name = '篡改者' WHERE seq = 3")
    db.close()

    broken = run(server, "audit", "verify")
    assert broken.returncode != 0
    assert "第 3 条记录的内容已被改动" in broken.stdout + broken.stderr


def test_province_and_city_from_the_shell(server):
    """`shegong province add` and `shegong city add` onboard a city for scripted set-up: its profile
    copied from Jinan's in force, its first admin with a one-time password printed once."""
    province = run(server, "province", "add", "--name", "河北省", "--code", "13")
    assert province.returncode == 0, province.stdout + province.stderr
    assert "河北省（130000）" in province.stdout

    city = run(server, "city", "add", "--province", "130000", "--name", "石家庄市", "--code", "130100",
               "--copy-of", "370100", "--admin", "sjz_admin", "--admin-name", "石家庄市民政局 管理员")
    assert city.returncode == 0, city.stdout + city.stderr
    assert "已开通 石家庄市" in city.stdout and "复制自济南市" in city.stdout
    password = city.stdout.split("一次性密码（只显示这一次）：")[1].split()[0]
    token = api_token(server.base, "sjz_admin", password)
    policy = api_get(server.base, "/api/v1/policy", token)
    assert policy["city"] == "石家庄市" and policy["profile"] == "jinan" and policy["version"] == 1

    listed = run(server, "city", "list")
    assert "130100 石家庄市" in listed.stdout and "河北省" in listed.stdout

    # the same code again: refused, naming the field, nothing written
    again = run(server, "city", "add", "--province", "河北省", "--name", "唐山市", "--code", "130100",
                "--profile", "wuhan", "--admin", "ts_admin", "--password", "tangshan-pass-1")
    assert again.returncode != 0
    assert "division_code" in again.stdout + again.stderr and "石家庄市" in again.stdout + again.stderr
    assert "唐山市" not in run(server, "city", "list").stdout
