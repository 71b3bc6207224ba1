"""The fixture schema, and its errors worded for the people who write fixture files."""

import json
from functools import cache
from pathlib import Path

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "fixtures" / "newsroom-fixture.schema.json"


@cache
def validator():
    """The JSON Schema validator for fixture files, built once."""
    # Imported when first needed: records are checked by fastjsonschema, and this one only
    # words what is wrong with a record that failed (a twentieth of an import's start-up).
    import jsonschema

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def message(error):
    """A schema error as (missing field name or "", message for an editor)."""
    keyword, subschema, instance = error.validator, error.schema, error.instance
    if keyword == "required":
        missing = [name for name in error.validator_value if name not in instance]
        return ", ".join(missing), "This field is required."
    if keyword == "additionalProperties":
        unknown = sorted(set(instance) - set(subschema.get("properties", {})))
        return ", ".join(unknown), "unknown field (see docs/fixture-format.md)."
    if keyword == "type":
        return "", f"expected {error.validator_value}, got {json.dumps(instance)[:60]}."
    if keyword == "pattern" and subschema["pattern"] == r"\S":
        return "", "This field cannot be blank."
    if keyword == "pattern":
        return "", f"“{instance}” is not a slug (letters, numbers, hyphens and underscores)."
    if keyword == "minLength" and error.validator_value == 1:
        return "", "This field cannot be blank."
    if keyword == "maxLength":
        return "", f"at most {error.validator_value} characters (it has {len(instance)})."
    if keyword == "enum":
        return "", "must be one of: " + ", ".join(map(str, error.validator_value)) + "."
    return "", error.message
