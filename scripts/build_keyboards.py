"""Build robustir's keyboard neighbour maps from XKB symbol files (xkeyboard-config).

    python scripts/build_keyboards.py [--symbols /usr/share/X11/xkb/symbols]
        [--keysymdef /usr/include/X11/keysymdef.h]
        [--out src/robustir/text/data/keyboards/keyboards.json]

Reads each language's standard layout (following `include` statements, NoSymbol keeps the
included symbol), takes levels 1 and 2 (base and Shift) of the alphanumeric block, places the
keys on an ISO/ANSI row-staggered grid and records, per character, the characters on
physically adjacent keys at the same shift level. Only letters and combining marks are kept as
neighbours of letters (no digits or punctuation), so a slip stays a plausible word-internal typo.
Source: Debian package xkb-data 2.35.1-1 (also shipped under ../shared/data/resources/xkb-data-symbols);
licence X11/MIT (xkeyboard-config). Keysym names are resolved with X11's keysymdef.h (MIT).
"""
from __future__ import annotations

import argparse
import json
import re
import unicodedata
from pathlib import Path

LAYOUTS = {  # language -> (symbols file, section, description)
    "en": ("us", "basic", "English (US) QWERTY"),
    "de": ("de", "basic", "German QWERTZ"),
    "fr": ("fr", "basic", "French AZERTY"),
    "es": ("es", "basic", "Spanish QWERTY"),
    "it": ("it", "basic", "Italian QWERTY"),
    "pt": ("pt", "basic", "Portuguese QWERTY"),
    "ru": ("ru", "winkeys", "Russian ЙЦУКЕН"),
    "ar": ("ara", "basic", "Arabic (101 layout)"),
    "hi": ("in", "deva", "Hindi InScript"),
    "th": ("th", "basic", "Thai Kedmanee"),
    "el": ("gr", "basic", "Greek"),
    "tr": ("tr", "basic", "Turkish Q"),
}

# Key centres in key widths: rows E (digits) .. B (bottom), with the standard stagger.
ROWS = {
    "E": (0.0, ["TLDE"] + [f"AE{i:02d}" for i in range(1, 13)]),
    "D": (1.5, [f"AD{i:02d}" for i in range(1, 13)]),
    "C": (1.75, [f"AC{i:02d}" for i in range(1, 12)] + ["BKSL"]),
    "B": (1.25, ["LSGT"] + [f"AB{i:02d}" for i in range(1, 11)]),
}
ROW_INDEX = {r: i for i, r in enumerate(ROWS)}


def geometry() -> dict[str, tuple[int, float]]:
    pos = {}
    for row, (start, keys) in ROWS.items():
        x = 0.0 if row == "E" else start
        for k in keys:
            pos[k] = (ROW_INDEX[row], x)
            x += 1.0
    return pos


def neighbours_of(key: str, pos: dict[str, tuple[int, float]]) -> list[str]:
    r, x = pos[key]
    out = []
    for other, (r2, x2) in pos.items():
        if other == key:
            continue
        if r2 == r and abs(x2 - x) == 1.0:
            out.append(other)
        elif abs(r2 - r) == 1 and abs(x2 - x) < 1.0:  # overlapping keys on the next row
            out.append(other)
    return sorted(out, key=lambda k: (pos[k][0], pos[k][1]))


def read_keysyms(path: Path) -> dict[str, str]:
    table = {}
    pat = re.compile(r"^#define XK_(\w+)\s+0x[0-9a-fA-F]+\s*/\*[ (]*U\+([0-9A-Fa-f]{4,6})")
    for line in path.read_text(encoding="latin-1").splitlines():
        m = pat.match(line)
        if m:
            table.setdefault(m.group(1), chr(int(m.group(2), 16)))
    return table


def keysym_char(name: str, table: dict[str, str]) -> str | None:
    if re.fullmatch(r"U[0-9A-Fa-f]{4,6}", name):
        return chr(int(name[1:], 16))
    if re.fullmatch(r"0x100[0-9A-Fa-f]{4,5}", name):
        return chr(int(name, 16) - 0x1000000)
    if len(name) == 1:
        return name
    return table.get(name)


def sections(text: str) -> tuple[dict[str, str], str | None]:
    text = re.sub(r"//[^\n]*", "", text)
    out, default = {}, None
    for m in re.finditer(r'((?:\w+\s+)*)xkb_symbols\s+"([^"]+)"\s*\{', text):
        depth, i = 1, m.end()
        while depth:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        out[m.group(2)] = text[m.end(): i - 1]
        if "default" in m.group(1).split() and default is None:
            default = m.group(2)
    if default is None and out:
        default = next(iter(out))
    return out, default


def resolve(symdir: Path, file: str, section: str | None, table: dict[str, str], seen=()) -> dict[str, list[str | None]]:
    body_map, default = sections((symdir / file).read_text(encoding="utf-8"))
    section = section or default
    body = body_map[section]
    keys: dict[str, list[str | None]] = {}
    for m in re.finditer(r'include\s+"([^"]+)"|key\s+<(\w+)>\s*\{(.*?)\}\s*;', body, re.S):
        if m.group(1):
            for part in re.split(r"[+|]", m.group(1)):
                f, _, sec = part.partition("(")
                sec = sec.rstrip(")") or None
                if (f, sec) in seen or not (symdir / f).exists():
                    continue
                for k, levels in resolve(symdir, f, sec, table, seen + ((file, section),)).items():
                    old = keys.get(k, [None, None])
                    keys[k] = [new if new is not None else prev for new, prev in zip(levels, old)]
            continue
        name, kbody = m.group(2), m.group(3)
        sym = re.search(r"symbols\[Group1\]\s*=\s*\[([^\]]*)\]", kbody) or re.search(r"^\s*\[([^\]]*)\]", re.sub(r'\w+\[Group\d\]\s*=\s*"[^"]*"\s*,?', "", kbody))
        if not sym:
            continue
        levels = [s.strip() for s in sym.group(1).split(",")][:2]
        old = keys.get(name, [None, None])
        new = list(old)
        for i, s in enumerate(levels):
            if s and s != "NoSymbol":
                new[i] = keysym_char(s, table)
        keys[name] = new
    return keys


def wordish(ch: str | None) -> bool:
    # letters and combining marks; not tatweel, not compatibility forms (Arabic ligature keys)
    return (bool(ch) and unicodedata.category(ch)[0] in "LM" and ch != "\u0640"
            and not unicodedata.decomposition(ch).startswith("<"))


def build(symdir: Path, keysymdef: Path) -> dict:
    table = read_keysyms(keysymdef)
    pos = geometry()
    out = {
        "format": "robustir.keyboards/1",
        "source": "xkeyboard-config symbol files, Debian package xkb-data 2.35.1-1 (X11/MIT licence); built by scripts/build_keyboards.py",
        "layouts": {},
    }
    for lang, (file, section, desc) in LAYOUTS.items():
        keys = resolve(symdir, file, section, table)
        rows = {k: keys.get(k, [None, None]) for k in pos}
        neigh: dict[str, str] = {}
        for level in (0, 1):
            for k in pos:
                ch = rows[k][level]
                if not wordish(ch):
                    continue
                near = [rows[n][level] for n in neighbours_of(k, pos)]
                near = list(dict.fromkeys(c for c in near if wordish(c) and c != ch))
                if near:
                    neigh.setdefault(ch, "")
                    neigh[ch] += "".join(c for c in near if c not in neigh[ch])
        out["layouts"][lang] = {
            "name": desc,
            "xkb": f"{file}({section})",
            "rows": {r: [[rows[k][0] or "", rows[k][1] or ""] for k in ks] for r, (_, ks) in ROWS.items()},
            "neighbours": dict(sorted(neigh.items())),
        }
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--symbols", type=Path, default=Path("/usr/share/X11/xkb/symbols"))
    ap.add_argument("--keysymdef", type=Path, default=Path("/usr/include/X11/keysymdef.h"))
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "src/robustir/text/data/keyboards/keyboards.json")
    args = ap.parse_args()
    data = build(args.symbols, args.keysymdef)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1) + "\n", encoding="utf-8")
    for lang, lay in data["layouts"].items():
        print(f"{lang}: {lay['name']:<22} {len(lay['neighbours'])} characters with neighbours")


if __name__ == "__main__":
    main()
