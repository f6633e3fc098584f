"""One module per verdict: the mechanisms that induce it, for each split's architectures and data.

Each module exposes ``TEMPLATES``: :class:`~tools.benchmark_runs.families.common.Template`
objects; :func:`tools.benchmark_runs.families.common.expand` turns them into runs.
"""
