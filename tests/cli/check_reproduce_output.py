"""`tms reproduce --out DIR` output safety (issue 15, cases 3, 4 and 11), for the reproduce driver built on
tms::StagedDirectory and tms::write_file_atomically:

- a symbolic link at DIR/report.html is never followed: the file it points to is unchanged;
- a write failure (a file-size limit standing for a full disk) exits non-zero and leaves DIR as it was;
- a run killed while re-running into a finished DIR leaves the finished run exactly as it was (no new files mixed
  in) and the next run completes; a finished DIR holds the completion marker `.tms-complete`.

Registered in CTest as cli.reproduce_output.
Usage: check_reproduce_output.py path/to/tms
"""
import hashlib
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time

tms = os.path.abspath(sys.argv[1])
FAST = ["--quick", "--steps", "1", "--best-of", "1", "--threads", "1"]
MARKER = ".tms-complete"


def reproduce(out, preexec_fn=None):
    return subprocess.run([tms, "reproduce", "--out", out, *FAST], capture_output=True, text=True, timeout=600,
                          preexec_fn=preexec_fn)


def snapshot(directory):
    """Every entry under directory: relative path -> ('link', target) / ('file', sha256) / ('dir',)."""
    entries = {}
    for root, dirs, files in os.walk(directory):
        for name in dirs + files:
            path = os.path.join(root, name)
            key = os.path.relpath(path, directory)
            if os.path.islink(path):
                entries[key] = ("link", os.readlink(path))
            elif os.path.isdir(path):
                entries[key] = ("dir",)
            else:
                with open(path, "rb") as f:
                    entries[key] = ("file", hashlib.sha256(f.read()).hexdigest())
    return entries


def limit_file_size():
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # write() then fails with EFBIG, as on a full disk
    resource.setrlimit(resource.RLIMIT_FSIZE, (16 * 1024, 16 * 1024))


def check_plain_progress(stderr):
    """Progress on a non-terminal (issue 14): plain lines, no carriage returns, at most one per tenth of an
    experiment's models plus its last, and each experiment's last line reports all of its models."""
    assert "\r" not in stderr, "carriage returns in progress written to a pipe"
    lines = re.findall(r"^\[([^\]]+)\] (\d+)/(\d+) models, \d+ s$", stderr, re.MULTILINE)
    assert lines, "no progress lines:\n" + stderr
    per_experiment = {}
    for name, done, total in lines:
        per_experiment.setdefault(name, []).append((int(done), int(total)))
    for name, reports in per_experiment.items():
        total = reports[0][1]
        assert len(reports) <= 11, f"{name}: {len(reports)} progress lines for {total} models"
        assert reports[-1] == (total, total), f"{name}: the last progress line is {reports[-1]}"


def main():
    work = tempfile.mkdtemp(prefix="tms_reproduce_output_")
    try:
        out = os.path.join(work, "rep")
        first = reproduce(out)
        assert first.returncode == 0, first.stderr
        assert os.path.isfile(os.path.join(out, MARKER)), "a finished run holds the completion marker"
        assert os.path.isfile(os.path.join(out, "summary.json")) and os.path.isfile(os.path.join(out, "report.html"))
        check_plain_progress(first.stderr)

        # Case 4: a symbolic link at report.html is not followed.
        victim = os.path.join(work, "victim.txt")
        with open(victim, "w") as f:
            f.write("precious")
        os.remove(os.path.join(out, "report.html"))
        os.symlink(victim, os.path.join(out, "report.html"))
        linked = reproduce(out)
        with open(victim) as f:
            assert f.read() == "precious", "the link's target was overwritten"
        if linked.returncode == 0:
            assert not os.path.islink(os.path.join(out, "report.html"))
        else:
            assert linked.stderr.strip().splitlines()[-1].startswith("tms: error: "), linked.stderr
        shutil.rmtree(out)
        assert reproduce(out).returncode == 0
        finished = snapshot(out)

        # Case 3: a write failure exits non-zero and leaves the finished run as it was.
        failed = reproduce(out, preexec_fn=limit_file_size)
        assert failed.returncode != 0, "a failed write was reported as success"
        assert snapshot(out) == finished, "a failed run changed the finished directory"

        # Case 11: a run killed half-way does not mix its files into the finished run.
        process = subprocess.Popen([tms, "reproduce", "--out", out, *FAST], stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        staging = f"{out}.staging.{process.pid}"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            if os.path.isdir(staging) and len(os.listdir(staging)) > 0:
                break
            time.sleep(0.01)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        process.wait()
        assert snapshot(out) == finished, "a killed run left new files mixed with the finished run"
        again = reproduce(out)
        assert again.returncode == 0, again.stderr
        assert not os.path.exists(staging), "the dead run's staging directory was not cleaned up"
        assert os.path.isfile(os.path.join(out, MARKER))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("reproduce output checks passed")


if __name__ == "__main__":
    main()
