"""Inference: the stance classifier and its loaders (installed as ``stancemap.inference``)."""

from stancemap.inference.classifier import StanceClassifier
from stancemap.inference.model_uri import resolve_model_dir

__all__ = ["StanceClassifier", "resolve_model_dir"]
