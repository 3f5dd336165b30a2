"""jieba's accurate mode with its HMM (`Tokenizer.cut(s, HMM=True)`): the same words in half the time.

jieba 0.42.1 builds a dict of every prefix's end positions (`get_DAG`), then a second pass finds
the most probable route (`calc`: the max over `(log(freq or 1) - log(total) + route[x + 1],
x)`), then walks it, sending runs of single characters that are not a dictionary word to its
HMM (`finalseg.cut`). Here the same steps run in one backward pass over plain lists, with the
same float operations in the same order and ties resolved as `max` on those tuples does (the
larger end wins); the HMM's Viterbi is unrolled over its four states (`_hmm_cutter`). The
dictionary, the block regexes and the HMM's tables are jieba's own objects; nothing is
remembered between calls.
tests/attacks/test_segment.py compares the output with jieba's on real and random text.
Another jieba version gets jieba's own `cut` (`fast_cut` returns None).
"""
from __future__ import annotations

from collections.abc import Callable
from math import log

__all__ = ["fast_cut"]

_VERSION = "0.42.1"  # the version whose algorithm this copies


def fast_cut(tok) -> Callable[[str], list[str]] | None:
    """A function equal to `lambda s: list(tok.cut(s, HMM=True))` for an initialised jieba
    Tokenizer, or None when this jieba is not the version it copies."""
    import jieba
    from jieba import finalseg

    if getattr(jieba, "__version__", None) != _VERSION:
        return None
    freq, hmm_cut = tok.FREQ, _hmm_cutter(finalseg)
    route = _router(freq, log(tok.total))
    han_split, han_match = jieba.re_han_default.split, jieba.re_han_default.match
    skip_split, skip_match = jieba.re_skip_default.split, jieba.re_skip_default.match

    def flush(buf: str, out: list[str]) -> None:
        if len(buf) == 1:
            out.append(buf)
        elif not freq.get(buf):
            out.extend(hmm_cut(buf))
        else:
            out.extend(buf)

    def cut_block(s: str, out: list[str]) -> None:  # jieba's __cut_DAG
        ends = route(s)
        x, n, buf = 0, len(s), ""
        while x < n:
            y = ends[x] + 1
            if y - x == 1:
                buf += s[x]
            else:
                if buf:
                    flush(buf, out)
                    buf = ""
                out.append(s[x:y])
            x = y
        if buf:
            flush(buf, out)

    def cut(sentence: str) -> list[str]:
        out: list[str] = []
        for blk in han_split(sentence):
            if not blk:
                continue
            if han_match(blk):
                cut_block(blk, out)
            else:
                for piece in skip_split(blk):
                    if skip_match(piece):
                        out.append(piece)
                    else:
                        out.extend(piece)
        return out

    return cut


def _router(freq: dict[str, int], logtotal: float) -> Callable[[str], list[int]]:
    """`s` -> for each start, the end (inclusive) of the word jieba's best route takes there."""
    unknown = log(1) - logtotal  # a character that is no word: log(freq or 1) with freq 0 or absent
    get = freq.get

    def route(s: str) -> list[int]:
        n = len(s)
        best = [0.0] * (n + 1)
        ends = [0] * (n + 1)
        for k in range(n - 1, -1, -1):
            bp, bx, i, frag = None, k, k, s[k]
            while i < n:
                f = get(frag)
                if f is None:
                    break
                if f:  # a word (0: only a prefix of words)
                    p = log(f) - logtotal + best[i + 1]
                    if bp is None or p >= bp:  # ends ascend: on a tie the larger end wins, as in max()
                        bp, bx = p, i
                i += 1
                frag = s[k : i + 1]
            if bp is None:
                bp = unknown + best[k + 1]
            best[k], ends[k] = bp, bx
        return ends

    return route


def _hmm_cutter(finalseg) -> Callable[[str], list[str]]:
    """jieba's `finalseg.cut` (its HMM over B/M/E/S tags for runs of unknown characters), with
    its tables; Viterbi unrolled over the four states, each step's sums added in jieba's order
    and ties resolved as its `max` over (prob, state) does (the later letter of B<E<M<S wins)."""
    start, trans, emit = finalseg.start_P, finalseg.trans_P, finalseg.emit_P
    low = finalseg.MIN_FLOAT
    e_b, e_m, e_e, e_s = (emit[y] for y in "BMES")
    t = {(a, b): trans[a].get(b, low) for a in "BMES" for b in "BMES"}
    eb, sb, mm, bm, ss, es, be, me = (t[k] for k in (("E", "B"), ("S", "B"), ("M", "M"), ("B", "M"),
                                                     ("S", "S"), ("E", "S"), ("B", "E"), ("M", "E")))
    han_split, han_match = finalseg.re_han.split, finalseg.re_han.match
    skip_split = finalseg.re_skip.split

    def tags(obs: str) -> list[str]:
        c = obs[0]
        vb, vm, ve, vs = (start["B"] + e_b.get(c, low), start["M"] + e_m.get(c, low),
                          start["E"] + e_e.get(c, low), start["S"] + e_s.get(c, low))
        back = []
        for c in obs[1:]:
            em = e_b.get(c, low)
            p1, p2 = ve + eb + em, vs + sb + em
            nb, fb = (p2, "S") if p2 >= p1 else (p1, "E")
            em = e_m.get(c, low)
            p1, p2 = vm + mm + em, vb + bm + em
            nm, fm = (p1, "M") if p1 >= p2 else (p2, "B")
            em = e_s.get(c, low)
            p1, p2 = vs + ss + em, ve + es + em
            ns, fs = (p1, "S") if p1 >= p2 else (p2, "E")
            em = e_e.get(c, low)
            p1, p2 = vb + be + em, vm + me + em
            ne, fe = (p2, "M") if p2 >= p1 else (p1, "B")
            back.append({"B": fb, "M": fm, "S": fs, "E": fe})
            vb, vm, vs, ve = nb, nm, ns, ne
        state = "S" if vs >= ve else "E"
        out = [state]
        for step in reversed(back):
            state = step[state]
            out.append(state)
        out.reverse()
        return out

    def cut_run(s: str, out: list[str]) -> None:  # finalseg.__cut
        begin = nexti = 0
        for i, pos in enumerate(tags(s)):
            if pos == "B":
                begin = i
            elif pos == "E":
                out.append(s[begin : i + 1])
                nexti = i + 1
            elif pos == "S":
                out.append(s[i])
                nexti = i + 1
        if nexti < len(s):
            out.append(s[nexti:])

    def cut(sentence: str) -> list[str]:
        out: list[str] = []
        for blk in han_split(sentence):
            if han_match(blk):
                words: list[str] = []
                cut_run(blk, words)
                split = finalseg.Force_Split_Words
                for word in words:
                    if word not in split:
                        out.append(word)
                    else:
                        out.extend(word)
            else:
                out.extend(x for x in skip_split(blk) if x)
        return out

    return cut
