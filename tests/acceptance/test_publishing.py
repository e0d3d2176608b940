"""Publishing into --out (issue 14, items 4-6): the previous scorecard or the new one, whole,
after a kill at any moment; one run at a time; nothing of the previous scorecard lingers, nothing
of the user's is touched; clean stops on SIGINT and SIGTERM; the modes the umask gives."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import TINY, record, tiny_rubric, write_round

TINY_RUBRIC = TINY / "rubric.yaml"
ROOT = Path(__file__).resolve().parents[2]
# Child processes run from tests/, so they import the installed package, as the suite does.
HERE = Path(__file__).resolve().parent


def _generate(bodies: int, folder: Path) -> None:
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), str(bodies), str(folder)], check=True, capture_output=True)
ARGS = ["--per-organisation"]


def _snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every entry under folder, hidden ones too: files by content, folders as None."""
    return {
        str(p.relative_to(folder)): (None if p.is_dir() else p.read_bytes())
        for p in sorted(folder.rglob("*"))
    }


def _two_rounds(tmp_path: Path) -> tuple[list[str], list[str]]:
    """Score arguments for an earlier round of five bodies and a later one whose register has
    lost EEE (so its page and workbook must go)."""
    later_rubric = tiny_rubric()
    rubric_path, evidence = write_round(tmp_path / "later", later_rubric, [record("AAA", {"S1": "service"}), record("BBB")])
    rows = (TINY / "register.csv").read_text("utf-8").splitlines()
    (rubric_path.parent / "register.csv").write_text("\n".join(r for r in rows if not r.startswith("EEE")) + "\n", "utf-8")
    return (["score", str(TINY / "evidence"), "--rubric", str(TINY_RUBRIC), *ARGS],
            ["score", str(evidence), "--rubric", str(rubric_path), *ARGS])


def _cli(args: list[str], **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scorecard", *args], capture_output=True, text=True, cwd=HERE, timeout=120, **kwargs)


@pytest.fixture
def published(tmp_path):
    """(out, earlier snapshot, later snapshot, later args): out holds the earlier scorecard."""
    earlier, later = _two_rounds(tmp_path)
    reference = tmp_path / "reference"
    assert _cli([*later, "--out", str(reference), "-q"]).returncode == 0
    out = tmp_path / "out"
    assert _cli([*earlier, "--out", str(out), "-q"]).returncode == 0
    return out, _snapshot(out), _snapshot(reference), later


# ---------------------------------------------------------------- whole, after a kill at any moment

_KILL_AT = textwrap.dedent("""
    import os, sys
    limit, calls = int(sys.argv[1]), [0]
    def dying(real):
        def call(*args, **kwargs):
            calls[0] += 1
            if calls[0] > limit:
                os._exit(137)  # as SIGKILL: no clearing up, no finally
            return real(*args, **kwargs)
        return call
    for name in ("rename", "replace", "unlink", "rmdir", "fsync"):
        setattr(os, name, dying(getattr(os, name)))
    sys.argv = ["scorecard", *sys.argv[2:]]
    from scorecard.cli import main
    main()
""")


def test_a_kill_at_any_moment_leaves_the_previous_or_the_new_scorecard(published, tmp_path):
    """Kill the run (as SIGKILL would: no clearing up) just before its n-th rename, replace, unlink,
    rmdir or fsync, for every n until a run gets through; then do what the next run does first."""
    import shutil

    from scorecard.publish import recover

    out, earlier, later, later_args = published
    pristine = tmp_path / "pristine"
    shutil.copytree(out, pristine, symlinks=True)
    script = tmp_path / "kill_at.py"
    script.write_text(_KILL_AT, "utf-8")
    seen, swaps = set(), []
    for limit in range(0, 400):
        killed = subprocess.run([sys.executable, str(script), str(limit), *later_args, "--out", str(out), "-q"],
                                capture_output=True, text=True, cwd=HERE, timeout=120)
        interrupted_swap = (out / ".scorecard-publish" / "journal.json").is_file()
        notes = recover(out)
        now = _snapshot(out)
        now.pop(".scorecard.lock", None)  # empty; a killed run cannot remove it, the next run does
        assert now in (earlier, later), f"killed after {limit} calls: a mix ({killed.returncode}, {notes})"
        seen.add("later" if now == later else "earlier")
        if interrupted_swap:
            assert now == later and "was stopped while publishing" in notes[0]
            swaps.append(limit)
        if killed.returncode == 0:
            break
        shutil.rmtree(out)
        shutil.copytree(pristine, out, symlinks=True)
    assert killed.returncode == 0 and seen == {"earlier", "later"} and swaps, (killed.returncode, seen, swaps)

    # The next real run finishes an interrupted swap first, and says so.
    shutil.rmtree(out)
    shutil.copytree(pristine, out, symlinks=True)
    subprocess.run([sys.executable, str(script), str(swaps[len(swaps) // 2]), *later_args, "--out", str(out), "-q"], cwd=HERE, capture_output=True)
    assert (out / ".scorecard-publish" / "journal.json").is_file()
    again = _cli([*later_args, "--out", str(out), "-q"])
    assert again.returncode == 0 and "was stopped while publishing" in again.stderr, again.stderr
    assert _snapshot(out) == later


# ---------------------------------------------------------------- one run at a time


def test_a_second_run_into_the_same_out_stops_with_exit_2(run_line, published):
    out, earlier, _, later_args = published
    from scorecard.output import try_lock

    fd = os.open(out / ".scorecard.lock", os.O_RDWR | os.O_CREAT, 0o666)
    try:
        assert try_lock(fd)
        result = _cli([*later_args, "--out", str(out)])
    finally:
        os.close(fd)
    assert result.returncode == 2, result.stderr
    assert "another scorecard run is writing into" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    earlier_with_lock = {**earlier, ".scorecard.lock": b""}
    assert _snapshot(out) == earlier_with_lock


def test_two_runs_at_once_never_mix_their_files(tmp_path):
    big = tmp_path / "big"
    _generate(600, big)
    args = ["score", str(big / "evidence"), "--rubric", str(big / "rubric.yaml"), "-q"]
    small = ["score", str(TINY / "evidence"), "--rubric", str(TINY_RUBRIC), "-q"]
    assert _cli([*args, "--out", str(tmp_path / "ref-big")]).returncode == 0
    assert _cli([*small, "--out", str(tmp_path / "ref-small")]).returncode == 0
    wholes = (_snapshot(tmp_path / "ref-big"), _snapshot(tmp_path / "ref-small"))
    for trial in range(3):
        out = tmp_path / f"out-{trial}"
        first = subprocess.Popen([sys.executable, "-m", "scorecard", *args, "--out", str(out)], cwd=HERE, stderr=subprocess.PIPE, text=True)
        while not (out / ".scorecard-publish").exists() and first.poll() is None:
            time.sleep(0.01)
        second = _cli([*small, "--out", str(out)])
        first.communicate(timeout=120)
        codes = {first.returncode, second.returncode}
        assert codes <= {0, 2} and 0 in codes, (first.returncode, second.returncode, second.stderr)
        assert _snapshot(out) in wholes
        if second.returncode == 2:
            assert "another scorecard run is writing into" in second.stderr


# ---------------------------------------------------------------- what --out keeps and loses


def test_pages_of_bodies_gone_from_the_round_do_not_linger_and_the_users_files_stay(published):
    out, _, later, later_args = published
    assert (out / "site" / "EEE.html").exists() and (out / "organisations" / "EEE.xlsx").exists()
    (out / "notes.txt").write_text("mine", "utf-8")
    (out / "drafts").mkdir()
    (out / "drafts" / "letter.docx").write_bytes(b"mine too")
    result = _cli([*later_args, "--out", str(out), "-q"])
    assert result.returncode == 0, result.stderr
    assert not (out / "site" / "EEE.html").exists() and not (out / "organisations" / "EEE.xlsx").exists()
    assert (out / "notes.txt").read_text("utf-8") == "mine" and (out / "drafts" / "letter.docx").read_bytes() == b"mine too"
    assert {k: v for k, v in _snapshot(out).items() if not k.startswith(("notes.txt", "drafts"))} == later


def test_formats_not_written_this_time_are_removed_and_said_so(run_line, tmp_path):
    out = tmp_path / "out"
    run_line(["score", TINY / "evidence", "--rubric", TINY_RUBRIC, "--out", out])
    result = run_line(["score", TINY / "evidence", "--rubric", TINY_RUBRIC, "--out", out, "--format", "json"])
    assert sorted(p.name for p in out.iterdir()) == ["scorecard.json"]
    assert "removed scorecard.csv, scorecard.xlsx, site of the previous scorecard" in result.stderr


def test_an_out_that_is_a_symlink_stays_a_symlink(run_line, tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    for _ in range(2):
        run_line(["score", TINY / "evidence", "--rubric", TINY_RUBRIC, "--out", link])
    assert link.is_symlink() and (real / "scorecard.json").is_file() and (real / "site" / "index.html").is_file()
    assert sorted(p.name for p in real.iterdir()) == ["scorecard.csv", "scorecard.json", "scorecard.xlsx", "site"]


# ---------------------------------------------------------------- temporary files and signals


def test_each_run_clears_what_a_killed_run_left(run_line, tmp_path):
    out = tmp_path / "out"
    run_line(["score", TINY / "evidence", "--rubric", TINY_RUBRIC, "--out", out, "--format", "json"])
    (out / ".scorecard-publish" / "new" / "site").mkdir(parents=True)
    (out / ".scorecard-publish" / "new" / "site" / "AAA.html").write_bytes(b"x" * 1000)
    (out / ".scorecard.json.k2j4l1.tmp").write_bytes(b"x" * 1000)  # the naming of runs before the journal
    result = run_line(["score", TINY / "evidence", "--rubric", TINY_RUBRIC, "--out", out, "--format", "json"])
    assert "removed the unfinished files of an earlier run" in result.stderr
    assert "removed 1 temporary file an earlier run left" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["scorecard.json"]


def test_a_stale_temporary_file_of_an_import_or_template_is_cleared(run_line, tmp_path):
    left = tmp_path / ".AAA.xlsx.0badc0de.scorecard.tmp"
    left.write_bytes(b"half a workbook")
    run_line(["template", "--org", "AAA", "--rubric", TINY_RUBRIC, "-o", tmp_path / "AAA.xlsx"])
    assert not left.exists() and (tmp_path / "AAA.xlsx").is_file()


@pytest.mark.parametrize("name,code", [("SIGINT", 130), ("SIGTERM", 143)])
def test_sigint_and_sigterm_stop_cleanly_in_one_line(tmp_path, name, code):
    big = tmp_path / "big"
    _generate(1500, big)
    out = tmp_path / "out"
    assert _cli(["score", str(TINY / "evidence"), "--rubric", str(TINY_RUBRIC), "--out", str(out), "-q"]).returncode == 0
    before = _snapshot(out)
    process = subprocess.Popen([sys.executable, "-m", "scorecard", "score", str(big / "evidence"), "--rubric", str(big / "rubric.yaml"),
                                "--out", str(out), "-q"], cwd=HERE, stderr=subprocess.PIPE, text=True)
    while not (out / ".scorecard-publish" / "new").exists() and process.poll() is None:
        time.sleep(0.005)
    process.send_signal(getattr(signal, name))
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == code, stderr
    assert stderr.splitlines() == [f"scorecard: stopped by {name}; nothing was written; any previous scorecard is as it was."]
    assert _snapshot(out) == before  # no unfinished files, no lock


@pytest.mark.parametrize("fresh_out", [True, False])
def test_a_stop_while_the_staging_folder_is_made_leaves_out_as_it_was(tmp_path, monkeypatch, fresh_out):
    # The subprocess test above sends its signal just as the staging folder appears, which
    # lands in this step only now and then; here the stop arrives there every time.
    from scorecard import publish
    from scorecard.interrupt import Interrupted

    out = tmp_path / "out"
    if not fresh_out:
        assert _cli(["score", str(TINY / "evidence"), "--rubric", str(TINY_RUBRIC), "--out", str(out), "-q"]).returncode == 0
    before = _snapshot(out) if out.exists() else None
    real_mkdir = Path.mkdir

    def stopped_after_mkdir(self: Path, *args, **kwargs) -> None:
        real_mkdir(self, *args, **kwargs)
        if self.name == "new" and self.parent.name == publish.WORK:
            raise Interrupted(signal.SIGINT)

    monkeypatch.setattr(Path, "mkdir", stopped_after_mkdir)
    with pytest.raises(Interrupted):
        publish.publish(out, [("scorecard.json", b"{}")], notes=lambda note: None)
    monkeypatch.undo()
    if before is None:
        assert not os.path.lexists(out)  # the folder this run made is gone again
    else:
        assert _snapshot(out) == before  # no staging folder, no lock


# ---------------------------------------------------------------- modes and flushing


@pytest.mark.parametrize("umask,file_mode,folder_mode", [(0o022, 0o644, 0o755), (0o002, 0o664, 0o775), (0o077, 0o600, 0o700)])
def test_outputs_get_the_modes_the_umask_gives(run_line, tmp_path, umask, file_mode, folder_mode):
    out = tmp_path / "out"
    previous = os.umask(umask)
    try:
        for _ in range(2):  # and a second run keeps them
            run_line(["score", TINY / "evidence", "--rubric", TINY_RUBRIC, "--out", out, "--per-organisation"])
        template = tmp_path / "AAA.xlsx"
        run_line(["template", "--org", "AAA", "--rubric", TINY_RUBRIC, "-o", template])
    finally:
        os.umask(previous)
    for path in [*out.rglob("*"), template]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (folder_mode if path.is_dir() else file_mode), (path, oct(mode))


def test_every_file_is_flushed_with_fsync_not_a_global_sync(run_line, tmp_path, monkeypatch):
    def no_sync() -> None:
        raise AssertionError("os.sync flushes every disk of the machine and does not exist on Windows")

    flushed: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "sync", no_sync, raising=False)
    monkeypatch.setattr(os, "fsync", lambda fd: (flushed.append(fd), real_fsync(fd))[1])
    out = tmp_path / "out"
    run_line(["score", TINY / "evidence", "--rubric", TINY_RUBRIC, "--out", out])
    files = [p for p in out.rglob("*") if p.is_file()]
    assert len(flushed) > len(files)  # every file, and the folders
