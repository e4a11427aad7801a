"""`shegong audit anchor` prints the newest row's SEQ:HASH, and `shegong audit verify --anchor`
fails when that row is missing (the newest rows were removed) or has another hash. Runs against the
data directory of the running demo server without altering it."""
import os
import re
import subprocess


def run(server, *args):
    env = dict(os.environ, SHEGONG_DATA_DIR=server.data_dir)
    return subprocess.run([server.binary, *args], env=env, capture_output=True, text=True, timeout=120)


def test_audit_anchor_is_checked_by_verify(server):
    printed = run(server, "audit", "anchor")
    assert printed.returncode == 0, printed.stdout + printed.stderr
    anchor = re.search(r"^(\d+):([0-9a-f]{64})$", printed.stdout, re.MULTILINE)
    assert anchor, printed.stdout
    seq, digest = int(anchor.group(1)), anchor.group(2)
    assert seq > 0

    kept = run(server, "audit", "verify", "--anchor", anchor.group(0))
    assert kept.returncode == 0, kept.stdout + kept.stderr
    assert f"与锚点第 {seq} 条一致" in kept.stdout

    # what an operator's anchor looks like after the newest rows were removed: past the end
    beyond = run(server, "audit", "verify", "--anchor", f"{seq + 5}:{digest}")
    assert beyond.returncode != 0
    assert f"锚点所指的第 {seq + 5} 条记录缺失" in beyond.stdout + beyond.stderr

    other = run(server, "audit", "verify", "--anchor", f"{seq}:{'0' * 64}")
    assert other.returncode != 0
    assert f"第 {seq} 条记录的哈希与锚点不符" in other.stdout + other.stderr

    malformed = run(server, "audit", "verify", "--anchor", "最新")
    assert malformed.returncode != 0
    assert "--anchor 的格式应为 序号:哈希" in malformed.stdout + malformed.stderr
