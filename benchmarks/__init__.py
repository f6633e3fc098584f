"""Speed and memory benchmarks for curvelint against the other ways to load training logs.

Run ``python -m benchmarks.run`` (``make bench``); ``--quick`` smoke-tests the harness in
seconds. This package imports nothing heavy: every timed case runs in a fresh subprocess.
"""
