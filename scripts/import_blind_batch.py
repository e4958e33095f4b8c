"""Copy a blind batch into the guard corpus (tests/guard/corpus/blind_batchN.jsonl).

A batch is written with topic labels ("pregnancy", "reply_confirm", …); the corpus test wants the
guard's own categories, so each topic maps to the category that should catch it. The topics and
the writer's note are kept on every line.

Usage: python scripts/import_blind_batch.py /work/blind/batch1.jsonl 1
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "guard" / "corpus"
TOPIC_CATEGORY = {
    "date_person": "date",
    "reply_confirm": "patient_relationship",
    "staff_comment": "care_detail",
    "bill_insurance": "care_detail",
    "tagged_handle": "handle",
    "identifier": "record_number",
    "testimonial": "consent_missing",
    "before_after": "patient_story",
}
DEFAULT_CATEGORY = "person_name"


def categories(example: dict[str, object]) -> list[str]:
    if example["label"] == "ok":
        return []
    topics = example.get("categories") or []
    assert isinstance(topics, list)
    found = sorted({TOPIC_CATEGORY.get(str(t), DEFAULT_CATEGORY) for t in topics})
    return found or [DEFAULT_CATEGORY]


def main() -> None:
    source, number = Path(sys.argv[1]), sys.argv[2]
    lines = []
    for raw in source.read_text(encoding="utf-8").splitlines():
        if not raw.strip():
            continue
        example = json.loads(raw)
        example["topics"] = example.get("categories", [])
        example["categories"] = categories(example)
        lines.append(json.dumps(example, ensure_ascii=False))
    target = CORPUS / f"blind_batch{number}.jsonl"
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    sys.stdout.write(f"{target}: {len(lines)} texts\n")


if __name__ == "__main__":
    main()
