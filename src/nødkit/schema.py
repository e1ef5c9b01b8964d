"""JSON Schemas of the content files, generated from the same models that validate them."""

from __future__ import annotations

from .content.models import ContactsFile, Organisation, Plan, UnitsFile

FILES = {"organisation": Organisation, "contacts": ContactsFile, "plan": Plan, "units": UnitsFile}
TITLES = {
    "organisation": "nødkit organisation.yaml",
    "contacts": "nødkit contacts.yaml",
    "plan": "nødkit plans/<id>.yaml",
    "units": "nødkit units.yaml",
}


def schemas() -> dict[str, dict]:
    out = {}
    for name, model in FILES.items():
        body = model.model_json_schema(mode="validation")
        body["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        body["title"] = TITLES[name]
        out[name] = body
    return out
