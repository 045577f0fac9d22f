"""Batch question sets, metrics, reports and benchmarks for Byline."""
