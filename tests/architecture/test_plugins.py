"""Promise: third-party parts come in through entry points, with no edit to robustir.

A plugin distribution (a real *.dist-info folder with entry_points.txt, put on sys.path in a
subprocess) adds an attack, a model backend plus a model that uses it, and a dataset loader;
each is found by name the first time it is asked for.
"""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path


def _write_plugin(root: Path) -> None:
    (root / "toyplugin.py").write_text(textwrap.dedent('''
        import numpy as np
        from robustir.attacks.base import Attack
        from robustir.models.spec import ModelSpec, register_backend, DENSE_OPTIONS
        from robustir.types import Perturbation
        from robustir.datasets.base import DatasetInfo


        class Shout(Attack):
            name = "toy.shout"
            languages = frozenset({"en"})

            def perturb(self, text, *, lang, rng):
                out = text.upper()
                return Perturbation(text, out, int(out != text), ("shout",))


        class Hash:
            dim = 4
            device = "cpu"
            native_truncation = False

            def encode(self, texts, *, is_query, max_length):
                return np.array([[len(t) % 3 + 1, 1, 0, 0] for t in texts], dtype=np.float32)


        @register_backend("toy-backend", options=DENSE_OPTIONS)
        def load(spec, options):
            from robustir.models.base import DenseRetriever
            return DenseRetriever(spec, Hash(), **options)


        TOY = ModelSpec("toy-model", backend="toy-backend", checkpoint="toy", pooling="backend", languages=("en",))


        class ToyLoader:
            info = DatasetInfo(name="toy-data", description="toy", languages=("en",), splits=("test",),
                               license="CC0-1.0", source="test", revision="1", default_split="test")
    '''))
    dist = root / "toyplugin-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: toyplugin\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text(
        "[robustir.attacks]\ntoy.shout = toyplugin:Shout\n\n"
        "[robustir.models]\ntoy-model = toyplugin:TOY\n\n"
        "[robustir.datasets]\ntoy-data = toyplugin:ToyLoader\n"
    )


def test_entry_point_plugins_register_attack_model_backend_and_dataset(tmp_path: Path) -> None:
    _write_plugin(tmp_path)
    code = textwrap.dedent(f'''
        import sys
        sys.path.insert(0, {str(tmp_path)!r})
        from robustir.attacks import build
        from robustir.models import load_retriever, backends
        from robustir.datasets import datasets
        print(build("toy.shout").perturb("hello", lang="en", qid="q", seed=0).perturbed)
        r = load_retriever("toy-model")
        print(type(r).__name__, "toy-backend" in backends)
        print(datasets.get("toy-data").info.name)
    ''')
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split("\n")[:3] == ["HELLO", "DenseRetriever True", "toy-data"]
