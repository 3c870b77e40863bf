"""The seed corpus: complaints and ideas written for this project, one CSV per category."""
import csv
import json
from pathlib import Path

from gwangju_civic.routing.router import TrainingExample

SEED_COLUMNS = ("text", "lang", "kind", "urgency")


def taxonomy_from_json(path: Path) -> dict[str, tuple[str, str]]:
    """Category code -> (default department, default plan priority) from taxonomy.json."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return {c["code"]: (c["department"], c["plan_priority"]) for c in data["categories"]}


def load_seed_corpus(corpus_dir: Path, taxonomy: dict[str, tuple[str, str]]) -> list[TrainingExample]:
    """Every row of every <category>.csv whose category the taxonomy knows, labelled with its defaults."""
    examples = []
    for path in sorted(Path(corpus_dir).glob("*.csv")):
        if path.stem not in taxonomy:
            continue
        department, plan_priority = taxonomy[path.stem]
        with path.open(encoding="utf-8", newline="") as file:
            reader = csv.DictReader(file)
            if tuple(reader.fieldnames or ()) != SEED_COLUMNS:
                raise ValueError(f"{path.name}: expected columns {', '.join(SEED_COLUMNS)}")
            examples += [
                TrainingExample(row["text"], row["kind"], path.stem, department, plan_priority, row["urgency"])
                for row in reader
            ]
    return examples
