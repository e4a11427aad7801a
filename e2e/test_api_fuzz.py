"""API fuzzing with schemathesis against /api/v1/openapi.json, as a city admin, on a fresh demo
database of its own: no 5xx, every response conforms to the document (status codes, content types,
bodies including problem+json), unsupported methods answer 405 with Allow, unknown fields and
values outside the schema are refused, and `shegong audit verify` passes afterwards.

Checks: all of schemathesis' checks except `positive_data_acceptance` (a body can match the schema
and still be refused by a rule the schema cannot state: a street that already has a station, a
date in the future) and `use_after_free`/`ensure_resource_availability` (the API deletes nothing).
Deterministic: a fixed seed; bounded: a per-run timeout.

What is kept from the fuzzer, so that it does not end its own session: revoking the token it
uses (`DELETE /api/v1/auth/token`, where the server has it) is not called, and requests aimed at
its own account go to an unknown id instead (`fuzz_hooks.py`). Every other operation is fuzzed.
"""
import collections
import json
import os
import re
import subprocess
import sys
import time
import urllib.parse

from conftest import summary, api_get, api_token, start_server, stop_server

SEED = 20261123
MAX_EXAMPLES = int(os.environ.get("SHEGONG_FUZZ_EXAMPLES", "15"))
TIME_LIMIT = int(os.environ.get("SHEGONG_FUZZ_SECONDS", "420"))
MIN_REQUESTS = 1000
EXCLUDED_CHECKS = ["positive_data_acceptance", "use_after_free", "ensure_resource_availability"]
# Operations that would end the fuzzer's own session (absent from servers without them: no effect).
EXCLUDED_OPERATIONS = ["DELETE /api/v1/auth/token"]
E2E_DIR = os.path.dirname(os.path.abspath(__file__))


def test_api_fuzzing_finds_no_server_error_and_no_nonconforming_response():
    srv, proc = start_server(prefix="shegong-fuzz-")
    try:
        token = api_token(srv.base, "admin", srv.password)
        me = api_get(srv.base, "/api/v1/me", token)
        document = api_get(srv.base, "/api/v1/openapi.json", token)
        env = dict(os.environ, SCHEMATHESIS_HOOKS="fuzz_hooks", SHEGONG_FUZZ_OWN_USER_ID=me["id"],
                   PYTHONPATH=os.pathsep.join(filter(None, [E2E_DIR, os.environ.get("PYTHONPATH")])))
        report_dir = os.path.join(srv.root, "report")
        started = time.monotonic()
        run = subprocess.run(
            [sys.executable, "-m", "schemathesis.cli", "--config-file", os.path.join(E2E_DIR, "schemathesis.toml"),
             "run", srv.base + "/api/v1/openapi.json",
             "--checks", "all", "--exclude-checks", ",".join(EXCLUDED_CHECKS),
             "--header", f"Authorization: Bearer {token}",
             "--max-examples", str(MAX_EXAMPLES), "--seed", str(SEED),
             # One worker: with two, hypothesis describes filters with ast.parse in two threads at once, and
             # CPython 3.11.7 then fails inside the fuzzer ("AST constructor recursion depth mismatch").
             "--workers", "1", "--request-timeout", "30", "--no-color",
             "--suppress-health-check", "all", "--generation-database", "none",
             "--report", "har", "--report-dir", report_dir]
            + [arg for name in EXCLUDED_OPERATIONS for arg in ("--exclude-name", name)],
            capture_output=True, text=True, timeout=TIME_LIMIT, env=env, cwd=srv.root)
        seconds = time.monotonic() - started
        statuses, operations = _har_statuses(report_dir, document)
        # schemathesis reads the document from GET /api/v1/openapi.json and does not fuzz that URL itself.
        documented = {f"{m.upper()} {p}" for p, ops in document["paths"].items() for m in ops} - set(EXCLUDED_OPERATIONS)
        documented.discard("GET /api/v1/openapi.json")
        requests = sum(statuses.values())
        server_errors = sum(n for code, n in statuses.items() if code >= 500)
        summary(f"API fuzzing: {requests} requests across {len(operations & documented)} of {len(documented)} operations in {seconds:.0f}s, "
              f"{server_errors} with status 5xx; statuses {dict(sorted(statuses.items()))}")
        alive = proc.poll() is None
        assert alive, "the server died during fuzzing:\n" + srv.output()[-4000:]
        assert run.returncode == 0, (run.stdout[-15000:] + run.stderr[-3000:])
        assert server_errors == 0
        assert requests >= MIN_REQUESTS, f"only {requests} requests were made"
        assert documented <= operations, f"operations never called: {sorted(documented - operations)}"

        verify = subprocess.run([srv.binary, "audit", "verify"], env=srv.env, capture_output=True, text=True, timeout=120)
        assert verify.returncode == 0, verify.stdout + verify.stderr
        assert "审计链完整" in verify.stdout
    finally:
        stop_server(srv, proc)


def _har_statuses(report_dir, document):
    """Responses by status, and the documented operations ("METHOD /path/{id}") that were called."""
    templates = [(re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(p)) + "$"), p) for p in document["paths"]]
    statuses = collections.Counter()
    operations = set()
    for name in os.listdir(report_dir) if os.path.isdir(report_dir) else []:
        if not name.startswith("har"):
            continue
        with open(os.path.join(report_dir, name), encoding="utf-8") as f:
            har = json.load(f)
        for entry in har["log"]["entries"]:
            statuses[entry["response"]["status"]] += 1
            path = urllib.parse.urlsplit(entry["request"]["url"]).path
            for pattern, template in templates:
                if pattern.match(path):
                    operations.add(f'{entry["request"]["method"]} {template}')
    return statuses, operations
