"""Training: data loading and validation, fine-tuning, evaluation, baselines and MLflow tracking.

Installed as ``stancemap.training``.
"""
