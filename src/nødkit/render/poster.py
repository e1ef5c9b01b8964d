"""The wall poster (A3 and A4 portrait): what to do and whom to call, readable at two metres.

Page anatomy, top to bottom:
  band     – title and one line on the situation, white on black
  middle   – left: numbered steps, the fallback routes, planned downtime
             right: "call now" boxes: working hours | evenings, nights, weekends, holidays | as needed
  bottom   – left: the unit's own block (leader, unit phone, neighbours); right: QR + URL
  footer   – approval, last update, editor, kit version, printed date

Each region shrinks its text within the layout's size ranges to fit; a region that does
not fit at the smallest sizes fails the build naming the field.
"""

from __future__ import annotations

import io

from reportlab.lib.colors import HexColor
from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from ..errors import RenderError
from ..layout.poster import PosterLayout
from ..resolve import ContactView, Kit
from reportlab.pdfbase.pdfmetrics import stringWidth

from .base import Boxed, FontSet, NumberRow, Size, Text, checked, draw_qr, draw_stack, fit, new_canvas, unbroken, watermark


def render_poster(kit: Kit, layout: PosterLayout, fonts: FontSet) -> bytes:
    _ = kit._
    W, H = layout.page.points
    m, gap = layout.margin, layout.gap
    s = layout.sizes
    size = {name: Size(getattr(s, name).max, getattr(s, name).min) for name in type(s).model_fields}
    ink = layout.colours.ink
    buf = io.BytesIO()
    c = new_canvas(buf, (W, H), fonts, title=f"{kit.title} – {kit.unit_name}", author=kit.organisation,
                   subject=_("Wall poster"), lang=kit.lang)
    inner_w = W - 2 * m

    # --- band ------------------------------------------------------------------------
    band_top, band_h = H - m, layout.band_height
    c.setFillColor(HexColor(layout.colours.band))
    c.rect(m, band_top - band_h, inner_w, band_h, stroke=0, fill=1)
    pad = band_h * 0.1
    white = layout.colours.band_text

    def band(scale):
        return [Text(kit.title, "plan.title", size["title"], bold=True, colour=white, leading=1.05,
                     space_after=0.15).flowable(fonts, scale),
                Text(kit.summary, "plan.summary", size["summary"], colour=white).flowable(fonts, scale)]
    flow, _scale = fit(band, inner_w - 2 * pad, band_h - 2 * pad, what="title band")
    draw_stack(c, flow, m + pad, band_top - pad, inner_w - 2 * pad)

    # --- footer ----------------------------------------------------------------------
    footer_lines = [
        " · ".join([
            _("Approved by {who}, {date}").format(who=kit.approved_by, date=kit.approved_on),
            _("Prepared by {who}").format(who=kit.prepared_by),
        ]),
        " · ".join([
            _("Last updated {date}").format(date=kit.last_updated),
            _("Responsible editor {name}").format(name=kit.editor),
            _("Kit version {version}").format(version=kit.kit_version),
            _("Printed {date}").format(date=kit.as_of_text),
        ]),
    ]

    def footer(scale):
        return [Text(line, "plan.revision", size["footer"], colour=ink).flowable(fonts, scale)
                for line in footer_lines]
    footer_h = 2 * size["footer"].max * 1.25 + 2
    flow, _scale = fit(footer, inner_w, footer_h, what="footer")
    c.setStrokeColor(HexColor(layout.colours.rule))
    c.setLineWidth(0.8)
    c.line(m, m + footer_h + 2 * mm, W - m, m + footer_h + 2 * mm)
    draw_stack(c, flow, m, m + footer_h, inner_w)

    # --- bottom row: the unit's own block (left), fallback routes and QR (right) -----------
    left_w = inner_w * layout.steps_width - gap / 2
    right_w = inner_w - left_w - gap
    qr = layout.qr_size
    bottom_h = layout.bottom_height
    bottom_y = m + footer_h + 2 * mm + gap
    bottom_top = bottom_y + bottom_h

    def unit_block(scale):
        body, num = size["body"], size["number"]
        unit: list[Flowable] = [
            Text(kit.unit_address, "unit.address", body, space_after=0.3).flowable(fonts, scale),
            _labelled_number(fonts, scale, _("Leader") + ": " + kit.leader_name, kit.leader_phone,
                             "unit.leader", body, num),
            _labelled_number(fonts, scale, _("Unit phone"), kit.unit_phone, "unit.phone", body, num),
        ]
        if kit.neighbours:
            unit.append(Text(_("Neighbour units – call to hear if they are hit too"), "unit.neighbours",
                             body, bold=True, space_before=0.4).flowable(fonts, scale))
            unit += [_labelled_number(fonts, scale, n.name, n.phone, "unit.neighbours", body, num)
                     for n in kit.neighbours]
        head = Text(kit.unit_name, "unit.name", size["contact"], bold=True, colour=white).flowable(fonts, scale)
        return [Boxed(head, unit, padding=2.5 * mm, border=1.5)]
    flow, _scale = fit(unit_block, left_w, bottom_h, what="unit block")
    draw_stack(c, flow, m, bottom_top, left_w)

    # the QR at the bottom right, the URL on one line under it and what it is under that
    browser_label = _("{system} in the browser").format(system=kit.system)
    body_max, body_min = size["body"].max, size["body"].min
    url_size = body_max

    def widest(size: float) -> float:
        return max(stringWidth(kit.fallback_url, fonts.bold, size), stringWidth(browser_label, fonts.regular, size))
    while url_size > body_min and widest(url_size) > right_w:
        url_size -= 0.5
    if stringWidth(kit.fallback_url, fonts.bold, url_size) > right_w:
        raise RenderError("the fallback URL is too long to print on one line under the QR code",
                          field="plan.fallback.url")
    if stringWidth(browser_label, fonts.regular, url_size) > right_w:  # it would run off the paper
        raise RenderError(f"'{browser_label}' is too long to print on one line under the QR code; "
                          f"shorten the system's name", field="plan.system")
    caption_h = 2.3 * url_size * 1.2
    qr_block_top = bottom_y + caption_h + qr
    centre = W - m - right_w / 2
    draw_qr(c, kit.fallback_url, centre - qr / 2, bottom_y + caption_h, qr)
    c.setFillColor(HexColor(ink))
    c.setFont(fonts.bold, url_size)
    c.drawCentredString(centre, bottom_y + caption_h - url_size * 1.05,
                        checked(kit.fallback_url, fonts.bold, "plan.fallback.url"))
    c.setFont(fonts.regular, url_size)
    c.drawCentredString(centre, bottom_y + caption_h - url_size * 2.2,
                        checked(browser_label, fonts.regular, "label"))

    # --- middle: the steps (left), whom to call (right) ------------------------------
    mid_top = band_top - band_h - gap
    mid_h = mid_top - bottom_top - gap
    calls_h = mid_top - qr_block_top - gap  # the call column reaches down to the QR

    def steps(scale):
        out: list[Flowable] = [Text(_("Do this now"), "label", size["heading"], bold=True,
                                    space_after=0.3).flowable(fonts, scale)]
        for i, step in enumerate(kit.steps, 1):
            out.append(Text(step, f"plan.steps[{i - 1}]", size["step"], bullet=f"{i}.", indent=1.5,
                            space_after=0.5).flowable(fonts, scale))
        out += [Text(browser_label, "label", size["contact"], bold=True, space_before=0.3).flowable(fonts, scale),
                Text(kit.fallback_how, "plan.fallback.how", size["body"], space_after=0.3).flowable(fonts, scale)]
        if kit.mobile:
            out += [Text(_("If the network is down"), "label", size["contact"], bold=True).flowable(fonts, scale),
                    Text(kit.mobile, "plan.fallback.mobile", size["body"], space_after=0.3).flowable(fonts, scale)]
        if kit.reset_url:
            out += [Text(_("Forgotten password"), "label", size["contact"], bold=True).flowable(fonts, scale),
                    Text(f"{kit.reset_how} {kit.reset_url}", "plan.password_reset", size["body"]).flowable(fonts, scale)]
        return out
    flow, _scale = fit(steps, left_w, mid_h, what="steps column")
    draw_stack(c, flow, m, mid_top, left_w)

    def calls(scale):
        out: list[Flowable] = [Text(_("Call now"), "label", size["heading"], bold=True,
                                    space_after=0.3).flowable(fonts, scale)]
        groups = [
            (_("Working hours"), kit.working_hours, kit.working, None),
            (_("Evenings, nights, weekends and holidays"), None, kit.outside, kit.outside_hours),
            (_("At any time"), None, kit.always, None),
            (_("When needed"), None, kit.as_needed, None),
        ]
        for title, hours, contacts, advice in groups:
            if not contacts and not advice:
                continue
            heading = title + (f": {hours}" if hours else "")
            head = Text(heading, "label", size["contact"], bold=True, colour=white).flowable(fonts, scale)
            body: list[Flowable] = []
            for contact in contacts:
                body += _contact(fonts, scale, contact, size, _, show_hours=hours is None)
            if advice:
                body.append(Text(advice, "plan.outside_hours", size["body"], space_after=0.4).flowable(fonts, scale))
                body += _downtime(fonts, scale, kit, size, _)
            out.append(Boxed(head, body, padding=2.5 * mm, border=1.5, space_after=gap * 0.6))
        return out
    flow, _scale = fit(calls, right_w, calls_h, what="call column")
    draw_stack(c, flow, W - m - right_w, mid_top, right_w)

    if kit.example:
        watermark(c, _("EXAMPLE – not for use"), fonts, (W, H), layout.colours.watermark)
    c.showPage()
    c.save()
    return buf.getvalue()


def _labelled_number(fonts: FontSet, scale: float, label: str, number: str, field: str,
                     label_size: Size, number_size: Size) -> NumberRow:
    """'Label .......... 33 12 34 56': the number big, bold and never broken."""
    para = Text(label, field, label_size).flowable(fonts, scale)
    return NumberRow(para, checked(unbroken(number), fonts.bold, field), fonts.bold, number_size.at(scale), field,
                     space_after=label_size.at(scale) * 0.25)


def _contact(fonts: FontSet, scale: float, contact: ContactView, size: dict[str, Size], _, *,
             show_hours: bool) -> list[Flowable]:
    field = f"contacts.{contact.id}"
    out: list[Flowable] = [Text(contact.name, f"{field}.name", size["contact"], bold=True).flowable(fonts, scale)]
    for number in contact.phones:
        out.append(Text(unbroken(number), f"{field}.phones", size["number"], bold=True, leading=1.1).flowable(fonts, scale))
    details = []
    if contact.hours and show_hours:
        details.append(contact.hours)
    if contact.email:
        details.append(contact.email)
    if details:
        out.append(Text(" · ".join(details), f"{field}.hours", size["body"]).flowable(fonts, scale))
    if contact.call_when:
        out.append(Text(contact.call_when, f"{field}.call_when", size["body"]).flowable(fonts, scale))
    if contact.not_when:
        out.append(Text(_("Do not call: {text}").format(text=contact.not_when), f"{field}.not_when",
                        size["body"]).flowable(fonts, scale))
    if contact.does_not:
        out.append(Text(contact.does_not, f"{field}.does_not", size["body"], bold=False).flowable(fonts, scale))
    out[-1].spaceAfter = size["body"].at(scale) * 0.6
    return out


def _downtime(fonts: FontSet, scale: float, kit: Kit, size: dict[str, Size], _) -> list[Flowable]:
    """The planned maintenance window: a night-shift reader learns the outage may be planned."""
    if not kit.maintenance_note:
        return []
    out = [Text(_("Planned downtime"), "label", size["contact"], bold=True).flowable(fonts, scale),
           Text(kit.maintenance_note, "plan.maintenance.note", size["body"]).flowable(fonts, scale)]
    if kit.maintenance_days:
        dates = ", ".join(unbroken(kit.words.date_short_weekday(d)) for d in kit.maintenance_days)
        out.append(Text(_("Next dates: {dates}").format(dates=dates), "plan.maintenance", size["body"]).flowable(fonts, scale))
    return out
