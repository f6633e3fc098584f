"""Where each reader expects its files, relative to a run root: the robustness tests and the
fuzzer (fuzz/) write their generated inputs there. No imports, so the fuzzer can load it."""

FILE_NAMES = {
    "tensorboard": "run/events.out.tfevents.1700000000.host.1.0",
    "trainer_state": "out/trainer_state.json",
    "mlflow_store": "mlruns/0/0123456789abcdef0123456789abcdef/metrics/loss",
    "mlflow_sqlite": "store/mlflow.db",
    "wandb_run": "wandb/run-20240101_000000-abc/run-abc.wandb",
    "lightning_csv": "lightning_logs/version_0/metrics.csv",
    "step_table": "table/steps.csv",
    "keras_csv": "keras/training.log",
    "keras_history_csv": "history/history.csv",
    "keras_history": "history/history.json",
    "json_lines": "lines/log.jsonl",
}
