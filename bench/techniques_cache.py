"""Token outputs of the shipped tagger on every PTC article, cached on disk so that fitting
and choosing heads and profiles does not re-run the encoder (the outputs do not depend on
the profile: it only changes decoding).

Used by bench/techniques_sentence_heads.py and bench/techniques_profiles.py; the cache is
keyed by the model file's size and modification time and the window settings of its
config.json (they change the outputs).
"""

from __future__ import annotations

import os
import pickle
import sys
import time
import zlib
from pathlib import Path

from propwatch.techniques.infer import TokenOutput
from propwatch.techniques.ptc import PtcArticle
from propwatch.techniques.tagger import Tagger

CACHE_DIR = Path(os.environ.get("PROPWATCH_BENCH_CACHE", "/tmp/propwatch-bench"))


def token_outputs(tagger: Tagger, arts: list[PtcArticle]) -> dict[str, TokenOutput]:
    """Token outputs by article id, from the cache when it holds them."""
    onnx = tagger.model_dir / "model.onnx"
    st = onnx.stat()
    windows = (tagger.window, tagger.anchored, tagger.stride, tagger.paragraphs)
    key = f"{tagger.model_dir.resolve()}|{st.st_size}|{st.st_mtime_ns}|{windows}"
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    path = CACHE_DIR / f"ptc-outs-{zlib.crc32(key.encode())}.pkl"
    cached: dict[str, TokenOutput] = {}
    if path.exists():
        with path.open("rb") as fh:
            saved_key, cached = pickle.load(fh)
        if saved_key != key:
            cached = {}
    missing = [a for a in arts if a.id not in cached]
    t0 = time.time()
    for n, a in enumerate(missing, 1):
        cached[a.id] = tagger.token_outputs([a.text])[0]
        if n % 25 == 0 or n == len(missing):
            print(f"  tagged {n}/{len(missing)} ({time.time() - t0:.0f} s)", file=sys.stderr)
    if missing:
        with path.open("wb") as fh:
            pickle.dump((key, cached), fh)
    return {a.id: cached[a.id] for a in arts}
