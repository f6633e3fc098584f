"""How accurate are the peer tools' verdicts on curvelint's labelled runs?

Each peer (losslint, runmedic, trainproof, trainspotter, finetune-doctor) is run as a subprocess
from its own virtualenv (``.venv-peers``, see ``make peers``) on every labelled run folder; its
findings are mapped to curvelint's verdicts by the mapping that agrees most with the labels of
the development split (``mapping_search``), and that fixed mapping is scored on every set.

    python -m tools.peer_verdicts tests/benchmark/dev tests/benchmark/test --jobs 2
"""
