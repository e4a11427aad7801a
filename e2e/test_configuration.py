"""The README's configuration variables have the documented effect on a real server process:
PORT chooses the port, SHEGONG_SECURE_COOKIES marks the cookie Secure, and
SHEGONG_SESSION_IDLE_MINUTES ends an idle session. Each server here has its own data directory."""
import http.cookiejar
import os
import shutil
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request

import pytest

from conftest import DEFAULT_BIN, DEMO_PASSWORD, _free_port, _healthy


@pytest.fixture
def start():
    started = []

    def run(**variables):
        data_dir = tempfile.mkdtemp(prefix="shegong-config-")
        port = _free_port()
        env = dict(os.environ, SHEGONG_DATA_DIR=data_dir, SHEGONG_DEMO_PASSWORD=DEMO_PASSWORD, PORT=str(port), **variables)
        log = open(os.path.join(data_dir, "server.log"), "w")
        # No --port: the port must come from the environment.
        proc = subprocess.Popen([os.environ.get("SHEGONG_BIN", DEFAULT_BIN), "serve", "--demo", "--hostname", "127.0.0.1"],
                                cwd=data_dir, env=env, stdout=log, stderr=subprocess.STDOUT)
        started.append((proc, data_dir, log))
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while not _healthy(base):
            assert proc.poll() is None, open(log.name).read()
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.3)
        return base

    yield run
    for proc, data_dir, log in started:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()
        shutil.rmtree(data_dir, ignore_errors=True)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def sign_in(base):
    """Logs in as the city admin with a cookie jar; returns the opener and the Set-Cookie header seen."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    page = opener.open(base + "/login").read().decode()
    csrf = page.split('name="_csrf" value="', 1)[1].split('"', 1)[0]
    form = urllib.parse.urlencode({"username": "admin", "password": DEMO_PASSWORD, "next": "/stations", "_csrf": csrf}).encode()
    try:
        opener.open(base + "/login", data=form)
    except urllib.error.HTTPError as answer:   # the 303 after sign-in
        assert answer.code == 303, answer.read().decode()
        return opener, answer.headers.get("Set-Cookie", "")
    raise AssertionError("login did not redirect")


def status(opener, url):
    try:
        return opener.open(url).status
    except urllib.error.HTTPError as answer:
        return answer.code


def test_secure_cookies(start):
    # The login page starts a session (for its CSRF token); over plain HTTP a client then drops the
    # Secure cookie, which is the point, so the header is checked where it is first set.
    with urllib.request.urlopen(start(SHEGONG_SECURE_COOKIES="1") + "/login") as page:
        cookie = page.headers.get("Set-Cookie", "")
    assert "shegong_session=" in cookie and "Secure" in cookie and "HttpOnly" in cookie


def test_idle_timeout(start):
    base = start(SHEGONG_SESSION_IDLE_MINUTES="0.05")   # 3 seconds
    opener, _ = sign_in(base)
    assert status(opener, base + "/stations") == 200
    time.sleep(4)
    assert status(opener, base + "/stations") == 303   # back to the login page


def test_defaults_plain_cookie_and_a_session_that_lasts(start):
    base = start()
    opener, cookie = sign_in(base)
    assert "Secure" not in cookie
    time.sleep(4)
    assert status(opener, base + "/stations") == 200


def test_a_bad_value_stops_the_server_with_a_chinese_message(tmp_path):
    result = subprocess.run([os.environ.get("SHEGONG_BIN", DEFAULT_BIN), "serve", "--demo"], cwd=tmp_path, capture_output=True, text=True,
                            env=dict(os.environ, SHEGONG_DATA_DIR=str(tmp_path), PORT="eighty"), timeout=60)
    assert result.returncode != 0
    assert "环境变量 PORT 应为1–65535 之间的整数" in result.stdout + result.stderr
