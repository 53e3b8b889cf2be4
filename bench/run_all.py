"""`make bench`: runs every benchmark script in bench/ and prints their figures. Record them in RESULTS.md."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = ["plan_http.py", "incentives.py", "patents.py", "grants.py"]

failed = []
for name in SCRIPTS:
    script = HERE / name
    if not script.exists():
        continue
    print(f"\n===== bench/{name} =====", flush=True)
    if subprocess.run([sys.executable, str(script)], cwd=HERE.parent).returncode != 0:
        failed.append(name)
if failed:
    sys.exit(f"failed: {', '.join(failed)}")
