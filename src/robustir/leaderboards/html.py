"""A self-contained static HTML board: inline CSS, JS and SVG; no CDN; works from file://.

Every string that comes from a submission (names, specs, fingerprints, dates) passes through
`html.escape` before it reaches the page; a Content-Security-Policy forbids any remote load.
"""
from __future__ import annotations

from html import escape

from robustir.leaderboards.board import Board, Table
from robustir.leaderboards.render import _is_percent, fmt_cell

__all__ = ["render_html"]

PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")

CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em auto;max-width:1200px;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em;font-size:14px}
th,td{border:1px solid #ccc;padding:4px 8px;text-align:right;white-space:nowrap}
td.t,th.t{text-align:left}
th{background:#f3f3f3;cursor:pointer;user-select:none}
th[aria-sort=ascending]::after{content:' \\25B2'}
th[aria-sort=descending]::after{content:' \\25BC'}
td.sig{color:#a00}
.note{color:#555;font-size:13px;max-width:1100px}
.charts{display:flex;flex-wrap:wrap;gap:1em}
svg text{font-size:11px;font-family:inherit}
"""

JS = """
(function(){
  function key(td,num){var v=td.getAttribute('data-v');if(num){var x=parseFloat(v);return isNaN(x)?-Infinity:x;}return v||'';}
  document.querySelectorAll('table.sortable').forEach(function(table){
    var heads=table.querySelectorAll('thead th');
    heads.forEach(function(th,col){
      th.addEventListener('click',function(){
        var num=th.getAttribute('data-type')==='num';
        var asc=th.getAttribute('aria-sort')!=='ascending';
        heads.forEach(function(h){h.removeAttribute('aria-sort');});
        th.setAttribute('aria-sort',asc?'ascending':'descending');
        var body=table.tBodies[0];
        var rows=Array.prototype.slice.call(body.rows);
        rows.sort(function(a,b){
          var x=key(a.cells[col],num),y=key(b.cells[col],num);
          var c=num?(x<y?-1:x>y?1:0):String(x).localeCompare(String(y));
          return asc?c:-c;
        });
        rows.forEach(function(r){body.appendChild(r);});
      });
    });
  });
})();
"""


def _num(v: float) -> str:
    return f"{v:.2f}"


def _table_html(table: Table) -> str:
    numeric = [any(isinstance(r[j].value, (int, float)) for r in table.rows) for j in range(len(table.headers))]
    out = [f'<h2>{escape(table.title)}</h2>', f'<table class="sortable" id="table-{escape(table.key)}"><thead><tr>']
    for h, num in zip(table.headers, numeric):
        cls = "" if num else ' class="t"'
        out.append(f'<th data-type="{"num" if num else "text"}"{cls}>{escape(h)}</th>')
    out.append("</tr></thead><tbody>")
    for row in table.rows:
        out.append("<tr>")
        for h, cell, num in zip(table.headers, row, numeric):
            text = fmt_cell(cell, percent=_is_percent(table, h))
            v = cell.value
            sort = repr(float(v)) if isinstance(v, (int, float)) else ("" if v is None else str(v))
            classes = ([] if num else ["t"]) + (["sig"] if cell.mark else [])
            cls = f' class="{" ".join(classes)}"' if classes else ""
            title = f' title="Holm-adjusted p = {cell.p:.3g}"' if cell.p is not None else ""
            mark = "*" if cell.mark else ""
            out.append(f'<td{cls} data-v="{escape(sort)}"{title}>{escape(text)}{mark}</td>')
        out.append("</tr>")
    out.append("</tbody></table>")
    if table.note:
        out.append(f'<p class="note">{escape(table.note)}</p>')
    return "".join(out)


def _drop_chart(board: Board) -> str:
    """Grouped bars: relative drop (%) per attack, one bar per model."""
    table = next(t for t in board.tables if t.key == "drop_by_attack")
    attacks = list(table.headers[1:])
    models = [r[0].value for r in table.rows]
    vals = [[r[j + 1].value for j in range(len(attacks))] for r in table.rows]
    flat = [v for row in vals for v in row if isinstance(v, float)]
    top = max([5.0, *flat])
    low = min([0.0, *flat])
    w_group = max(40, 14 * max(1, len(models)) + 16)
    left, height, bottom = 50, 220, 120
    width = left + w_group * max(1, len(attacks)) + 90  # room for the last slanted label
    scale = height / (top - low)
    zero = 10 + top * scale
    parts = [f'<svg id="chart-drop" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{10 + height + bottom + 20 * len(models)}" role="img" aria-label="relative drop per attack">']
    parts.append(f'<line x1="{left}" y1="{_num(zero)}" x2="{width - 10}" y2="{_num(zero)}" stroke="#333"/>')
    for tick in sorted({round(low, 6), 0.0, round(top / 2, 6), round(top, 6)}):
        y = 10 + (top - tick) * scale
        parts.append(f'<text x="{left - 4}" y="{_num(y + 4)}" text-anchor="end">{tick:.1f}%</text>')
    bar = (w_group - 16) / max(1, len(models))
    for a, attack in enumerate(attacks):
        x0 = left + a * w_group + 8
        for m, name in enumerate(models):
            v = vals[m][a]
            if not isinstance(v, float):
                continue
            y, h = (zero - v * scale, v * scale) if v >= 0 else (zero, -v * scale)
            label = escape(f"{name}: {attack}: {v:.1f}%")
            parts.append(
                f'<rect class="bar" x="{_num(x0 + m * bar)}" y="{_num(y)}" width="{_num(max(1.0, bar - 2))}" '
                f'height="{_num(h)}" fill="{PALETTE[m % len(PALETTE)]}"><title>{label}</title></rect>'
            )
        cx = x0 + (w_group - 16) / 2
        parts.append(
            f'<text x="{_num(cx)}" y="{_num(10 + height + 12)}" transform="rotate(35 {_num(cx)} {_num(10 + height + 12)})">{escape(attack)}</text>'
        )
    for m, name in enumerate(models):
        y = 10 + height + bottom + 20 * m
        parts.append(f'<rect x="{left}" y="{y - 9}" width="10" height="10" fill="{PALETTE[m % len(PALETTE)]}"/>')
        parts.append(f'<text x="{left + 16}" y="{y}">{escape(str(name))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _scatter(board: Board, m: int) -> str:
    """One model: each attacked cell as a point (clean mean, attacked mean), with y = x."""
    e = board.entries[m]
    size, pad = 240, 36
    span = size - 2 * pad
    color = PALETTE[m % len(PALETTE)]
    parts = [f'<figure><svg class="scatter" id="scatter-{m}" xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" role="img" aria-label="clean vs attacked">']
    parts.append(f'<rect x="{pad}" y="{pad}" width="{span}" height="{span}" fill="none" stroke="#999"/>')
    parts.append(f'<line x1="{pad}" y1="{pad + span}" x2="{pad + span}" y2="{pad}" stroke="#bbb" stroke-dasharray="4 3"/>')
    parts.append(f'<text x="{pad + span / 2}" y="{size - 6}" text-anchor="middle">clean {escape(board.metric)}</text>')
    parts.append(f'<text x="10" y="{pad + span / 2}" transform="rotate(-90 10 {pad + span / 2})" text-anchor="middle">attacked</text>')
    for t in (0.0, 0.5, 1.0):
        parts.append(f'<text x="{_num(pad + t * span)}" y="{pad + span + 12}" text-anchor="middle">{t:.1f}</text>')
        parts.append(f'<text x="{pad - 4}" y="{_num(pad + (1 - t) * span + 4)}" text-anchor="end">{t:.1f}</text>')
    for key, (c, a) in sorted(e.cells.items()):
        label = escape(f"{'/'.join(key)}: clean {c:.3f}, attacked {a:.3f}")
        parts.append(
            f'<circle cx="{_num(pad + c * span)}" cy="{_num(pad + (1 - a) * span)}" r="2.5" fill="{color}" '
            f'fill-opacity="0.6"><title>{label}</title></circle>'
        )
    parts.append(f"</svg><figcaption>{escape(e.name)}</figcaption></figure>")
    return "".join(parts)


JS_FILTERS = """
(function(){
  var sel=document.querySelectorAll('select.filter');
  function apply(){
    var want={};sel.forEach(function(s){want[s.getAttribute('data-key')]=s.value;});
    var shown=0;
    document.querySelectorAll('#table-cells tbody tr').forEach(function(tr){
      var ok=Object.keys(want).every(function(k){return !want[k]||tr.getAttribute('data-'+k)===want[k];});
      tr.style.display=ok?'':'none';if(ok)shown++;
    });
    var c=document.getElementById('cells-shown');if(c)c.textContent=String(shown);
  }
  sel.forEach(function(s){s.addEventListener('change',apply);});
  function csv(table){
    var out=[];table.querySelectorAll('tr').forEach(function(tr){
      if(tr.style.display==='none')return;
      var row=[];tr.querySelectorAll('th,td').forEach(function(c){
        var v=c.getAttribute('data-v');if(v===null||v==='')v=c.textContent;
        row.push('"'+String(v).replace(/"/g,'""')+'"');});
      out.push(row.join(','));});
    return out.join('\\n')+'\\n';
  }
  window.robustirTableCsv=function(id){return csv(document.getElementById(id));};
  document.querySelectorAll('a.csv').forEach(function(a){
    a.addEventListener('click',function(ev){
      ev.preventDefault();
      var blob=new Blob([csv(document.getElementById(a.getAttribute('data-table')))],{type:'text/csv'});
      var url=URL.createObjectURL(blob);var tmp=document.createElement('a');
      tmp.href=url;tmp.download=a.getAttribute('data-table').replace('table-','')+'.csv';
      document.body.appendChild(tmp);tmp.click();tmp.remove();URL.revokeObjectURL(url);
    });
  });
})();
"""


def _csv_link(table_id: str) -> str:
    return f'<p class="note"><a href="#" class="csv" data-table="{escape(table_id)}">download this table as CSV</a></p>'


def _cells_html(board: Board) -> str:
    """Every attacked cell of every entry, with data attributes the filters select on."""
    rows, langs, settings, attacks = [], set(), set(), set()
    for e in board.entries:
        for key, (c, a) in sorted(e.cells.items()):
            dataset, setting, lang, doc_lang, attack = key
            langs.add(lang)
            settings.add(f"{dataset}/{setting}")
            attacks.add(attack)
            attrs = f'data-lang="{escape(lang)}" data-setting="{escape(f"{dataset}/{setting}")}" data-attack="{escape(attack)}"'
            vals = [e.name, dataset, setting, lang, doc_lang, board.suite.attack_header(attack)]
            tds = "".join(f'<td class="t" data-v="{escape(v)}">{escape(v)}</td>' for v in vals)
            tds += "".join(f'<td data-v="{x!r}">{x:.4f}</td>' for x in (c, a, c - a))
            rows.append(f"<tr {attrs}>{tds}</tr>")

    def select(key: str, label: str, values: set[str]) -> str:
        show = board.suite.attack_header if key == "attack" else str
        opts = "".join(f'<option value="{escape(v)}">{escape(show(v))}</option>' for v in sorted(values))
        return f'<label>{escape(label)} <select class="filter" data-key="{key}"><option value="">all</option>{opts}</select></label> '

    heads = ["Model", "Dataset", "Setting", "Query lang", "Doc lang", "Attack", "Clean", "Attacked", "Drop"]
    head = ""
    for i, h in enumerate(heads):
        kind, cls = ("num", "") if i >= 6 else ("text", ' class="t"')
        head += f'<th data-type="{kind}"{cls}>{escape(h)}</th>'
    filters = select("lang", "Language", langs) + select("setting", "Setting", settings) + select("attack", "Attack family", attacks)
    return (
        f'<h2>Every cell</h2><p class="note">{filters} &mdash; <span id="cells-shown">{len(rows)}</span> cells shown. '
        f"Mean {escape(board.metric)} of the cell's queries. {escape(board.suite.approximation_note(attacks))}</p>"
        f'<table class="sortable" id="table-cells"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
        + _csv_link("table-cells")
    )


def render_html(board: Board, *, audit: str | None = None) -> str:
    """The board as one self-contained page; `audit` is the relative link of the attacked sets' audit, if any."""
    s = board.suite
    v2 = s.board.uncertainty
    audit_link = (f' What the attacks did to the queries: <a id="audit-link" href="{escape(audit)}">audit of the attacked sets</a>.'
                  if audit else "")
    body = [
        f"<h1>robustir leaderboard: suite {escape(s.version)}</h1>",
        f'<p class="note">{escape(s.description)}. Suite content hash {escape(s.content_hash[:16])}; '
        f"{len(board.entries)} submissions; {board.n_cells} attacked cells. Click a column header to sort.{audit_link}</p>",
        _table_html(board.tables[0]),
        "<h2>Relative drop per attack</h2>",
        _drop_chart(board),
        "<h2>Clean vs attacked, per model (one point per cell; dashed: no drop)</h2>",
        '<div class="charts">' + "".join(_scatter(board, m) for m in range(len(board.entries))) + "</div>",
    ]
    if v2:
        body[2] = _table_html(board.tables[0]) + _csv_link("table-overall")
        body += [_table_html(t) + _csv_link(f"table-{t.key}") for t in board.tables[1:]]
        body.append(_cells_html(board))
    else:
        body += [_table_html(t) for t in board.tables[1:]]
    skipped: dict[tuple[str, str, str], set[str]] = {}
    for e in board.entries:
        for d in e.record.skipped:
            skipped.setdefault((d["dataset"], d["attack"], d["reason"]), set()).add(f"{d['lang']} ({e.name})")
    if skipped:
        items = "".join(
            f"<li>{escape(d)}, {escape(s.attack_header(a))}: {escape(r)} &mdash; {escape(', '.join(sorted(who)))}</li>"
            for (d, a, r), who in sorted(skipped.items())
        )
        body.append(f'<h2>Skipped cells</h2><ul id="skipped" class="note">{items}</ul>')
    csp = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">'
        f"<title>robustir leaderboard {escape(s.version)}</title><style>{CSS}</style></head><body>"
        + "\n".join(body)
        + f"<script>{JS}{JS_FILTERS if v2 else ''}</script></body></html>\n"
    )
