"""Inference: the stance classifier and article scoring (installed as ``stancemap.inference``)."""

from stancemap.inference.classifier import StanceClassifier
from stancemap.inference.model_uri import resolve_model_dir
from stancemap.inference.proposals import ProposalSpec, load_proposals
from stancemap.inference.scorer import (
    Article,
    ArticleError,
    ArticleScorer,
    ScoredRow,
    ScoreResult,
    score_articles,
)

__all__ = ["Article", "ArticleError", "ArticleScorer", "ProposalSpec", "ScoreResult",
           "ScoredRow", "StanceClassifier", "load_proposals", "resolve_model_dir",
           "score_articles"]
