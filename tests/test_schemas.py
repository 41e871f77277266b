"""The committed JSON Schemas are generated from the models and the dev gold files satisfy theirs."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from kg.cli import app
from kg.evaluate.gold import GoldFile
from kg.schemas import SCHEMA_MODELS, schema_documents


def test_committed_schemas_are_up_to_date(root: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["schemas", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [f"wrote {tmp_path / name}" for name in SCHEMA_MODELS]
    for name in SCHEMA_MODELS:
        committed = root / "schemas" / name
        assert committed.is_file(), f"{committed} missing: run `make schemas`"
        assert committed.read_text(encoding="utf-8") == (tmp_path / name).read_text(encoding="utf-8"), (
            f"{committed} is stale: run `make schemas`"
        )


def test_schemas_describe_the_contract() -> None:
    docs = {name: json.loads(text) for name, text in schema_documents().items()}
    extraction = docs["extraction.schema.json"]
    assert extraction["required"] == ["article"] and set(extraction["properties"]) == {
        "article",
        "entities",
        "relations",
    }
    gold_types = docs["gold.schema.json"]["$defs"]["GoldEntityType"]["enum"]
    assert gold_types[-1] == "Other" and "Company" in gold_types
    assert docs["article.schema.json"]["required"] == ["id", "path", "text"]


def test_every_dev_gold_file_validates(root: Path, dev_corpus: Path) -> None:
    """Against the committed JSON Schema file (what other tools use) and against the model."""
    import jsonschema

    schema = json.loads((root / "schemas" / "gold.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    files = sorted((dev_corpus / "gold").glob("*.json"))
    assert files
    for f in files:
        data = json.loads(f.read_text(encoding="utf-8"))
        assert not list(validator.iter_errors(data)), f
        GoldFile.model_validate(data)
    assert list(validator.iter_errors({"entities": [{"name": "x", "type": "Animal"}]}))


def test_extraction_lines_validate_against_the_committed_schema(root: Path) -> None:
    import jsonschema

    from kg.models import ArticleRef, Evidence, ExtractedEntity, ExtractedRelation, Extraction, Mention

    schema = json.loads((root / "schemas" / "extraction.schema.json").read_text(encoding="utf-8"))
    line = Extraction(
        article=ArticleRef(id="a", path="x.md"),
        entities=[
            ExtractedEntity(id="e1", name="甲", type="Company", mentions=[Mention(start=0, end=1, text="甲")])
        ],
        relations=[
            ExtractedRelation(
                type="SIGNED_AGREEMENT_WITH",
                source="e1",
                target="e1",
                evidence=Evidence(start=0, end=1, text="甲"),
            )
        ],
    ).to_json_dict()
    jsonschema.validate(line, schema)


def test_gold_schema_rejects_unknown_types() -> None:
    import pydantic
    import pytest

    with pytest.raises(pydantic.ValidationError):
        GoldFile.model_validate({"entities": [{"name": "x", "type": "Animal"}]})
    with pytest.raises(pydantic.ValidationError):
        GoldFile.model_validate(
            {"relations": [{"source": "a", "type": "LIKES", "target": "b", "evidence": ""}]}
        )
