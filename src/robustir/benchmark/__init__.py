"""Datasets, retrieval settings, metrics, statistics and scoring."""
