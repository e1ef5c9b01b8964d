"""The envelope: what any plan may hold (docs/layouts.md, "What fits"), as data for the tests.

Each bound is a change to a content folder — one dimension pushed to its limit, the rest as it
was — with the texts it adds, so a test can look for them in the documents. Texts are made of
real Danish and English words (the words of outage plans and care), never "x" * n: real words
wrap like real plans do.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import yaml

# Words of real outage plans and care work, short and long, with Danish letters.
DANISH = """
nedbrud omsorgssystemet hjemmeplejen plejecentret botilbuddet borgerne medarbejderne lederen
vagten aftenvagten nattevagten weekenden helligdage telefonen nødnummeret kørelisten medicinen
medicinlisten dosisdispenseringen journalen dokumentationen papirskemaet registreringen
sygeplejersken social- og sundhedsassistenten afløseren vikaren kollegaen naboenheden
forvaltningen kommunen regionen lægevagten akutteamet it-afdelingen supporten driften
leverandøren systemet netværket internettet adgangen adgangskoden brugeren browseren linket
ring kontakt skriv tjek prøv afvent vurder prioritér informér dokumentér send hent giv
og eller men når hvis før efter under mellem hos til fra med uden ved om på i af for
hele alle ingen nogle flere mindre vigtig kritisk akut planlagt ikke straks igen også
borger pårørende besøg ydelse visitation plejeplan handleplan observation blodtryk puls
temperatur iltmætning blodsukker smerter uro fald skade ernæring væske udskillelse søvn
Sønderå Nørreby Østervang Ålykke Bøgely Æblehaven Skovbrynet Fjordgården Engbo Lyngtoften
""".split()

ENGLISH = """
outage care record system home care nursing home residential home citizens staff leader
shift evening shift night shift weekends public holidays phone emergency number route list
medication medication list dose dispensing record documentation paper form registration
nurse care assistant substitute temporary colleague neighbouring unit administration
municipality region out-of-hours doctor acute team IT department support operations supplier
system network internet access password user browser link
call contact write check try wait assess prioritise inform document send fetch give
and or but when if before after during between at to from with without by about on in of for
whole all none some more less important critical urgent planned not immediately again also
citizen relative visit service assessment care plan action plan observation blood pressure
pulse temperature oxygen saturation blood sugar pain unrest fall injury nutrition fluids sleep
""".split()


def sentence(length: int, lang: str = "da", seed: int = 0) -> str:
    """Real words, about `length` characters (never more), ending at a word."""
    words = DANISH if lang == "da" else ENGLISH
    rng = random.Random(f"{lang}:{seed}:{length}")
    out: list[str] = []
    while True:
        word = rng.choice(words)
        if len(" ".join(out + [word])) > length:
            if len(" ".join(out)) >= length - 4 or not out:
                break
            continue
        out.append(word)
    text = " ".join(out)
    return text[0].upper() + text[1:]


def both(length: int, seed: int = 0) -> dict[str, str]:
    return {"da": sentence(length, "da", seed), "en": sentence(length, "en", seed)}


def phone(n: int) -> str:
    """A valid Danish number that no example uses (8-digit, starting 7)."""
    digits = f"7{(n * 7919) % 10_000_000:07d}"
    return " ".join(digits[i:i + 2] for i in range(0, 8, 2))


def _n(limit: int, share: float) -> int:
    """A length or count at a share of its limit (at least 1)."""
    return max(1, round(limit * share))


# --- changing a content folder ------------------------------------------------------------------

class Content:
    """A copy of a content folder, read as plain YAML, changed, written back."""

    def __init__(self, root: Path):
        self.root = root
        self.plan_file = next((root / "plans").glob("*.yaml"))
        self.plan = self._load(self.plan_file)
        self.contacts = self._load(root / "contacts.yaml")
        self.units = self._load(root / "units.yaml")

    @staticmethod
    def _load(path: Path):
        return yaml.safe_load(path.read_text("utf-8"))

    def unit(self, unit_id: str) -> dict:
        return next(u for u in self.units["units"] if u["id"] == unit_id)

    def save(self) -> None:
        for path, data in ((self.plan_file, self.plan), (self.root / "contacts.yaml", self.contacts),
                           (self.root / "units.yaml", self.units)):
            path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000), "utf-8")


@dataclass(frozen=True)
class Bound:
    """One dimension of the envelope: `apply` changes the content for `unit` (at a share of the
    limit: 1.0 is the limit) and returns the texts that must appear, by document id."""

    name: str
    limit: str  # its row in docs/layouts.md, "What fits": "| content | at most |"
    # (content, unit, share of the limit 0..1, seed) -> texts that must appear, by document
    apply: Callable[[Content, str, float, int], dict[str, list]]

    def at_limit(self, content: Content, unit: str) -> dict[str, list]:
        return self.apply(content, unit, 1.0, 0)


def _title(c: Content, unit: str, f: float = 1.0, seed: int = 0):
    c.plan["title"] = both(_n(60, f), 1 + seed)
    return {"poster-a3": [c.plan["title"]], "poster-a4": [c.plan["title"]], "plan": [c.plan["title"]]}


def _summary(c: Content, unit: str, f: float = 1.0, seed: int = 0):
    c.plan["summary"] = both(_n(250, f), 2 + seed)
    return {"poster-a3": [c.plan["summary"]], "plan": [c.plan["summary"]]}


def _long_step(c: Content, unit: str, f: float = 1.0, seed: int = 0):
    c.plan["steps"][1] = both(_n(150, f), 3 + seed)
    return {"poster-a3": [c.plan["steps"][1]], "poster-a4": [c.plan["steps"][1]], "pocket-cards": [c.plan["steps"][1]]}


def _steps(n: int):
    def apply(c: Content, unit: str, f: float = 1.0, seed: int = 0):
        while len(c.plan["steps"]) < max(_n(n, f), 1):
            c.plan["steps"].append(both(60, 40 + len(c.plan["steps"]) + seed))
        return {"poster-a3": c.plan["steps"], "poster-a4": c.plan["steps"]}
    return apply


def _unit_name(c: Content, unit: str, f: float = 1.0, seed: int = 0):
    name = "Hjemmeplejen Sønderå Syd – Team Nørre Østervang, Bøgely og Lyngtoften aftenvagt"[:_n(80, f)].strip()
    c.unit(unit)["name"] = name
    return {"poster-a3": [name], "poster-a4": [name], "plan": [name], "binder": [name]}


def _address(c: Content, unit: str, f: float = 1.0, seed: int = 0):
    address = "Plejecentret Æblehaven, afdeling Østervang, bygning C, 2. sal, Ålykkevej 117, 9999"[:_n(80, f)].strip()
    c.unit(unit)["address"] = address
    return {"poster-a3": [address], "poster-a4": [address], "plan": [address]}


def _leader(c: Content, unit: str, f: float = 1.0, seed: int = 0):
    name = "Anne-Marie Østergaard Kristiansen-Bøgely"[:_n(40, f)].strip()
    c.unit(unit)["leader"]["name"] = name
    return {"poster-a3": [name], "poster-a4": [name], "pocket-cards": [name], "plan": [name]}


def _neighbours(c: Content, unit: str, f: float = 1.0, seed: int = 0):
    others = [u for u in c.units["units"] if u["id"] != unit]
    count = _n(6, f)
    for i in range(len(others), count):
        c.units["units"].append({"id": f"nabo-{i}", "name": f"Botilbuddet {sentence(16, 'da', 70 + i)}",
                                 "plan": c.unit(unit)["plan"], "address": "Vej 1, 9999 By", "phone": phone(70 + i),
                                 "leader": {"name": "Leder Nabo", "phone": phone(80 + i)}, "example": True})
        others = [u for u in c.units["units"] if u["id"] != unit]
    c.unit(unit)["neighbours"] = [u["id"] for u in others[:count]]
    return {"plan": [u["name"] for u in others[:count]]}


def _contacts(c: Content, unit: str, f: float = 1.0, seed: int = 0):
    added = []
    for i in range(_n(20, f)):
        contact = {"id": f"leder-{i + 1}", "name": both(24, 100 + i + seed), "phones": [phone(100 + i)],
                   "available": "working-hours", "call_when": both(50, 200 + i + seed)}
        c.contacts["contacts"].append(contact)
        c.plan["contacts"].append(contact["id"])
        added.append(contact)
    return {"plan": [ct["name"] for ct in added] + [ct["phones"][0] for ct in added]}


def _contact_name(c: Content, unit: str, f: float = 1.0, seed: int = 0):
    first = c.contacts["contacts"][0]
    first["name"] = both(_n(60, f), 5 + seed)
    return {"plan": [first["name"]]}


def _call_when(c: Content, unit: str, f: float = 1.0, seed: int = 0):
    first = next(ct for ct in c.contacts["contacts"] if ct["id"] == c.plan["contacts"][0])
    first["call_when"] = both(_n(150, f), 6 + seed)
    return {"poster-a3": [first["call_when"]], "plan": [first["call_when"]]}


def _url(c: Content, unit: str, f: float = 1.0, seed: int = 0):
    url = "https://noedadgang.soenderaa-kommune.dk/omsorg/nexus/login?kilde=plakat&enhed=hjemmepleje-syd&vagt=aften"
    url = url[:max(30, _n(100, f))].rstrip("?&=.-")
    c.plan.setdefault("fallback", {"how": both(60, 7)})["url"] = url
    return {"poster-a3": [url], "poster-a4": [url], "pocket-cards": [url]}


def _numbers(c: Content, unit: str, f: float = 1.0, seed: int = 0):
    first = next(ct for ct in c.contacts["contacts"] if ct["id"] == c.plan["contacts"][0])
    first["phones"] = [phone(300 + k) for k in range(max(_n(3, f), 1))]
    return {"poster-a3": first["phones"], "poster-a4": first["phones"], "plan": first["phones"]}


def _note(c: Content, unit: str, f: float = 1.0, seed: int = 0):
    c.plan["maintenance"]["note"] = both(_n(200, f), 8 + seed)
    return {"plan": [c.plan["maintenance"]["note"]]}


def _system(c: Content, unit: str, f: float = 1.0, seed: int = 0):
    system = "Columna Cosmic Omsorg"[:_n(20, f)].strip()
    c.plan["system"] = system
    return {"poster-a3": [system], "poster-a4": [system]}


# (name, the row of docs/layouts.md "What fits": content | at most, change)
BOUNDS = [
    Bound("title", "| plan title | 60 characters |", _title),
    Bound("summary", "| summary | 250 characters |", _summary),
    Bound("step", "| one step | 150 characters |", _long_step),
    Bound("steps7", "| steps | 7 (posters: 9) |", _steps(7)),
    Bound("steps9", "| steps | 7 (posters: 9) |", _steps(9)),
    Bound("system", "| the system's name | 20 characters |", _system),
    Bound("unit-name", "| unit name | 80 characters |", _unit_name),
    Bound("address", "| unit address | 80 characters |", _address),
    Bound("leader", "| leader's name | 40 characters |", _leader),
    Bound("neighbours", "| neighbour units | 6 |", _neighbours),
    Bound("contacts", "| contacts | 20 of one availability |", _contacts),
    Bound("contact-name", "| a contact's name | 60 characters |", _contact_name),
    Bound("call-when", "| a contact's call_when | 150 characters |", _call_when),
    Bound("url", "| fallback URL | 100 characters |", _url),
    Bound("numbers", "| numbers of one contact | 3 |", _numbers),
    Bound("note", "| maintenance note | 200 characters |", _note),
]
