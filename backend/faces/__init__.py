"""The face pipeline of proctored exams (issue 5): how many faces a photo shows and whether the largest is
the enrolled physician. A plain package (no models, no Django), called by `proctoring.services.analysis` on
the `faces` Celery queue. Choice of models, figures and thresholds: docs/decisions/0017-face-pipeline.md.

    faces.analyse(data, reference_encoding=None, *, compare=True) -> Analysis
    faces.reference_encoding(data) -> bytes | None   (float32 x 128, 512 bytes)
"""

from faces.engine import ModelsMissing, check, warm_up
from faces.pipeline import (
    MATCH_DISTANCE,
    Analysis,
    analyse,
    distance,
    reference_encoding,
    score_from_distance,
)

check()  # a process without the model files cannot import faces (ModelsMissing is an ImportError)

__all__ = [
    "MATCH_DISTANCE",
    "Analysis",
    "ModelsMissing",
    "analyse",
    "distance",
    "reference_encoding",
    "score_from_distance",
    "warm_up",
]
