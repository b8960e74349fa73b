"""Real photos as bytes, and the models loaded once for the whole test process."""

import pytest

import faces
from tests.faces import photos


@pytest.fixture(scope="session")
def models():
    faces.warm_up()


@pytest.fixture(scope="session")
def references(models):
    """The stored encodings of the two people, from their original photos."""
    return {
        p: faces.reference_encoding(photos.encode(photos.originals()[p])) for p in ("astronaut", "hopper")
    }


def variant(person: str, name: str) -> photos.Sample:
    return next(s for s in photos.variants(person) if s.name == f"{person}/{name}")


def inside(box_xywh, truth) -> bool:
    """The found box's centre lies in the known face box, and the known box's centre in the found one."""
    x, y, w, h = box_xywh
    x0, y0, x1, y1 = truth
    cx, cy = x + w / 2, y + h / 2
    tx, ty = (x0 + x1) / 2, (y0 + y1) / 2
    return x0 <= cx <= x1 and y0 <= cy <= y1 and x <= tx <= x + w and y <= ty <= y + h
