"""Fixtures for the real-browser end-to-end tests.

A session fixture starts the Shegong server binary with demo data on a free
port and a fresh data directory; the driver fixtures give a headless Chromium
(desktop 1280x900, or a 390x844 phone).  Helpers: login(), screenshot().
"""

import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

E2E_DIR = os.path.dirname(os.path.abspath(__file__))
ARTIFACTS_DIR = os.path.join(E2E_DIR, "artifacts")
# the repository's debug build: /work/main/.build/debug/shegong in this checkout
DEFAULT_BIN = os.path.join(os.path.dirname(E2E_DIR), ".build", "debug", "shegong")
CHROMIUM = os.environ.get("CHROMIUM_BIN", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER_BIN", "/usr/bin/chromedriver")
STARTUP_TIMEOUT = 120  # seconds until /healthz must answer
WAIT = 15  # default explicit wait in the tests, seconds

DEMO_PASSWORD = os.environ.get("SHEGONG_DEMO_PASSWORD", "demo-pass-123")


# --------------------------------------------------------------------------
# server

def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(base):
    try:
        with urllib.request.urlopen(base + "/healthz", timeout=2) as r:
            return r.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _wait_for_binary(path, timeout=90):
    """The binary may be being relinked by a concurrent build: wait briefly."""
    deadline = time.monotonic() + timeout
    while not (os.path.isfile(path) and os.access(path, os.X_OK)):
        if time.monotonic() > deadline:
            pytest.exit(f"server binary not found or not executable: {path} "
                        "(build it or set SHEGONG_BIN)", returncode=2)
        time.sleep(1)


class Server:
    def __init__(self, base, password, log_path, binary=None, data_dir=None):
        self.base = base
        self.binary = binary
        self.data_dir = data_dir
        self.password = password
        self.log_path = log_path

    def output(self):
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as f:
                return f.read()
        except OSError:
            return ""


def start_server(prefix="shegong-e2e-", extra_env=None, port=None):
    """Starts `shegong serve --demo` on a free port with a fresh data directory (or the database in
    extra_env's DATABASE_URL) and waits for /healthz. Returns (Server, Popen); stop with stop_server."""
    binary = os.environ.get("SHEGONG_BIN", DEFAULT_BIN)
    _wait_for_binary(binary)
    root = tempfile.mkdtemp(prefix=prefix)
    log_path = os.path.join(root, "server.log")
    port = port or _free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ,
               SHEGONG_DATA_DIR=os.path.join(root, "data"),
               SHEGONG_DEMO_PASSWORD=DEMO_PASSWORD,
               PORT=str(port))
    env.update(extra_env or {})
    srv = Server(base, DEMO_PASSWORD, log_path, binary=binary, data_dir=env["SHEGONG_DATA_DIR"])
    srv.root, srv.env, srv.port = root, env, port
    proc = launch(srv)
    return srv, proc


def launch(srv):
    """(Re)starts the server process of `srv` (same port, data directory and database)."""
    log = open(srv.log_path, "ab")
    proc = subprocess.Popen(
        [srv.binary, "serve", "--demo", "--hostname", "127.0.0.1", "--port", str(srv.port)],
        cwd=srv.root, env=srv.env, stdout=log, stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL)
    log.close()
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while not _healthy(srv.base):
        if proc.poll() is not None or time.monotonic() > deadline:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            why = (f"exited with code {proc.returncode}" if proc.returncode not in (None, -9)
                   else f"did not answer {srv.base}/healthz within {STARTUP_TIMEOUT}s")
            pytest.exit(f"shegong server ({srv.binary}) {why}.\n"
                        f"---- server output ({srv.log_path}) ----\n{srv.output()}"
                        f"---- end of server output ----", returncode=3)
        time.sleep(0.1)
    return proc


def stop_server(srv, proc, remove=True):
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    if remove:
        shutil.rmtree(srv.root, ignore_errors=True)


@pytest.fixture(scope="session")
def shared_server():
    srv, proc = start_server()
    yield srv
    stop_server(srv, proc)


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "tampers: the test alters the database behind the server's back; it gets a server "
                   "and data directory of its own so that later tests see an intact audit chain")


@pytest.fixture
def server(request):
    """The session's shared server, or for a test marked `tampers` a fresh one of its own."""
    if request.node.get_closest_marker("tampers") is None:
        yield request.getfixturevalue("shared_server")
        return
    srv, proc = start_server(prefix="shegong-e2e-own-")
    yield srv
    stop_server(srv, proc)


@pytest.fixture(scope="session")
def base(shared_server):
    return shared_server.base


# --------------------------------------------------------------------------
# browsers

def _options():
    opts = Options()
    opts.binary_location = CHROMIUM
    opts.add_argument("--headless=new")
    opts.add_argument("--no-sandbox")
    opts.add_argument("--disable-dev-shm-usage")
    opts.add_argument("--disable-gpu")
    opts.add_argument("--lang=zh-CN")
    opts.add_argument("--no-first-run")
    opts.add_argument("--disable-extensions")
    # the console log, for driver.get_log("browser") (content security policy violations show there)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return opts


def _start(opts):
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)


def _attach_failure_screenshot(request, drv, prefix):
    rep = getattr(request.node, "rep_call", None)
    if rep is not None and rep.failed:
        try:
            screenshot(drv, f"FAILED-{prefix}-{request.node.name}")
        except Exception:  # the browser may be gone already
            pass


@pytest.fixture
def driver(request):
    """Headless Chromium with a 1280x900 window."""
    opts = _options()
    opts.add_argument("--window-size=1280,900")
    drv = _start(opts)
    drv.set_window_size(1280, 900)
    yield drv
    _attach_failure_screenshot(request, drv, "desktop")
    drv.quit()


PHONE_WIDTH, PHONE_HEIGHT = 390, 844


@pytest.fixture
def phone_driver(request):
    """Headless Chromium emulating a 390x844 phone (touch, mobile viewport)."""
    opts = _options()
    opts.add_argument(f"--window-size={PHONE_WIDTH},{PHONE_HEIGHT}")
    opts.add_experimental_option("mobileEmulation", {
        "deviceMetrics": {"width": PHONE_WIDTH, "height": PHONE_HEIGHT,
                          "pixelRatio": 3.0, "touch": True, "mobile": True},
        "userAgent": ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
                      "(KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36"),
    })
    drv = _start(opts)
    yield drv
    _attach_failure_screenshot(request, drv, "phone")
    drv.quit()


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, "rep_" + rep.when, rep)


# --------------------------------------------------------------------------
# helpers

def screenshot(driver, name):
    """Save a PNG of the current page to e2e/artifacts/<name>.png."""
    os.makedirs(ARTIFACTS_DIR, exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_") or "shot"
    path = os.path.join(ARTIFACTS_DIR, safe + ".png")
    driver.save_screenshot(path)
    return path


def wait(driver, timeout=WAIT):
    return WebDriverWait(driver, timeout, poll_frequency=0.1)


def wait_until_replaced(driver, old):
    """Wait until the page whose <html> element is `old` has been replaced by the next one."""
    def gone(_):
        # While the next page replaces the old one, Chrome may answer that the node no longer
        # belongs to the document instead of calling it stale: both mean the old page is gone.
        try:
            old.is_enabled()
            return False
        except WebDriverException:
            return True
    wait(driver).until(gone)
    wait(driver).until(lambda d: d.execute_script("return document.readyState") == "complete")


def login(driver, base, user, password=DEMO_PASSWORD):
    """Log in through the /login form and wait until the browser has left it."""
    driver.get(base + "/login")
    form_user = wait(driver).until(
        EC.visibility_of_element_located((By.NAME, "username")))
    form_user.clear()
    form_user.send_keys(user)
    pw = driver.find_element(By.NAME, "password")
    pw.clear()
    pw.send_keys(password)
    old = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.XPATH, "//form[@action='/login']//button[normalize-space()='登录']").click()
    wait_until_replaced(driver, old)


def api_token(base, user, password=DEMO_PASSWORD):
    req = urllib.request.Request(
        base + "/api/v1/auth/token",
        data=json.dumps({"username": user, "password": password}).encode(),
        headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.load(r)["token"]


def api_get(base, path, token):
    req = urllib.request.Request(base + path,
                                 headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.load(r)


# --------------------------------------------------------------------------
# numbers from the reliability tests, printed at the end of the run so they can be quoted

SUMMARIES = []


def summary(line):
    SUMMARIES.append(line)
    print("\n" + line)


def pytest_terminal_summary(terminalreporter):
    if SUMMARIES:
        terminalreporter.section("reliability summary")
        for line in SUMMARIES:
            terminalreporter.write_line(line)
