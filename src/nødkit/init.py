"""`nødkit init`: a new content folder for an organisation that starts from nothing.

Every file the format needs, each field explained where it stands, an editor-schema line
so the YAML language server validates and completes while the admin types, and every
value only the organisation knows left as a `<<FILL IN: …>>` placeholder that `check` and
`build` refuse. Nothing about any one municipality is written: the facts come from the
admin, the words around them are examples.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from .content.load import CONTACTS_FILE, ORGANISATION_FILE, PLANS_DIR, UNITS_FILE
from .content.models import Unit
from .content.placeholders import find_placeholders
from .content.yamlfile import parse_yaml
from .errors import NodkitError
from .project import PROJECT_FILE

SCHEMA_DIR = ".schemas"


class InitError(NodkitError):
    exit_code = 2


@dataclass
class InitResult:
    root: Path
    files: list[Path]
    placeholders: int
    marker: str = "<<FILL IN: …>>"  # how the placeholders look, in the files' language


def _q(text: str) -> str:
    # a JSON string is a valid YAML double-quoted scalar, whatever the name holds (":", "#", quotes)
    return json.dumps(text, ensure_ascii=False)


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "plan"


def _timezone(region: str, placeholder: str) -> str:
    from babel.core import get_global
    zones = get_global("territory_zones").get(region, [])
    # a country with one time zone gets it; others must say which
    return zones[0] if len(zones) == 1 else _q(placeholder)


ORGANISATION = """\
# yaml-language-server: $schema=%(schemas)s/organisation.schema.json
# Who you are. Replace every "<<FILL IN: …>>", quotes included, with the real value;
# keep quotes around a value that holds a colon (:) or a #, and around times ("07:00").
# `nødkit check` names every placeholder left. The format: docs/content.md; the whole
# way from here to printed kits: docs/adopt.md.

# The organisation's name: printed in the footers and set as the PDFs' author.
name: %(name)s
# Country of the phone numbers (two letters): numbers are checked for it and printed in its format.
region: %(region)s
# Language of every plain text in these files. A text may also be given per language:
#   title: {%(lang)s: …, en: …}
default_language: %(lang)s
# Time zone of the planned-maintenance dates and calendar.
timezone: %(timezone)s
"""

CONTACTS = """\
# yaml-language-server: $schema=%(schemas)s/contacts.schema.json
# Whom staff call. A plan shows the contacts it names (by id), in its order.
# The short texts (call_when, not_when, does_not) go on the poster and the pocket card,
# so keep them to one line. Phone numbers are written as people write them.
contacts:
  # The team that runs %(system)s (a system team, or the supplier's support).
  - id: system-team                   # lower-case letters, digits and hyphens; plans refer to it
    name: "<<FILL IN: the team's name, e.g. the %(system)s team>>"
    phones: ["<<FILL IN: the team's phone>>"]          # one or several numbers
    email: "<<FILL IN: the team's e-mail address>>"    # delete the line if there is none
    # Which box of the poster's "whom to call now": working-hours | outside-hours | always | as-needed
    available: working-hours
    hours:                            # when they answer; one item per weekday range
      - days: mon-fri                 # mon tue wed thu fri sat sun, a range (mon-thu) or a list (sat,sun)
        open: "<<FILL IN: opens at, HH:MM such as 08:00>>"
        close: "<<FILL IN: closes at, HH:MM such as 15:30>>"
    call_when: "<<FILL IN: when to call them, one short line>>"
    # not_when: when NOT to call them (optional)
    # does_not: what they do not do, e.g. forgotten passwords (optional)

  # The IT department, in working hours.
  - id: it
    name: "<<FILL IN: the IT department's name>>"
    phones: ["<<FILL IN: the IT department's phone>>"]
    available: working-hours
    call_when: "<<FILL IN: when to call them, e.g. an outage in working hours>>"

  # Whoever answers in the evening, at night, at weekends and on holidays.
  - id: it-oncall
    name: "<<FILL IN: the on-call service's name>>"
    phones: ["<<FILL IN: the on-call phone>>"]
    available: outside-hours
    call_when: "<<FILL IN: when to call them, e.g. only when the whole network is down>>"
    does_not: "<<FILL IN: what they do not do, e.g. forgotten passwords>>"

  # A contact without a number prints without one (`nødkit check` warns), e.g.
  # - id: amk
  #   name: AMK
  #   available: as-needed             # "when needed": only in the situation call_when describes
  #   call_when: …
"""

PLAN = """\
# yaml-language-server: $schema=%(schemas)s/plan.schema.json
# Your emergency plan for an outage of %(system)s. A content folder may hold several plans
# (one per area, say): one file each in plans/, and every unit names its plan.
# In any text, {phone:ID}, {email:ID} and {hours:ID} print a contact's numbers, e-mail or
# opening hours, and {url:fallback} / {url:password-reset} this plan's addresses:
# write each fact once, and a changed number is changed everywhere.
id: %(plan)s                             # units name it in `plan:`
title: "<<FILL IN: the plan's title, the poster's headline, e.g. IT outage – %(system)s>>"
system: %(system_q)s                       # the system's name; "%(system)s in the browser" goes under the QR code
summary: "<<FILL IN: one line on what the situation is (under the poster's title)>>"

# 1 to 9 short, imperative steps for the poster and the pocket card, in order.
steps:
  - "<<FILL IN: step 1, e.g. Call the other units and ask how big the outage is>>"
  - "<<FILL IN: step 2, e.g. Call the contacts under 'Call now'>>"
  - "<<FILL IN: step 3, e.g. Write everything on the paper sheets>>"

# Contact ids from contacts.yaml, in the order the poster shows them.
contacts: [system-team, it, it-oncall]

# The address that works when the usual way in does not: printed as text and as the QR code.
fallback:
  url: "<<FILL IN: the fallback address, starting with https://>>"
  how: "<<FILL IN: one sentence on using it>>"
  # mobile: the route when the network is down, e.g. a phone with a SIM card (optional)

# Where a forgotten password is changed (optional):
# password_reset:
#   url: https://…
#   how: one sentence, e.g. Change your password at

# What to do when there is nobody to call (evenings, nights, weekends).
outside_hours: "<<FILL IN: what to do when nobody can be called>>"

# Planned downtime, printed as the next dates on the poster and written as a calendar (optional):
# maintenance:
#   rrule: FREQ=MONTHLY;BYDAY=+4TU     # an iCalendar RRULE: here the 4th Tuesday of every month
#   part_of_day: evening               # morning | daytime | evening | night
#   duration_hours: [1, 2]             # [shortest, longest] expected downtime in hours
#   note: the plan's own sentence about it

# The plan's approval facts, printed in every footer. Dates are YYYY-MM-DD.
revision:
  prepared_by: "<<FILL IN: who prepared the plan>>"
  approved_by: "<<FILL IN: who approved it, title and name>>"
  approved_on: "<<FILL IN: the date it was approved, YYYY-MM-DD>>"
  last_updated: "<<FILL IN: the date it was last updated, YYYY-MM-DD>>"
  editor: "<<FILL IN: the responsible editor's name>>"

# The whole plan, section by section, for the binder. A section's body is a list of
# paragraphs and bullet lists (`- bullets: [...]`). Add as many sections as the plan has.
sections:
  - id: situation                     # lower-case letters, digits and hyphens
    heading: "<<FILL IN: the section's heading, e.g. Situation>>"
    body:                             # paragraphs and bullet lists, in order
      - "<<FILL IN: a paragraph: what counts as an outage>>"

  - id: alerting
    heading: "<<FILL IN: the section's heading, e.g. Alerting>>"
    body:
      - "<<FILL IN: whom to alert and how, e.g. In working hours call the IT department on {phone:it}.>>"
      - bullets:                      # a bullet list: one item per line
          - "<<FILL IN: a bullet point>>"
"""

UNITS = """\
# yaml-language-server: $schema=%(schemas)s/units.schema.json
# The units that get a kit, one block each (copy the block for the next unit).
# Kept in a spreadsheet instead? Put units.xlsx or units.csv here and delete this file;
# the columns are in docs/adopt.md, and `nødkit units export units.xlsx` writes this
# file's units as a spreadsheet to start from.
units:
  - id: "<<FILL IN: the unit's id, lower-case letters, digits and hyphens, e.g. fjordgaarden>>"
    name: "<<FILL IN: the unit's name>>"
    plan: %(plan)s                    # the plan's id: plans/%(plan)s.yaml
    address: "<<FILL IN: the unit's address>>"
    phone: "<<FILL IN: the unit's own phone>>"
    leader:                           # the local leader: printed in the unit's block
      name: "<<FILL IN: the leader's name>>"
      phone: "<<FILL IN: the leader's phone>>"
    neighbours: []                    # ids of units to call to gauge the outage; their numbers are printed
    languages: [%(lang)s]                   # the languages of this unit's kit
    # copies: {poster-a3: 1, poster-a4: 2}   # copies per document id (`nødkit list`); 1 if not named
%(sheets)s    # example: true                   # a made-up unit: prints "EXAMPLE – not for use" across every page
"""

_SHEETS = "    # sheets: [haendelseslog]         # registration sheet kinds; left out: every kind\n"


def _templates(lang: str) -> dict[str, str]:
    """The files' words in `lang` where nødkit has them (da, en), else in English."""
    from . import init_da
    from .project import TEMPLATE as PROJECT
    english = dict(marker="FILL IN", name="<<FILL IN: the organisation's name, e.g. Fjordby Kommune>>",
                   timezone="<<FILL IN: time zone, e.g. Europe/Copenhagen>>", organisation=ORGANISATION,
                   contacts=CONTACTS, plan=PLAN, units=UNITS, sheets=_SHEETS, project=PROJECT)
    if lang.split("_")[0] == "da":
        return dict(marker=init_da.MARKER, name=init_da.NAME, timezone=init_da.TIMEZONE,
                    organisation=init_da.ORGANISATION, contacts=init_da.CONTACTS, plan=init_da.PLAN,
                    units=init_da.UNITS, sheets=init_da.SHEETS, project=init_da.PROJECT)
    return english


def init_content(root: Path, *, organisation: str | None = None, lang: str = "da", region: str = "DK",
                 system: str = "Nexus") -> InitResult:
    from .schema import schemas

    root = Path(root)
    if root.exists() and not root.is_dir():
        raise InitError(f"{root} is a file; give a folder name for the new content folder")
    if root.is_dir() and any(root.iterdir()):
        raise InitError(f"{root} is not empty; nødkit init writes a new content folder and overwrites "
                        f"nothing. Give a new or empty folder")

    plan = _slug(system)
    words = _templates(lang)
    values = {
        "name": _q(organisation) if organisation else _q(words["name"]),
        "region": region,
        "lang": lang,
        "timezone": _timezone(region, words["timezone"]),
        "system": re.sub(r'["\\\s]+', " ", system).strip(),  # goes into comments and quoted placeholders
        "system_q": _q(system),
        "plan": plan,
        "sheets": words["sheets"] if "sheets" in Unit.model_fields else "",
    }
    texts = {
        ORGANISATION_FILE: words["organisation"] % {**values, "schemas": SCHEMA_DIR},
        CONTACTS_FILE: words["contacts"] % {**values, "schemas": SCHEMA_DIR},
        f"{PLANS_DIR}/{plan}.yaml": words["plan"] % {**values, "schemas": f"../{SCHEMA_DIR}"},
        UNITS_FILE: words["units"] % {**values, "schemas": SCHEMA_DIR},
        # the project file: in this folder, `nødkit check` and `nødkit build` need no options
        PROJECT_FILE: words["project"].format(content=_q("."), out=_q("output")),
    }
    for name, body in schemas().items():
        texts[f"{SCHEMA_DIR}/{name}.schema.json"] = json.dumps(body, indent=2, ensure_ascii=False) + "\n"

    written = []
    for rel, text in texts.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    # values only: the comments mention the syntax too
    count = sum(len(find_placeholders(parse_yaml(t, Path(rel)))) for rel, t in texts.items() if rel.endswith(".yaml"))
    return InitResult(root, written, count, f"<<{words['marker']}: …>>")
