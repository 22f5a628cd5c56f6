"""`tms train --checkpoint F --checkpoint-every K`, SIGKILLed mid-run once a checkpoint exists, then resumed with
`--resume F`, prints the same final weights (JSON) as a run never interrupted. Also: a corrupt checkpoint and a
checkpoint of other options give one-line errors and a non-zero exit.

usage: resume_after_kill.py TMS WORKDIR
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import time

tms, work = sys.argv[1], sys.argv[2]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
checkpoint = os.path.join(work, "run.ckpt")
common = ["train", "--model", "relu_output", "-n", "20", "-m", "5", "-p", "0.05", "--steps", "6000",
          "--batch", "512", "--seed", "7", "--json", "--threads", "1"]
failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print("FAIL:", what)


def weights(stdout):
    record = json.loads(stdout.strip().splitlines()[-1])
    return {k: record[k] for k in ("W", "b", "steps", "feature_norms", "superposition", "represented")}


straight = subprocess.run([tms, *common], capture_output=True, text=True, check=True)
reference = weights(straight.stdout)

# Start with checkpoints, kill -9 as soon as one exists (the run is then certainly mid-way).
proc = subprocess.Popen([tms, *common, "--checkpoint", checkpoint, "--checkpoint-every", "200"],
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
deadline = time.time() + 120
while not os.path.exists(checkpoint) and proc.poll() is None and time.time() < deadline:
    time.sleep(0.005)
killed_mid_run = proc.poll() is None
proc.send_signal(signal.SIGKILL)
proc.communicate()
check(killed_mid_run, "the checkpointing run finished before it could be killed (make --steps larger)")
check(os.path.exists(checkpoint), "no checkpoint was written")
print(f"killed mid-run: {killed_mid_run}; files: {sorted(os.listdir(work))}")

resumed = subprocess.run([tms, *common, "--checkpoint", checkpoint, "--checkpoint-every", "200", "--resume", checkpoint],
                         capture_output=True, text=True)
check(resumed.returncode == 0, f"resume failed: {resumed.stderr.strip()}")
if resumed.returncode == 0:
    got = weights(resumed.stdout)
    check(got == reference, "the resumed run's weights differ from the uninterrupted run's")
    check(got["steps"] == 6000, f"resumed run reports {got['steps']} steps")

# Resuming a finished checkpoint does nothing more and prints the same weights again.
again = subprocess.run([tms, *common, "--resume", checkpoint], capture_output=True, text=True)
check(again.returncode == 0 and weights(again.stdout) == reference, f"resume of a finished run: {again.stderr.strip()}")

# Bad checkpoints: one line, non-zero exit, naming the problem.
def one_line_error(args, expected, what):
    r = subprocess.run([tms, *args], capture_output=True, text=True)
    lines = r.stderr.strip().splitlines()
    check(r.returncode != 0 and len(lines) == 1 and expected in lines[0] and r.stdout == "",
          f"{what}: exit {r.returncode}, stderr {r.stderr!r}")
    print(f"{what}: {r.stderr.strip()}")

with open(checkpoint, "rb") as f:
    data = bytearray(f.read())
corrupt = os.path.join(work, "corrupt.ckpt")
data[-20] ^= 0xFF
with open(corrupt, "wb") as f:
    f.write(data)
one_line_error([*common, "--resume", corrupt], "fails its CRC-32 check", "corrupt checkpoint")
truncated = os.path.join(work, "truncated.ckpt")
with open(truncated, "wb") as f:
    f.write(data[:100])
one_line_error([*common, "--resume", truncated], "truncated", "truncated checkpoint")
one_line_error([*[a if a != "512" else "256" for a in common], "--resume", checkpoint],
               "was written with batch size 512 but the trainer uses 256", "other batch size")
one_line_error([*common, "--resume", os.path.join(work, "missing.ckpt")], "cannot open", "missing checkpoint")
one_line_error([*common, "--checkpoint", checkpoint], "--checkpoint and --checkpoint-every", "no interval")
one_line_error([*[a if a != "0.05" else "0.1,0.2" for a in common], "--checkpoint", checkpoint, "--checkpoint-every", "10"],
               "must contain {}", "several models, no pattern")

print("resume after kill:", "FAILED" if failures else "ok", f"({len(failures)} failures)")
sys.exit(1 if failures else 0)
