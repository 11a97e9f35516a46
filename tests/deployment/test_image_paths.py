"""The image's writable paths, container-less: the Dockerfile creates the scan spool owned by
the uid the services run as, compose and k8s mount their volumes there, and a process of that
uid (forked here, without Docker) spools scans into a directory made exactly as the image makes
it. A root-owned directory, as before, refuses it."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from deployment.manifests import ROOT, dockerfile_env
from qrstack_redirect.scans.spool import ScanSpool
from qrstack_redirect.settings import RedirectSettings


def dockerfile_dirs() -> tuple[int, int, int, list[str]]:
    """(uid, gid, mode, paths) of the final stage's `install -d` instruction."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    line = re.search(r"^RUN (install -d .*)$", text, re.M)
    assert line, "the Dockerfile creates its writable paths with `install -d`"
    words = shlex.split(line[1])
    options = dict(zip(words[2:-1:2], words[3::2], strict=False))
    paths = [w for w in words[2:] if w.startswith("/")]
    return int(options["-o"]), int(options["-g"]), int(options["-m"], 8), paths


def service_uid() -> int:
    text = (ROOT / "Dockerfile").read_text()
    uid = re.search(r"useradd .*--uid (\d+)", text.replace("\\\n", " "))
    assert uid and re.search(r"^USER qrstack$", text, re.M)
    return int(uid[1])


def test_the_spool_path_is_one_fact_across_image_compose_and_settings() -> None:
    uid, gid, _, paths = dockerfile_dirs()
    assert uid == gid == service_uid() == 10001
    spool = dockerfile_env()["SCAN_SPOOL_DIR"]
    assert spool in paths and dockerfile_env()["CHDB_PATH"] in paths
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert f"spool:{spool}" in compose["services"]["redirect"]["volumes"]


def _spool_as(uid: int, gid: int, directory: Path) -> int:
    """Fork; the child drops to uid/gid, writes three scans to the spool the redirect's own
    settings point at and reads them back. Returns the child's exit status (0: all read)."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        status = 1
        try:
            os.setgroups([])
            os.setgid(gid)
            os.setuid(uid)
            os.environ["SCAN_SPOOL_DIR"] = str(directory)
            settings = RedirectSettings()
            spool = ScanSpool(settings.spool_dir, settings.spool_max_bytes)
            events = [b'{"scan": %d}' % n for n in range(3)]
            spool.append(events)
            segment = spool.oldest_segment()
            status = 0 if segment is not None and segment[1] == events else 2
        except PermissionError:
            status = 13
        finally:
            os._exit(status)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


@pytest.fixture
def world_path() -> Iterator[Path]:
    """A directory every user can reach (pytest's own tmp_path is private to root)."""
    path = Path(tempfile.mkdtemp(prefix="qrstack-image-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.mark.skipif(os.geteuid() != 0, reason="changing owner and uid needs root")
def test_a_process_of_the_service_uid_spools_into_the_directories_the_image_makes(
    world_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    uid, gid, mode, paths = dockerfile_dirs()
    image_root = world_path / "image"
    image_root.mkdir(mode=0o755)
    for path in paths:  # what `install -d -o -g -m` does, under image_root
        made = image_root / path.lstrip("/")
        made.mkdir(parents=True, exist_ok=True)
        os.chown(made, uid, gid)
        made.chmod(mode)
    monkeypatch.setenv("VISITOR_HASH_SALT", "x" * 32)
    spool = image_root / dockerfile_env()["SCAN_SPOOL_DIR"].lstrip("/")
    assert _spool_as(uid, gid, spool) == 0
    written = list(spool.iterdir())
    assert written and all(p.stat().st_uid == uid for p in written)

    # The image before this fix: /data/spool absent, /data owned by root.
    before = world_path / "before" / "data"
    before.mkdir(parents=True, mode=0o755)
    assert _spool_as(uid, gid, before / "spool") == 13
