"""File helpers the suite's generators share: SHA-256 of a file, and writing a file
atomically only when its bytes change (runners of several languages may generate at
once; a reader must never see a half-written file)."""
import hashlib
import os
from pathlib import Path


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def put(path, data):
    """Writes `data` unless the file already holds it (atomically); True when it wrote."""
    path = Path(path)
    if path.is_file() and path.read_bytes() == data:
        return False
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return True
