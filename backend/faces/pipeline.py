"""decode -> resize -> detect -> (best face) landmarks + encoding -> compare. See docs/decisions/0017.

Distances are dlib's: the Euclidean distance between two 128-number encodings (same person typically < 0.5).
`match_score` maps it onto a similarity in [0, 1]: score = clip(1 - distance / (2 x MATCH_DISTANCE), 0, 1),
so distance 0 -> 1.0, the threshold -> 0.5, twice the threshold or more -> 0 (at the default 0.5: score =
1 - distance). `matched` is distance <= MATCH_DISTANCE, i.e. score >= 0.5.
"""

import math
import os
import struct
import time
from dataclasses import dataclass, field

import cv2
import dlib
import numpy as np

from faces import engine

MAX_SIDE = 640  # longest side of the image the detector sees
ENCODE_MAX_SIDE = 1280  # longest side of the image the face is cut from for the encoder
MAX_PIXELS = 40_000_000  # never decoded beyond this, whatever the caller checked (its limit is 12 MP)
DETECT_UPSAMPLE = 1  # the HOG detector looks at twice MAX_SIDE: faces down to ~40 px of the 640 px image
DETECT_THRESHOLD = 0.3  # dlib HOG score a face needs (dlib's default is 0; 0.3 removed every false face)...
FALLBACK_THRESHOLD = 0.0  # ...but when none reaches it, the best detection above dlib's default still counts
# Same person when the encodings are at most this far apart. dlib calibrated 0.6 on LFW (mostly Western faces);
# users of the model report more false matches among East Asian faces at 0.6 and use 0.5 or less. A false
# "not matched" costs a reviewer's look, a false match hides an impostor: 0.5 (decision 0017). The
# environment variable FACES_MATCH_DISTANCE changes it (0.3-0.7) without a release once the province has
# measured its own consented same-person pairs.


def _match_distance(default: float = 0.5) -> float:
    try:
        value = float(os.environ.get("FACES_MATCH_DISTANCE") or default)
    except ValueError:
        return default
    return min(0.7, max(0.3, value)) if math.isfinite(value) else default


MATCH_DISTANCE = _match_distance()
ENCODING_DIM = 128
ENCODING_BYTES = ENCODING_DIM * 4  # float32, little-endian
DARK_MEAN = 40  # mean grey level under which the photo is flagged `dark`
SMALL_FACE = 0.12  # a largest face narrower than this share of the image's shorter side is `small_face`

# extra flags (the caller keeps them in the snapshot's analysis detail; they rank nothing by themselves)
FLAG_DARK = "dark"
FLAG_SMALL_FACE = "small_face"
FLAG_REFERENCE_INVALID = "reference_invalid"
FLAG_COMPARE_SKIPPED = "compare_skipped"


@dataclass
class Analysis:
    face_count: int | None = None
    boxes: list[tuple[int, int, int, int]] = field(default_factory=list)  # x, y, w, h in the photo's pixels
    largest_face_ratio: float | None = None  # area of the largest face / area of the photo
    match_score: float | None = None  # similarity in [0, 1] to the reference (None: not compared)
    matched: bool | None = None
    distance: float | None = None  # dlib distance behind match_score
    encoding: bytes | None = None  # the largest face's encoding (float32 x 128), when computed
    width: int | None = None
    height: int | None = None
    flags: list[str] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    decode_error: str | None = None


def score_from_distance(distance: float) -> float:
    return float(min(1.0, max(0.0, 1.0 - distance / (2 * MATCH_DISTANCE))))


def encoding_from_bytes(data: bytes | None) -> np.ndarray | None:
    if not data or len(data) != ENCODING_BYTES:
        return None
    vector = np.frombuffer(data, dtype="<f4")
    return vector if np.all(np.isfinite(vector)) else None


def distance(a: bytes, b: bytes) -> float | None:
    """dlib distance between two stored encodings (None if either is not one)."""
    va, vb = encoding_from_bytes(a), encoding_from_bytes(b)
    if va is None or vb is None:
        return None
    return float(np.linalg.norm(va - vb))


# --- decoding ----------------------------------------------------------------------------------------------
def dimensions(data: bytes) -> tuple[int, int] | None:
    """(width, height) from a PNG or JPEG header, without decoding; None when not found."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24 and data[12:16] == b"IHDR":
        return struct.unpack(">II", data[16:24])
    if data[:2] != b"\xff\xd8":
        return None
    i, n = 2, len(data)
    while i + 9 < n:
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        length = struct.unpack(">H", data[i + 2 : i + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[i + 5 : i + 9])
            return width, height
        i += 2 + length
    return None


def _reduction(dims: tuple[int, int] | None) -> int:
    """libjpeg can decode at 1/2, 1/4 or 1/8 scale for a fraction of the cost: the largest factor that keeps
    the longest side at least ENCODE_MAX_SIDE."""
    if not dims:
        return 1
    longest = max(dims)
    for factor in (8, 4, 2):
        if longest / factor >= ENCODE_MAX_SIDE:
            return factor
    return 1


_REDUCED = {
    1: cv2.IMREAD_COLOR,
    2: cv2.IMREAD_REDUCED_COLOR_2,
    4: cv2.IMREAD_REDUCED_COLOR_4,
    8: cv2.IMREAD_REDUCED_COLOR_8,
}


def decode(data: bytes) -> tuple[np.ndarray | None, str | None, tuple[int, int] | None]:
    """(RGB image, error, (width, height) of the photo as shown). EXIF orientation is applied (phones); a large
    JPEG comes back reduced 2, 4 or 8 times, the size reported is the photo's own."""
    dims = dimensions(data)
    if dims and dims[0] * dims[1] > MAX_PIXELS:
        return None, f"too many pixels: {dims[0]}x{dims[1]}", dims
    factor = _reduction(dims) if data[:2] == b"\xff\xd8" else 1
    try:
        image = cv2.imdecode(np.frombuffer(data, np.uint8), _REDUCED[factor])
    except cv2.error as exc:
        return None, f"cannot decode: {exc}", dims
    if image is None or image.size == 0:
        return None, "cannot decode: not a readable JPEG or PNG image", dims
    height, width = image.shape[:2]
    if factor == 1 or not dims:
        shown = (width, height)
    else:  # the header's size, turned like the decoded image when EXIF rotated it
        shown = dims if (width >= height) == (dims[0] >= dims[1]) else (dims[1], dims[0])
    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB), None, shown


# --- the pipeline ------------------------------------------------------------------------------------------
def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 2)


def _shrink(image: np.ndarray, longest: int) -> tuple[np.ndarray, float]:
    h, w = image.shape[:2]
    factor = longest / max(h, w)
    if factor >= 1:
        return image, 1.0
    size = (max(1, round(w * factor)), max(1, round(h * factor)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA), factor


def detect(grey: np.ndarray, upsample: int = DETECT_UPSAMPLE):
    """dlib rectangles of the faces in a grey uint8 image, best first: those scoring DETECT_THRESHOLD or more,
    or else the single best one above FALLBACK_THRESHOLD (one detector pass either way)."""
    rects, scores, _ = engine.detector().run(grey, upsample, FALLBACK_THRESHOLD)
    ranked = sorted(zip(scores, rects, strict=True), key=lambda p: -p[0])
    faces = [r for score, r in ranked if score >= DETECT_THRESHOLD]
    return faces or [r for _, r in ranked[:1]]


def encode_face(image: np.ndarray, rect) -> np.ndarray:
    shape = engine.landmarks()(image, rect)
    chip = dlib.get_face_chip(image, shape, size=150, padding=0.25)
    return np.asarray(engine.encoder().compute_face_descriptor(chip), dtype="<f4")


def analyse(
    data: bytes,
    reference_encoding: bytes | None = None,
    *,
    compare: bool = True,
    encode: bool = False,
    upsample: int = DETECT_UPSAMPLE,
) -> Analysis:
    """Faces in one photo and, when `reference_encoding` is given and `compare` is true, how close the
    best-scoring one is to it (the examinee in front of the camera; a second face is flagged by the caller
    anyway). Never raises for bad image bytes: `decode_error` says what was wrong. `encode` computes that
    face's encoding even without a reference; `upsample=0` halves the detector's resolution (4x faster,
    faces under ~80 px of the 640 px image missed)."""
    result = Analysis()
    timings = result.timings_ms
    total = time.perf_counter()

    start = time.perf_counter()
    image, error, dims = decode(data)
    timings["decode"] = _ms(start)
    if error:
        result.decode_error = error
        timings["total"] = _ms(total)
        return result
    result.width, result.height = dims

    start = time.perf_counter()
    work, _ = _shrink(image, ENCODE_MAX_SIDE)  # a no-op unless PNG or a JPEG larger than 8x
    to_photo = result.width / work.shape[1]  # work-image pixels -> photo pixels
    small, factor = _shrink(work, MAX_SIDE)
    grey = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)
    timings["resize"] = _ms(start)

    start = time.perf_counter()
    rects = detect(grey, upsample)
    timings["detect"] = _ms(start)

    result.face_count = len(rects)
    area = float(small.shape[0] * small.shape[1])
    for r in rects:
        x0, y0 = max(0, r.left()), max(0, r.top())
        x1, y1 = min(small.shape[1], r.right()), min(small.shape[0], r.bottom())
        scale = to_photo / factor
        result.boxes.append(
            (round(x0 * scale), round(y0 * scale), round((x1 - x0) * scale), round((y1 - y0) * scale))
        )
    if grey.mean() < DARK_MEAN:
        result.flags.append(FLAG_DARK)
    if not rects:
        timings["total"] = _ms(total)
        return result

    largest = max(rects, key=lambda r: r.width() * r.height())
    best = rects[0]
    result.largest_face_ratio = round(min(1.0, largest.width() * largest.height() / area), 4)
    if largest.width() < SMALL_FACE * min(small.shape[:2]):
        result.flags.append(FLAG_SMALL_FACE)

    reference = None
    if reference_encoding is not None:
        reference = encoding_from_bytes(reference_encoding)
        if reference is None:
            result.flags.append(FLAG_REFERENCE_INVALID)
        elif not compare:
            result.flags.append(FLAG_COMPARE_SKIPPED)
    if (reference is not None and compare) or encode:
        start = time.perf_counter()
        k = 1 / factor  # detection pixels -> work-image pixels
        rect = dlib.rectangle(
            round(best.left() * k), round(best.top() * k), round(best.right() * k), round(best.bottom() * k)
        )
        vector = encode_face(work, rect)
        result.encoding = vector.tobytes()
        timings["encode"] = _ms(start)
        if reference is not None and compare:
            start = time.perf_counter()
            d = float(np.linalg.norm(vector - reference))
            if math.isfinite(d):
                result.distance = round(d, 4)
                result.match_score = round(score_from_distance(d), 4)
                result.matched = d <= MATCH_DISTANCE
            timings["compare"] = _ms(start)
    timings["total"] = _ms(total)
    return result


def reference_encoding(data: bytes) -> bytes | None:
    """The encoding of the best-scoring face of a reference photo (float32 x 128 as bytes), or None when the
    photo cannot be decoded or shows no face."""
    result = analyse(data, encode=True)
    return None if result.decode_error else result.encoding
