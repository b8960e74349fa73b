"""The models, loaded once per process: dlib's HOG frontal-face detector, its 5-point landmark model and its
ResNet face encoder (128 numbers per face). The two model files come from the `face-recognition-models` wheel,
found with `importlib.util.find_spec` without importing that package (its `__init__` imports `pkg_resources`,
which setuptools >= 81 no longer has). `FACES_MODEL_DIR` in the environment overrides the folder.
"""

import importlib.util
import os
import threading
from functools import cache
from pathlib import Path

import cv2
import dlib

LANDMARKS_FILE = "shape_predictor_5_face_landmarks.dat"
ENCODER_FILE = "dlib_face_recognition_resnet_model_v1.dat"

# One thread per process: a worker runs one analysis per core (Celery prefork); OpenCV's own thread pool
# would only fight the other processes for the same cores.
cv2.setNumThreads(1)

_lock = threading.Lock()


class ModelsMissing(ImportError):
    """The model files are not where they should be (the package `face-recognition-models` is missing).
    An ImportError, raised by `import faces`: the caller's worker then retries later instead of failing."""


def model_dir() -> Path:
    override = os.environ.get("FACES_MODEL_DIR")
    if override:
        return Path(override)
    spec = importlib.util.find_spec("face_recognition_models")
    if spec is None or not spec.submodule_search_locations:
        raise ModelsMissing("face-recognition-models is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "models"


def _model(name: str) -> str:
    path = model_dir() / name
    if not path.is_file():
        raise ModelsMissing(f"{path} is missing")
    return str(path)


def check() -> None:
    """Raise ModelsMissing unless both model files exist (cheap: nothing is loaded)."""
    _model(LANDMARKS_FILE)
    _model(ENCODER_FILE)


@cache
def _models():
    with _lock:
        return (
            dlib.get_frontal_face_detector(),
            dlib.shape_predictor(_model(LANDMARKS_FILE)),
            dlib.face_recognition_model_v1(_model(ENCODER_FILE)),
        )


def detector():
    return _models()[0]


def landmarks():
    return _models()[1]


def encoder():
    return _models()[2]


def warm_up() -> None:
    """Load the models now (a worker process calls this once at start; tests once per session)."""
    _models()
