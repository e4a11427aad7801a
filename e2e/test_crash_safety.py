"""Crash safety: four clients write through the API (new streets with their stations and rooms,
social workers with their postings, group supervision records with their attendees, training
records with a PDF as evidence) while the
server is killed with SIGKILL 20 times at random moments and restarted each time. Afterwards every
write that was answered 2xx is there, nothing is half-written (a station without its rooms, a worker
without a posting, a supervision record without its attendees, training evidence whose file is
missing or truncated, a row without its audit event), and `shegong audit verify` passes.

SQLite always; PostgreSQL when SHEGONG_TEST_POSTGRES_ADMIN_URL names a server where a database may
be created (scripts/test sets it to its temporary PostgreSQL, with PG_BIN for psql).
"""
import datetime
import hashlib
import json
import os
import random
import subprocess
import threading
import time
import urllib.error
import urllib.request
import uuid

import pytest

from conftest import summary, api_token, launch, start_server, stop_server

KILLS = int(os.environ.get("SHEGONG_CRASH_KILLS", "20"))
KINDS = ("org_units", "stations", "social_workers", "supervision_records", "training_records")
CLIENTS = 4
SEED = 20261124


def _engines():
    engines = ["sqlite"]
    if os.environ.get("SHEGONG_TEST_POSTGRES_ADMIN_URL"):
        engines.append("postgres")
    return engines


@pytest.mark.parametrize("engine", _engines())
def test_acknowledged_writes_survive_sigkill_and_nothing_is_half_written(engine):
    db = Postgres.fresh("crash") if engine == "postgres" else None
    srv, proc = start_server(prefix=f"shegong-crash-{engine}-", extra_env={"DATABASE_URL": db.vapor_url} if db else None)
    state = {"proc": proc}
    try:
        store = db or SQLite(os.path.join(srv.data_dir, "shegong.sqlite"))
        token = api_token(srv.base, "admin", srv.password)
        fixtures = _setup(srv.base, token)
        baseline = {t: store.ids(t) for t in KINDS}

        stop = threading.Event()
        clients = [Client(i, srv.base, token, fixtures[i], stop) for i in range(CLIENTS)]
        threads = [threading.Thread(target=c.run, daemon=True) for c in clients]
        for t in threads:
            t.start()
        rng = random.Random(SEED)
        started = time.monotonic()
        for _ in range(KILLS):
            time.sleep(rng.uniform(0.3, 1.5))
            state["proc"].kill()          # SIGKILL: no shutdown, no flush, mid-request
            state["proc"].wait()
            state["proc"] = launch(srv)
        time.sleep(1.0)
        stop.set()
        for t in threads:
            t.join(timeout=30)
        stop_server(srv, state["proc"], remove=False)
        seconds = time.monotonic() - started

        errors = [e for c in clients for e in c.errors]
        assert not errors, "requests refused during the run:\n" + "\n".join(errors[:10])
        acked = {kind: set() for kind in KINDS}
        unanswered = 0
        for c in clients:
            for kind, ids in c.acked.items():
                acked[kind] |= ids
            unanswered += c.unanswered
        present = {t: store.ids(t) for t in acked}
        missing = {t: sorted(acked[t] - present[t]) for t in acked if acked[t] - present[t]}
        assert not missing, f"acknowledged writes lost after SIGKILL: {missing}"

        new = {t: present[t] - baseline[t] for t in present}
        rooms = store.counts("station_rooms", "station_id")
        postings = store.counts("worker_assignments", "worker_id")
        attendees = store.counts("supervision_attendees", "record_id")
        audited = store.audited_creates()
        half = []
        half += [f"station {s} has {rooms.get(s, 0)} rooms, not 2" for s in new["stations"] if rooms.get(s, 0) != 2]
        half += [f"worker {w} has no posting" for w in new["social_workers"] if postings.get(w, 0) != 1]
        half += [f"supervision record {r} has {attendees.get(r, 0)} attendees, not 2" for r in new["supervision_records"] if attendees.get(r, 0) != 2]
        half += [f"{t} {i} has no audit event" for t, entity in (("org_units", "org_unit"), ("stations", "station"),
                 ("social_workers", "social_worker"), ("supervision_records", "supervision_record"), ("training_records", "training_record"))
                 for i in new[t] if (entity, i) not in audited]
        evidence = store.rows("SELECT a.sha256 FROM training_records t JOIN attachments a ON a.id = t.attachment_id")
        half += [f"training evidence {sha} is missing or altered" for (sha,) in evidence if _sha256_of(srv.data_dir, sha) != sha]
        assert not half, "half-written data after SIGKILL:\n" + "\n".join(half[:20])
        assert store.integrity_ok()

        verify = subprocess.run([srv.binary, "audit", "verify"], env=srv.env, capture_output=True, text=True, timeout=120)
        assert verify.returncode == 0, verify.stdout + verify.stderr
        checked = sum(len(v) for v in acked.values())
        summary(f"crash safety ({engine}): {KILLS} SIGKILLs survived in {seconds:.0f}s; {checked} acknowledged writes checked "
              f"({', '.join(f'{len(v)} {k}' for k, v in acked.items())}), 0 lost; {unanswered} requests cut off unanswered; "
              f"{sum(len(v) for v in new.values())} new rows checked for completeness, 0 half-written; {verify.stdout.strip()}")
        assert min(len(v) for v in acked.values()) > 0, f"some kind of write never succeeded: { {k: len(v) for k, v in acked.items()} }"
    finally:
        stop_server(srv, state["proc"])
        if db:
            db.drop()


# --------------------------------------------------------------------------
# the clients

def _request(base, method, path, token, body=None, timeout=15):
    req = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return r.status, json.loads(r.read() or b"null")


def _multipart(base, path, token, fields, pdf, timeout=30):
    """POST multipart/form-data with the fields and a PDF as `attachment`."""
    boundary = "----shegong" + uuid.uuid4().hex
    body = b"".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in fields.items())
    body += (f'--{boundary}\r\nContent-Disposition: form-data; name="attachment"; filename="evidence.pdf"\r\n'
             f'Content-Type: application/pdf\r\n\r\n').encode() + pdf + f"\r\n--{boundary}--\r\n".encode()
    req = urllib.request.Request(base + path, data=body, method="POST",
                                 headers={"Authorization": f"Bearer {token}", "Content-Type": f"multipart/form-data; boundary={boundary}"})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return r.status, json.loads(r.read() or b"null")


def _days_ago(n):
    """A past date (the server refuses records dated in the future); the fixtures' postings start in 2020."""
    return (datetime.date.today() - datetime.timedelta(days=n)).isoformat()


def _sha256_of(data_dir, sha):
    try:
        with open(os.path.join(data_dir, "attachments", sha[:2], sha), "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()
    except OSError:
        return None


def _setup(base, token):
    """Per client: a station of the demo city, a supervisor there and two workers posted there, and a district for new streets."""
    stations = _request(base, "GET", "/api/v1/stations?per=200", token)[1]["items"]
    districts = _request(base, "GET", "/api/v1/org-units?level=district", token)[1]
    out = []
    for i in range(CLIENTS):
        station = stations[i * 3]["id"]
        supervisor = _request(base, "POST", "/api/v1/supervisors", token, {
            "name": f"崩溃测试督导{i}", "pool": "other", "experience_years": 5, "station_id": station, "started_on": "2020-01-01"})[1]["id"]
        workers = [_request(base, "POST", "/api/v1/workers", token, {
            "name": f"崩溃测试社工{i}-{k}", "gender": "female", "birth_date": "1990-01-01", "education": "bachelor",
            "major": "social_work", "station_id": station, "started_on": "2020-01-01"})[1]["id"] for k in range(2)]
        out.append({"station": station, "supervisor": supervisor, "workers": workers, "district": districts[i]["id"]})
    return out


class Client:
    def __init__(self, n, base, token, fixture, stop):
        self.n, self.base, self.token, self.f, self.stop = n, base, token, fixture, stop
        self.acked = {kind: set() for kind in KINDS}
        self.unanswered = 0
        self.errors = []
        self.rng = random.Random(SEED + n)

    def post(self, path, body, kind, multipart=None):
        """POST; the id of a 2xx answer is recorded as acknowledged. None when there was no answer."""
        try:
            if multipart:
                status, data = _multipart(self.base, path, self.token, *multipart)
            else:
                status, data = _request(self.base, "POST", path, self.token, body)
        except urllib.error.HTTPError as e:
            # Every request here is valid: any refusal (or a 5xx) after a restart is a finding.
            self.errors.append(f"POST {path} answered {e.code}: {e.read()[:300].decode(errors='replace')}")
            return None
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            self.unanswered += 1
            time.sleep(0.05)
            return None
        self.acked[kind].add(data["id"])
        return data["id"]

    def run(self):
        i = 0
        while not self.stop.is_set():
            i += 1
            op = i % 4
            if op == 0:
                street = self.post("/api/v1/org-units", {"name": f"崩溃测试街道{self.n}-{i}-{uuid.uuid4().hex[:6]}",
                                                         "parent_id": self.f["district"]}, "org_units")
                if street:
                    self.post("/api/v1/stations", {"street_id": street, "address": f"崩溃测试路{i}号",
                                                   "rooms": [{"kind": "office", "area": 30}, {"kind": "case_work", "area": 12.5}],
                                                   "equipment": ["desks", "chairs"]}, "stations")
            elif op == 1:
                self.post("/api/v1/workers", {"name": f"崩溃测试社工{self.n}-{i}", "gender": "male", "birth_date": "1992-05-06",
                                              "education": "master", "major": "related", "station_id": self.f["station"],
                                              "started_on": "2024-03-01"}, "social_workers")
            elif op == 3:
                # Evidence of 32 KB, different each time: a new content-addressed file per record.
                pdf = b"%PDF-1.4\n%" + uuid.uuid4().hex.encode() + b"\n" + self.rng.randbytes(32 * 1024)
                self.post("/api/v1/training-records", None, "training_records", multipart=(
                    {"worker_id": self.f["workers"][0], "held_on": _days_ago(30), "hours": "2", "title": f"崩溃测试培训{i}"}, pdf))
            else:
                self.post("/api/v1/supervision-records", {
                    "station_id": self.f["station"], "supervisor_id": self.f["supervisor"],
                    "held_on": _days_ago(self.rng.randint(1, 300)), "hours": 2,
                    "form": "group", "topic": f"崩溃测试督导{i}", "issues": "个案记录", "advice": "按时归档",
                    "supervisee_ids": self.f["workers"]}, "supervision_records")


# --------------------------------------------------------------------------
# reading the database behind the server

class SQLite:
    def __init__(self, path):
        self.path = path

    def rows(self, sql):
        import sqlite3
        con = sqlite3.connect(self.path, timeout=30)
        try:
            return [tuple(_text(v) for v in row) for row in con.execute(sql)]
        finally:
            con.close()

    def ids(self, table):
        return {r[0] for r in self.rows(f"SELECT id FROM {table}")}

    def counts(self, table, column):
        return {r[0]: int(r[1]) for r in self.rows(f"SELECT {column}, count(*) FROM {table} GROUP BY {column}")}

    def audited_creates(self):
        return {(r[0], r[1]) for r in self.rows("SELECT entity_type, entity_id FROM audit_events WHERE action = 'create'")}

    def integrity_ok(self):
        return self.rows("PRAGMA integrity_check") == [("ok",)]


def _text(value):
    """UUIDs as the API writes them: SQLite may hold them as 16-byte blobs."""
    if isinstance(value, bytes) and len(value) == 16:
        return str(uuid.UUID(bytes=value)).upper()
    return value.upper() if isinstance(value, str) and len(value) == 36 and value.count("-") == 4 else value


class Postgres:
    """A fresh database on the PostgreSQL server of SHEGONG_TEST_POSTGRES_ADMIN_URL, read with psql."""

    def __init__(self, name):
        admin = os.environ["SHEGONG_TEST_POSTGRES_ADMIN_URL"]   # postgres://user@host:port/postgres?tlsmode=disable
        self.server = admin.split("?")[0].rsplit("/", 1)[0]
        self.name = name
        self.vapor_url = f"{self.server}/{name}?tlsmode=disable"
        self.psql_url = f"{self.server.replace('postgres://', 'postgresql://', 1)}/{name}?sslmode=disable"
        self.admin_psql = f"{self.server.replace('postgres://', 'postgresql://', 1)}/postgres?sslmode=disable"

    @classmethod
    def fresh(cls, prefix):
        db = cls(f"{prefix}_{uuid.uuid4().hex[:8]}")
        db.psql(f'CREATE DATABASE "{db.name}"', admin=True)
        return db

    def drop(self):
        self.psql(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)', admin=True)

    def psql(self, sql, admin=False):
        pg_bin = os.environ.get("PG_BIN", "")
        psql = os.path.join(pg_bin, "psql") if pg_bin else "psql"
        out = subprocess.run([psql, self.admin_psql if admin else self.psql_url, "-X", "-q", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-c", sql],
                             capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr
        return [tuple(line.split("\t")) for line in out.stdout.splitlines()]

    def rows(self, sql):
        return [tuple(_text(v) for v in row) for row in self.psql(sql)]

    def ids(self, table):
        return {r[0] for r in self.rows(f"SELECT id FROM {table}")}

    def counts(self, table, column):
        return {r[0]: int(r[1]) for r in self.rows(f"SELECT {column}, count(*) FROM {table} GROUP BY {column}")}

    def audited_creates(self):
        return {(r[0], r[1]) for r in self.rows("SELECT entity_type, entity_id FROM audit_events WHERE action = 'create'")}

    def integrity_ok(self):
        return True
