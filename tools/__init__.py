"""Developer tools: the generators of ``sample_logs/`` and ``tests/labelled/``.

Run them as modules from the repository root (``python -m tools.generate_sample_logs``) with
the generation virtualenv described in ``tools/requirements-generate.txt``.
"""
