"""The Map tab's picture: an equirectangular SVG drawn here (graticule, the gazetteer's towns in
view as faint dots that draw the land, the places as linked points with labels, the routes of
``rag.insights.places.routes`` as curved arrows from origin to destination, linked to their entry in
the list, with a tooltip). No tiles, no CDN: it works offline. Every name is escaped."""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Sequence

from rag.insights.places import Gazetteer, Place, gazetteer
from rag.insights.routes import Route


# ---- the map -----------------------------------------------------------------------------
def _step(span: float) -> float:
    return next((s for s in (0.5, 1, 2, 5, 10, 15, 30, 45) if span / s <= 8), 90)


Box = tuple[float, float, float, float]
Point = tuple[float, float]
_GRID, _GRID_TEXT = 'stroke="#e2e8f0" stroke-width="1"', 'font-size="11" fill="#94a3b8"'


def _link(p: Place) -> str:
    n = len(p.mentions)
    tip = html.escape(f"{p.name} ({p.country}): {n} mention{'s' if n != 1 else ''}")
    return f'<a href="#place-{p.slug}" class="place-link"><title>{tip}</title>'


def _label_spot(x: float, y: float, r: float, w: float, boxes: list[Box]) -> tuple[float, float, str]:
    """Where a label of width ``w`` beside a dot overlaps the least (right, left, above, below,
    then the diagonals); the chosen box is added to ``boxes``."""
    best: tuple[float, float, float, str, Box] | None = None
    for dx, dy, anchor in ((r + 3, 4, "start"), (-r - 3, 4, "end"), (0, -r - 4, "middle"), (0, r + 13, "middle"),
                           (r + 2, -r - 2, "start"), (r + 2, r + 11, "start"), (-r - 2, -r - 2, "end"),
                           (-r - 2, r + 11, "end")):
        lx, ly = x + dx, y + dy
        x0 = lx if anchor == "start" else lx - w if anchor == "end" else lx - w / 2
        box = (x0, ly - 12, x0 + w, ly + 3)
        overlap = sum(max(0.0, min(box[2], b[2]) - max(box[0], b[0]))
                      * max(0.0, min(box[3], b[3]) - max(box[1], b[1])) for b in boxes)
        if best is None or overlap < best[0]:
            best = (overlap, lx, ly, anchor, box)
        if overlap == 0:
            break
    assert best is not None
    boxes.append(best[4])
    return best[1], best[2], best[3]


def _ends(routes: Sequence[Route[Place]]) -> list[Place]:
    return [p for r in routes for p in (r.origin, r.destination)]


def view_box(shown: Sequence[Place], width: int = 960, height: int = 540, *,
             routes: Sequence[Route[Place]] = ()) -> Box | None:
    """(south, north, west, east) of the map: the cities (else all places), the ends of ``routes``
    included, padded, widened to the picture's aspect (longitudes shrink by cos(latitude))."""
    spots = [*shown, *_ends(routes)]
    focus = [p for p in spots if p.kind == "city"] or spots
    if not focus:
        return None
    lat0, lat1 = min(p.lat for p in focus), max(p.lat for p in focus)
    lon0, lon1 = min(p.lon for p in focus), max(p.lon for p in focus)
    pad = max(1.5, 0.25 * max(lat1 - lat0, lon1 - lon0))
    kx = math.cos(math.radians((lat0 + lat1) / 2))
    scale = min(width / ((lon1 - lon0 + 2 * pad) * kx), height / (lat1 - lat0 + 2 * pad))
    cy, cx, half_h, half_w = (lat0 + lat1) / 2, (lon0 + lon1) / 2, height / (2 * scale), width / (2 * scale * kx)
    return cy - half_h, cy + half_h, cx - half_w, cx + half_w


def outside_view(shown: Sequence[Place], width: int = 960, height: int = 540, *,
                 routes: Sequence[Route[Place]] = ()) -> list[Place]:
    """The places ``map_svg`` cannot show because they lie outside the view the cities set (pass
    the same ``routes`` as to ``map_svg``)."""
    box = view_box(shown, width, height, routes=routes)
    return [p for p in shown if box and not (box[0] <= p.lat <= box[1] and box[2] <= p.lon <= box[3])]


def map_svg(shown: Sequence[Place], gaz: Gazetteer | None = None, width: int = 960, height: int = 540, *,
            routes: Sequence[Route[Place]] = ()) -> str:
    """An equirectangular SVG map: graticule, the gazetteer's towns in view as faint dots (they
    draw the land), the places as linked points (``#place-<slug>``) with labels, and ``routes`` as
    arrows (``path.route``, linked to ``#route-<slug>``; an end not among ``shown`` gets a hollow
    dot). Cities set the view; countries are labelled when they fall inside it. Names are escaped."""
    gaz = gaz or gazetteer()
    box = view_box(shown, width, height, routes=routes)
    if box is None:
        return ""
    kx = math.cos(math.radians((box[0] + box[1]) / 2))
    scale = height / (box[1] - box[0])

    def xy(lat: float, lon: float) -> tuple[float, float]:
        return (lon - box[2]) * scale * kx, (box[1] - lat) * scale

    def inside(lat: float, lon: float) -> bool:
        return box[0] <= lat <= box[1] and box[2] <= lon <= box[3]

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" class="place-map" role="img" '
           f'aria-label="Map of {len(shown)} places"><rect width="{width}" height="{height}" fill="#f8fafc"/>']
    step = _step(max(box[1] - box[0], box[3] - box[2]))
    for k in range(math.ceil(box[0] / step), math.floor(box[1] / step) + 1):
        y = xy(k * step, box[2])[1]
        out.append(f'<line x1="0" x2="{width}" y1="{y:.1f}" y2="{y:.1f}" {_GRID}/><text x="4" y="{y - 3:.1f}" '
                   f'{_GRID_TEXT}>{abs(k * step):g}°{"N" if k >= 0 else "S"}</text>')
    for k in range(math.ceil(box[2] / step), math.floor(box[3] / step) + 1):
        x = xy(box[0], k * step)[0]
        out.append(f'<line y1="0" y2="{height}" x1="{x:.1f}" x2="{x:.1f}" {_GRID}/><text x="{x + 3:.1f}" '
                   f'y="{height - 4}" {_GRID_TEXT}>{abs(k * step):g}°{"E" if k >= 0 else "W"}</text>')
    named = {p.country for p in shown}
    context = [e for e in gaz.cities if inside(e.lat, e.lon)][:2500]
    for e in context:
        x, y = xy(e.lat, e.lon)
        fill = "#94a3b8" if gaz.country_names.get(e.country) in named else "#cbd5e1"
        out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="1.6" fill="{fill}"/>')
    boxes: list[Box] = []
    labels: list[tuple[str, str, float, float, float]] = []  # link, name, x, y, radius
    out += _routes_svg(routes, shown, xy, boxes, labels)
    for p in sorted(shown, key=lambda p: (p.kind == "city", -len(p.mentions))):
        if not inside(p.lat, p.lon):
            continue
        x, y = xy(p.lat, p.lon)
        link = _link(p)
        if p.kind == "country":
            w = 9.5 * len(p.name)
            out.append(f'{link}<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle" font-size="13" letter-spacing="3" '
                       f'fill="#64748b" font-weight="600">{html.escape(p.name.upper())}</text></a>')
            boxes.append((x - w / 2, y - 12, x + w / 2, y + 3))
            continue
        r = 4 + 2 * math.sqrt(len(p.mentions))
        out.append(f'{link}<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="#dc2626" fill-opacity="0.85" '
                   'stroke="#fff" stroke-width="1.5"/></a>')
        boxes.append((x - r, y - r, x + r, y + r))
        labels.append((link, p.name, x, y, r))
    for link, name, x, y, r in labels:  # after every dot, so a label avoids the dots as well as the other labels
        lx, ly, anchor = _label_spot(x, y, r, 7.2 * len(name) + 4, boxes)
        out.append(f'{link}<text x="{lx:.1f}" y="{ly:.1f}" text-anchor="{anchor}" font-size="13" '
                   f'font-weight="600" fill="#0f172a" stroke="#f8fafc" stroke-width="3" paint-order="stroke">'
                   f'{html.escape(name)}</text></a>')
    out.append("</svg>")
    return "".join(out)


_ARROW = ('<defs><marker id="route-arrow" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="7" markerHeight="7" '
          'orient="auto"><path d="M0,0L10,5L0,10z" fill="#2563eb"/></marker></defs>')


def _routes_svg(routes: Sequence[Route[Place]], shown: Sequence[Place], xy: Callable[[float, float], Point],
                boxes: list[Box], labels: list[tuple[str, str, float, float, float]]) -> list[str]:
    """One curved arrow per origin and destination (bent to its left, so a route back is drawn
    apart), its tooltip the first sentence that states it and how many more do; hollow dots
    (labelled) for the ends that are not among ``shown``."""
    if not routes:
        return []
    drawn = {p.slug for p in shown}
    radius = {p.slug: 4 + 2 * math.sqrt(len(p.mentions)) for p in shown if p.kind == "city"}
    by_pair: dict[str, list[Route[Place]]] = {}
    for r in routes:
        by_pair.setdefault(r.slug, []).append(r)
    out = [_ARROW]
    for slug, group in by_pair.items():
        first = group[0]
        (x0, y0), (x1, y1) = xy(first.origin.lat, first.origin.lon), xy(first.destination.lat, first.destination.lon)
        if math.hypot(x1 - x0, y1 - y0) < 1:
            continue
        cx, cy = (x0 + x1) / 2 + 0.18 * (y1 - y0), (y0 + y1) / 2 - 0.18 * (x1 - x0)  # bent to the left
        back = (radius.get(first.destination.slug, 4) + 2) / math.hypot(x1 - cx, y1 - cy)
        ex, ey = x1 - (x1 - cx) * back, y1 - (y1 - cy) * back  # the arrow's tip stops at the dot's rim
        more = f" (and {len(group) - 1} more)" if len(group) > 1 else ""
        tip = html.escape(f"{first.origin.name} → {first.destination.name}: “{first.sentence}”"
                          f"{' (your question)' if first.from_question else ' (' + first.title + ')'}{more}")
        out.append(f'<a href="#route-{html.escape(slug)}" class="route-link"><title>{tip}</title><path class="route" '
                   f'd="M{x0:.1f},{y0:.1f} Q{cx:.1f},{cy:.1f} {ex:.1f},{ey:.1f}" fill="none" stroke="#2563eb" '
                   f'stroke-width="2.5" stroke-opacity="0.8" marker-end="url(#route-arrow)"/></a>')
    ends = {p.slug: p for p in _ends(routes) if p.slug not in drawn}
    for p in ends.values():
        x, y = xy(p.lat, p.lon)
        out.append(f'<circle class="route-end" cx="{x:.1f}" cy="{y:.1f}" r="4" fill="#fff" stroke="#2563eb" '
                   'stroke-width="2"/>')
        boxes.append((x - 4, y - 4, x + 4, y + 4))
        tip = html.escape(f"{p.name} ({p.country}): the end of a route")
        labels.append((f'<a href="#routes" class="route-end"><title>{tip}</title>', p.name, x, y, 4.0))
    return out
