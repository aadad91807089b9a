"""Experiment: read the stance from the actor's marker as well as [CLS] (not yet shipped).

The shipped model classifies from BERT's pooled [CLS] vector. Relation-classification
work found that the hidden state at an entity's start marker carries the relation better
(Baldini Soares et al. 2019, "Matching the Blanks"; Zhou and Chen 2021, "An Improved
Baseline for Sentence-level Relation Extraction"). This script trains the default config
with a head on [CLS] + the first ``<<`` marker of the actor's mention + the mean of the
second segment (actor and proposal), by swapping the model class the trainer builds; all
else (data, seed, schedule, evaluation) is the trainer's own.

    python benchmarks/actor_head.py --output runs/actor-head

Reports for dev, test, the challenge set and SEESAW valid land in ``<output>/reports``.
The trained weights are saved as a plain state dict (``head.pt``): stancemap cannot load
this head yet.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import torch
import transformers
from torch import nn
from transformers.modeling_outputs import SequenceClassifierOutput

from stancemap.config import load_config
from stancemap.training.trainer import train


class ActorMarkerHead(nn.Module):
    """Encoder plus a linear layer over [CLS], the actor's start marker and segment B."""

    def __init__(self, base: str, num_labels: int, **kwargs: Any) -> None:
        super().__init__()
        self.encoder = transformers.AutoModel.from_pretrained(base, add_pooling_layer=False)
        self.config = self.encoder.config
        self.config.num_labels = num_labels
        self.config.id2label, self.config.label2id = kwargs["id2label"], kwargs["label2id"]
        tokenizer = transformers.AutoTokenizer.from_pretrained(base)
        self.marker_id = tokenizer.convert_tokens_to_ids("<")  # "<<" tokenizes as "<", "<"
        self.dropout = nn.Dropout(0.1)
        self.classifier = nn.Linear(3 * self.config.hidden_size, num_labels)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                token_type_ids: torch.Tensor, **_: Any) -> SequenceClassifierOutput:
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state
        is_marker = input_ids == self.marker_id
        first_segment = token_type_ids == 0
        starts = is_marker[:, :-1] & is_marker[:, 1:] & first_segment[:, :-1]
        # No marker (the mention was not found in the sentence): fall back to [CLS].
        pos = torch.where(starts.any(1), starts.float().argmax(1), 0)
        marker = hidden[torch.arange(hidden.size(0)), pos]
        second = ((token_type_ids == 1) & attention_mask.bool()).unsqueeze(-1).to(hidden.dtype)
        pair = (hidden * second).sum(1) / second.sum(1).clamp(min=1)
        rep = torch.cat([hidden[:, 0], marker, pair], -1)
        return SequenceClassifierOutput(logits=self.classifier(self.dropout(rep)))

    def save_pretrained(self, path: str | Path, **_: Any) -> None:
        Path(path).mkdir(parents=True, exist_ok=True)
        torch.save(self.state_dict(), Path(path) / "head.pt")


class _Factory:
    @staticmethod
    def from_pretrained(base: str, num_labels: int, **kwargs: Any) -> ActorMarkerHead:
        return ActorMarkerHead(base, num_labels, **kwargs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default="configs/default.yaml")
    parser.add_argument("--output", default="runs/actor-head")
    parser.add_argument("--set", action="append", default=[], dest="overrides")
    args = parser.parse_args()
    # The trainer imports the class when it runs, so swapping the attribute is enough.
    transformers.AutoModelForSequenceClassification = _Factory
    evals = ("data.eval_sets={challenge: {path: data/stance/challenge.jsonl, format: jsonl}, "
             "seesaw_valid: {path: ../shared/datasets/seesaw#valid, format: seesaw}}")
    cfg = load_config(args.config, overrides=[
        f"output_dir={args.output}", "baselines=false", "tracking.run_name=actor-head", evals,
        *args.overrides])
    train(cfg)


if __name__ == "__main__":
    main()
