"""The command line against the same data directory as the running demo server:
`shegong user create` makes an account that can log in, and `shegong audit verify`
names the first row that was altered in the database."""
import os
import sqlite3
import subprocess

import pytest

from conftest import api_token


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
