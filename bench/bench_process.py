"""`python -m bench.bench_process worker` or `… web PORT`: the worker loop of `ipflow worker`, or the
web app of `ipflow serve` without its in-process worker, on the bench's clock and letters
(bench/lifecycle_support.py, from the environment)."""

from __future__ import annotations

import os
import sys

from bench.lifecycle_support import ipflow_from_env


def main(args: list[str]) -> None:
    ctx = ipflow_from_env(dict(os.environ))
    if args[:1] == ["worker"]:
        from engine.worker import run_worker_forever

        run_worker_forever(ctx)
    elif args[:1] == ["web"] and len(args) == 2:
        from webui import create_app

        app = create_app(ctx.settings.replace(secret_key="bench-secret"), ipflow=ctx)
        app.run(host="127.0.0.1", port=int(args[1]), use_reloader=False, threaded=True)
    else:
        sys.exit("usage: python -m bench.bench_process worker | web PORT")


if __name__ == "__main__":
    main(sys.argv[1:])
