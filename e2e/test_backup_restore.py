"""Backup and restore: `shegong backup FILE` while a client keeps writing through the API, then
`shegong restore FILE` into an empty data directory (with the key file copied beside it, as the
README says) gives the same rows in every table as the backup, the attachments come back, and
`shegong audit verify` passes. A backup taken once writes have stopped restores to exactly the
source database. Restore refuses a non-empty target and a key that does not open the data.

SQLite always; PostgreSQL too when SHEGONG_TEST_POSTGRES_ADMIN_URL is set (see test_crash_safety).
"""
import os
import shutil
import sqlite3
import subprocess
import tempfile
import threading
import time
import uuid

import pytest

from conftest import summary, api_token, start_server, stop_server
from test_crash_safety import Postgres, _days_ago, _multipart, _request

PDF = b"%PDF-1.4\n% shegong backup test\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def cli(srv, env, *args):
    return subprocess.run([srv.binary, *args], env=env, capture_output=True, text=True, timeout=300)


class Writer(threading.Thread):
    """Creates social workers at one station until stopped, so that a backup runs against writes."""

    def __init__(self, base, token, station):
        super().__init__(daemon=True)
        self.base, self.token, self.station = base, token, station
        self.stop = threading.Event()
        self.written = 0

    def run(self):
        while not self.stop.is_set():
            _request(self.base, "POST", "/api/v1/workers", self.token, {
                "name": f"备份测试社工{self.written}", "gender": "female", "birth_date": "1991-02-03", "education": "bachelor",
                "major": "social_work", "phone": f"139{self.written:08d}", "station_id": self.station, "started_on": "2024-01-01"})
            self.written += 1


def _attach_evidence(srv, token):
    """A training record with a PDF, so that the backup has an attachment to carry."""
    station = _request(srv.base, "GET", "/api/v1/stations?per=1", token)[1]["items"][0]["id"]
    workers = _request(srv.base, "GET", f"/api/v1/stations/{station}/workers", token)[1]
    status, _ = _multipart(srv.base, "/api/v1/training-records", token,
                           {"worker_id": workers[0]["id"], "held_on": _days_ago(10), "hours": "3", "title": "备份测试培训"}, PDF)
    assert status == 201


def sqlite_tables(path, skip=("shegong_backup_files",)):
    con = sqlite3.connect(path)
    try:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        return {n: sorted(con.execute(f'SELECT * FROM "{n}"').fetchall(), key=repr) for n in names if n not in skip}
    finally:
        con.close()


def compare(expected, actual, what):
    assert sorted(expected) == sorted(actual), f"{what}: tables differ: {sorted(set(expected) ^ set(actual))}"
    for table in expected:
        assert expected[table] == actual[table], f"{what}: table {table} differs ({len(expected[table])} rows vs {len(actual[table])})"
    return len(expected), sum(len(rows) for rows in expected.values())


def test_sqlite_backup_under_writes_and_restore_into_an_empty_data_directory():
    srv, proc = start_server(prefix="shegong-backup-")
    work = tempfile.mkdtemp(prefix="shegong-restore-")
    try:
        started = time.monotonic()
        token = api_token(srv.base, "admin", srv.password)
        _attach_evidence(srv, token)
        station = _request(srv.base, "GET", "/api/v1/stations?per=1", token)[1]["items"][0]["id"]
        writer = Writer(srv.base, token, station)
        writer.start()
        time.sleep(1.0)
        live = os.path.join(work, "live.backup")
        before = writer.written
        result = cli(srv, srv.env, "backup", live)
        during = writer.written
        time.sleep(0.5)
        writer.stop.set()
        writer.join(timeout=30)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "已备份" in result.stdout and "备份不含数据密钥" in result.stdout
        assert writer.written > during > before, "the backup did not run while the client was writing"
        refused = cli(srv, srv.env, "backup", live)
        assert refused.returncode != 0 and "已存在" in refused.stdout + refused.stderr

        # restore the backup taken under writes into an empty data directory, with the key beside it
        target = os.path.join(work, "restored")
        os.makedirs(target)
        shutil.copy2(os.path.join(srv.data_dir, "data.key"), os.path.join(target, "data.key"))
        env = dict(srv.env, SHEGONG_DATA_DIR=target)
        restored = cli(srv, env, "restore", live)
        assert restored.returncode == 0, restored.stdout + restored.stderr
        assert "当前密钥能解密" in restored.stdout and "审计链完整" in restored.stdout
        tables, rows = compare(sqlite_tables(live), sqlite_tables(os.path.join(target, "shegong.sqlite")), "backup vs restored")
        # the evidence uploaded above, beside the demo's own files (its community events' photos)
        evidence = [os.path.join(d, f) for d, _, fs in os.walk(os.path.join(target, "attachments")) for f in fs]
        assert sum(open(path, "rb").read() == PDF for path in evidence) == 1
        assert sorted(os.path.relpath(p, os.path.join(target, "attachments")) for p in evidence) == \
            sorted(os.path.relpath(os.path.join(d, f), os.path.join(srv.data_dir, "attachments"))
                   for d, _, fs in os.walk(os.path.join(srv.data_dir, "attachments")) for f in fs)
        verify = cli(srv, env, "audit", "verify")
        assert verify.returncode == 0, verify.stdout + verify.stderr

        again = cli(srv, env, "restore", live)
        assert again.returncode != 0 and "不会覆盖现有数据" in again.stdout + again.stderr

        # a data directory without the original key: refused, and nothing left behind
        keyless = os.path.join(work, "keyless")
        wrong = cli(srv, dict(srv.env, SHEGONG_DATA_DIR=keyless), "restore", live)
        assert wrong.returncode != 0 and "当前密钥无法解密" in wrong.stdout + wrong.stderr
        assert not os.path.exists(os.path.join(keyless, "shegong.sqlite"))

        # once writes have stopped, a backup restores to exactly the source database
        stop_server(srv, proc, remove=False)
        quiet = os.path.join(work, "quiet.backup")
        assert cli(srv, srv.env, "backup", quiet).returncode == 0
        target2 = os.path.join(work, "restored2")
        os.makedirs(target2)
        shutil.copy2(os.path.join(srv.data_dir, "data.key"), os.path.join(target2, "data.key"))
        env2 = dict(srv.env, SHEGONG_DATA_DIR=target2)
        assert cli(srv, env2, "restore", quiet).returncode == 0
        tables2, rows2 = compare(sqlite_tables(os.path.join(srv.data_dir, "shegong.sqlite")),
                                 sqlite_tables(os.path.join(target2, "shegong.sqlite")), "source vs restored")
        assert cli(srv, env2, "audit", "verify").returncode == 0
        summary(f"backup/restore (sqlite): backup under writes ({writer.written} workers written meanwhile): {tables} tables, {rows} rows "
              f"compared row by row with the restore; quiesced: {tables2} tables, {rows2} rows identical to the source; "
              f"{len(evidence)} attachments restored; audit verify passed on both; {time.monotonic() - started:.0f}s")
    finally:
        stop_server(srv, proc)
        shutil.rmtree(work, ignore_errors=True)


@pytest.mark.skipif(not os.environ.get("SHEGONG_TEST_POSTGRES_ADMIN_URL"), reason="needs a PostgreSQL server (scripts/test provides one)")
def test_postgres_backup_and_restore_into_an_empty_database():
    source, target, target_live = Postgres.fresh("backup_src"), Postgres.fresh("backup_dst"), Postgres.fresh("backup_live")
    srv, proc = start_server(prefix="shegong-pgbackup-", extra_env={"DATABASE_URL": source.vapor_url})
    work = tempfile.mkdtemp(prefix="shegong-pgrestore-")
    try:
        started = time.monotonic()
        token = api_token(srv.base, "admin", srv.password)
        _attach_evidence(srv, token)
        station = _request(srv.base, "GET", "/api/v1/stations?per=1", token)[1]["items"][0]["id"]
        writer = Writer(srv.base, token, station)
        writer.start()
        time.sleep(1.0)
        live = os.path.join(work, "live.backup")
        before = writer.written
        result = cli(srv, srv.env, "backup", live)
        during = writer.written
        writer.stop.set()
        writer.join(timeout=30)
        assert result.returncode == 0, result.stdout + result.stderr
        assert during > before, "the backup did not run while the client was writing"
        stop_server(srv, proc, remove=False)

        # the backup taken under writes restores into an empty database, complete and with an intact chain
        live_dir = os.path.join(work, "restored-live")
        os.makedirs(live_dir)
        shutil.copy2(os.path.join(srv.data_dir, "data.key"), os.path.join(live_dir, "data.key"))
        restored_live = cli(srv, dict(srv.env, SHEGONG_DATA_DIR=live_dir, DATABASE_URL=target_live.vapor_url), "restore", live)
        assert restored_live.returncode == 0, restored_live.stdout + restored_live.stderr
        assert "审计链完整" in restored_live.stdout
        assert target_live.psql("SELECT count(*) FROM social_workers w WHERE NOT EXISTS "
                                "(SELECT 1 FROM worker_assignments a WHERE a.worker_id = w.id)") == [("0",)]

        # quiesced: back up again and restore into the empty database; every table must match the source
        quiet = os.path.join(work, "quiet.backup")
        assert cli(srv, srv.env, "backup", quiet).returncode == 0
        target_dir = os.path.join(work, "restored")
        os.makedirs(target_dir)
        shutil.copy2(os.path.join(srv.data_dir, "data.key"), os.path.join(target_dir, "data.key"))
        env = dict(srv.env, SHEGONG_DATA_DIR=target_dir, DATABASE_URL=target.vapor_url)
        restored = cli(srv, env, "restore", quiet)
        assert restored.returncode == 0, restored.stdout + restored.stderr
        assert "当前密钥能解密" in restored.stdout and "审计链完整" in restored.stdout
        tables, rows = compare(pg_tables(source), pg_tables(target), "source vs restored")
        again = cli(srv, env, "restore", quiet)
        assert again.returncode != 0 and "不会覆盖现有数据" in again.stdout + again.stderr
        evidence = [os.path.join(d, f) for d, _, fs in os.walk(os.path.join(target_dir, "attachments")) for f in fs]
        assert sum(open(path, "rb").read() == PDF for path in evidence) == 1   # beside the demo's event photos
        summary(f"backup/restore (postgres): backup under writes ({writer.written} workers written meanwhile) restored with an intact chain; quiesced: "
              f"{tables} tables, {rows} rows identical to the source; audit verify passed; {time.monotonic() - started:.0f}s")
    finally:
        stop_server(srv, proc)
        shutil.rmtree(work, ignore_errors=True)
        for db in (source, target, target_live):
            db.drop()


def pg_tables(db):
    names = [r[0] for r in db.psql("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")]
    return {n: sorted(db.psql(f'SELECT t::text FROM "{n}" t'), key=repr) for n in names}
