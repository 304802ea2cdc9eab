"""The dataset card: YAML front matter that ``datasets.load_dataset(DIR)`` reads, and a summary."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

_FRONT = """---
configs:
- config_name: default
  data_files:
  - split: train
    path: data/train.parquet
  - split: eval
    path: data/eval.parquet
task_categories:
- text-classification
- text-generation
tags:
- reward-model
- verifier
- rlvr
---
"""


def write_card(output: Path, config: dict[str, Any], report: dict[str, Any]) -> Path:
    """README.md of the dataset folder: what each column means, how it was built, counts."""
    body = f"""# CoT reward-model data (rlvr-kit `rm-train data`)

Each row asks: given the question, the reference answer and a response, is the response's final
answer correct? `check` is the target a generative judge is trained to write: a short step-by-step
check ending in `Verdict: Yes` or `Verdict: No`. `label` is the ground truth; a
sequence-classification baseline trains on it directly.

## Columns
- `question`, `reference`, `response`: the judge's inputs (`question` may be empty for
  equivalence tables).
- `label`: whether the response is correct. `category`: `rollout`, `labelled`, or the kind of hard
  negative/positive (`near_miss`, `hedged`, `multi_answer`, `truncated`, `content_free`,
  `gold_in_wrong_work`, `injection`, `equivalent_form`, `units`, `notation`).
- `check`: the target (teacher-written where a teacher was configured and agreed with the label,
  else built from the rule verifier's explanation).
- `group`: the split unit (the question, or `gold:<reference>` without one); no group is in
  both splits.
- `rule_correct`, `rule_status`, `rule_extracted`, `rule_reason`: the rule verifier's verdict.

## How it was built
Sources were read, hard negatives and positives were added around each (question, reference),
constructed examples that the rule verifier contradicts were dropped, duplicates removed, questions
split into train/eval by a seeded hash, train questions that are near-duplicates of eval questions
or of the master-key suite's questions removed (word 8-gram overlap or MinHash Jaccard), and labels
balanced per split (the majority label downsampled evenly across categories).

## Counts
```json
{json.dumps(report, indent=2, ensure_ascii=False)}
```

## Config
```json
{json.dumps(config, indent=2)}
```
"""
    path = output / "README.md"
    path.write_text(_FRONT + body, encoding="utf-8")
    return path
