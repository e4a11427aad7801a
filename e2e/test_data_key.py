"""SHEGONG_DATA_KEY_FILE on a real server: the key file is created at that path (mode 0600) and not
in the data directory; `serve` without --demo warns when the key file lies inside the data directory."""
import os
import stat
import subprocess
import time

from conftest import DEFAULT_BIN, _free_port, _healthy, _wait_for_binary

WARNING = "位于数据目录"


def serve_once(root, extra_env):
    """Starts `shegong serve` (no demo) in `root` until /healthz answers, stops it; returns its log."""
    binary = os.environ.get("SHEGONG_BIN", DEFAULT_BIN)
    _wait_for_binary(binary)
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHEGONG_DATA_KEY")}
    env.update(SHEGONG_DATA_DIR=os.path.join(root, "data"), **extra_env)
    with open(os.path.join(root, "server.log"), "wb") as log:
        proc = subprocess.Popen([binary, "serve", "--hostname", "127.0.0.1", "--port", str(port)],
                                cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 120
            while not _healthy(f"http://127.0.0.1:{port}"):
                assert proc.poll() is None and time.monotonic() < deadline, "server did not start"
                time.sleep(0.25)
        finally:
            proc.terminate()
            proc.wait(timeout=15)
    with open(os.path.join(root, "server.log"), encoding="utf-8", errors="replace") as f:
        return f.read()


def test_the_key_file_variable_puts_the_key_outside_the_data_directory(tmp_path):
    root = str(tmp_path)
    log = serve_once(root, {"SHEGONG_DATA_KEY_FILE": os.path.join(root, "keys", "shegong.key")})
    key = os.path.join(root, "keys", "shegong.key")
    assert os.path.isfile(key)
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    assert not os.path.exists(os.path.join(root, "data", "data.key"))
    assert os.path.isfile(os.path.join(root, "data", "shegong.sqlite"))
    assert WARNING not in log, log


def test_a_key_file_in_the_data_directory_is_warned_about(tmp_path):
    root = str(tmp_path)
    log = serve_once(root, {})
    assert os.path.isfile(os.path.join(root, "data", "data.key"))
    assert WARNING in log and "SHEGONG_DATA_KEY_FILE" in log, log
