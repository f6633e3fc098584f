"""A local S3-compatible server (moto) on 127.0.0.1 with one bucket, for the remote-path and
Dask tests. moto keeps its buckets in one in-process store shared by every server it starts, so
each caller names its own bucket and removes it afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest


@contextmanager
def moto_s3(bucket: str) -> Iterator[Any]:
    """An ``s3fs.S3FileSystem`` talking to a fresh moto server, ``bucket`` created in it."""
    import s3fs
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    with pytest.MonkeyPatch.context() as patch:
        for name, value in {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ENDPOINT_URL_S3": f"http://{host}:{port}",
            "NO_PROXY": "127.0.0.1",
            "no_proxy": "127.0.0.1",
        }.items():
            patch.setenv(name, value)
        for name in ("AWS_PROFILE", "HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
            patch.delenv(name, raising=False)
        s3fs.S3FileSystem.clear_instance_cache()
        filesystem = s3fs.S3FileSystem()
        filesystem.mkdir(bucket)
        try:
            yield filesystem
        finally:
            filesystem.rm(bucket, recursive=True)
            s3fs.S3FileSystem.clear_instance_cache()
            server.stop()
