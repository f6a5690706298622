"""Metric families, one module each: pelvis, hip, stride, cadence (pure numpy over steps).

:mod:`gait.metrics.catalogue` lists every metric key with its label, unit and the views
where it means something.
"""

from gait.metrics.catalogue import CATALOGUE, MetricInfo

__all__ = ["CATALOGUE", "MetricInfo"]
