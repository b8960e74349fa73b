"""The face pipeline on real photos (tests/faces/photos.py): detection, comparison, bad bytes. No mocks: the
dlib models from the installed wheels run here."""

import cv2
import numpy as np
import pytest

import faces
from faces import pipeline
from tests.faces import photos
from tests.faces.conftest import inside, variant


def test_a_face_is_found_in_a_real_photo(models):
    # given a 640x480 webcam-like frame with Eileen Collins in it
    sample = variant("astronaut", "scene-coffee-300")
    # when analysed
    result = faces.analyse(photos.encode(sample.image))
    # then one face, where she is, with the stages timed
    assert result.decode_error is None
    assert result.face_count == 1
    assert inside(result.boxes[0], sample.boxes[0])
    assert (result.width, result.height) == (640, 480)
    assert 0 < result.largest_face_ratio < 0.2
    assert {"decode", "resize", "detect", "total"} <= set(result.timings_ms)
    assert result.match_score is None  # no reference, nothing compared
    assert result.matched is None


@pytest.mark.parametrize("name", ["coffee", "chelsea-cat", "rocket", "noise0", "gradient-h", "lfw-patch3"])
def test_no_face_is_found_in_a_photo_without_one(models, name):
    sample = next(s for s in photos.non_faces() if s.name == f"nonface/{name}")
    result = faces.analyse(photos.encode(sample.image))
    assert result.decode_error is None
    assert result.face_count == 0
    assert result.boxes == []
    assert result.largest_face_ratio is None


@pytest.mark.parametrize("name", ["multi/side-by-side", "multi/behind-shoulder", "multi/three"])
def test_every_face_of_a_frame_with_several_is_counted(models, name):
    # given two or three people in one frame (one of them small, behind the examinee's shoulder)
    sample = next(s for s in photos.composites() if s.name == name)
    # when analysed
    result = faces.analyse(photos.encode(sample.image))
    # then each is found, where it is
    assert result.face_count == len(sample.boxes)
    for truth in sample.boxes:
        assert any(inside(box, truth) for box in result.boxes), (truth, result.boxes)


@pytest.mark.parametrize(
    "name",
    ["mirror", "scale0.5", "dark0.45", "rot+15", "blur9", "jpeg10", "grey", "crop1.0", "scene-brick-220"],
)
def test_the_same_person_is_matched_across_changes_of_the_photo(references, name):
    # given Grace Hopper's stored reference, and her photo changed (mirrored, smaller, darker, turned...)
    sample = variant("hopper", name)
    # when a snapshot of it is compared
    result = faces.analyse(photos.encode(sample.image), reference_encoding=references["hopper"])
    # then it matches, with a similarity above the threshold's 0.5
    assert result.matched is True
    assert 0.5 <= result.match_score <= 1
    assert result.distance <= faces.MATCH_DISTANCE
    assert "encode" in result.timings_ms
    assert "compare" in result.timings_ms


@pytest.mark.parametrize("name", ["original", "mirror", "scene-coffee-420", "dark0.7"])
def test_another_person_is_not_matched(references, name):
    # given Eileen Collins' reference, and photos of Grace Hopper
    sample = variant("hopper", name)
    result = faces.analyse(photos.encode(sample.image), reference_encoding=references["astronaut"])
    # then a face is found but it is not the enrolled person
    assert result.face_count == 1
    assert result.matched is False
    assert 0 <= result.match_score < 0.5
    assert (
        result.distance == pytest.approx(2 * faces.MATCH_DISTANCE * (1 - result.match_score), abs=1e-3)
        or result.match_score == 0
    )


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8,  # JPEG magic, garbage after
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,  # PNG magic, no image
        b"not an image at all",
    ],
    ids=["empty", "jpeg-garbage", "png-garbage", "text"],
)
def test_corrupt_bytes_are_a_decode_error_not_an_exception(models, data, references):
    result = faces.analyse(data, reference_encoding=references["astronaut"])
    assert result.decode_error
    assert result.face_count is None
    assert result.matched is None
    assert faces.reference_encoding(data) is None


def test_a_truncated_jpeg_is_a_decode_error(models):
    data = photos.encode(photos.originals()["hopper"])
    result = faces.analyse(data[: len(data) // 3])  # an upload cut short
    assert isinstance(result, faces.Analysis)
    assert result.decode_error
    assert result.face_count is None


def test_a_png_is_accepted(references):
    data = photos.encode(variant("astronaut", "scene-brick-300").image, ".png")
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    result = faces.analyse(data, reference_encoding=references["astronaut"])
    assert result.decode_error is None
    assert result.face_count == 1
    assert result.matched is True


def test_a_large_photo_is_reduced_and_boxes_are_in_its_pixels(references):
    # given a 3000x3516 JPEG (decoded by libjpeg at a reduced scale, then resized for the detector)
    image = cv2.resize(photos.originals()["hopper"], (3000, 3516))
    result = faces.analyse(photos.encode(image), reference_encoding=references["hopper"])
    # then the face is found, reported in the photo's own pixels, and matched
    assert (result.width, result.height) == (3000, 3516)
    truth = tuple(v * 3000 / 512 for v in photos.BOXES["hopper"])
    assert result.face_count == 1
    assert inside(result.boxes[0], truth)
    assert result.matched is True


def test_the_reference_encoding_is_128_float32_and_needs_a_face(references):
    assert len(references["astronaut"]) == 512
    vector = np.frombuffer(references["astronaut"], dtype="<f4")
    assert np.all(np.isfinite(vector))
    assert faces.reference_encoding(photos.encode(photos.originals()["cameraman"][:, :100])) is None
    assert 0.6 < faces.distance(references["astronaut"], references["hopper"]) < 1.2


def test_a_bad_reference_or_compare_false_skips_the_comparison(models, references):
    data = photos.encode(variant("astronaut", "scene-coffee-300").image)
    bad = faces.analyse(data, reference_encoding=b"\x00" * 10)
    skipped = faces.analyse(data, reference_encoding=references["astronaut"], compare=False)
    assert bad.face_count == skipped.face_count == 1
    assert bad.match_score is None
    assert pipeline.FLAG_REFERENCE_INVALID in bad.flags
    assert skipped.match_score is None
    assert pipeline.FLAG_COMPARE_SKIPPED in skipped.flags


def test_score_mapping_from_dlib_distance():
    assert faces.score_from_distance(0) == 1
    assert faces.score_from_distance(faces.MATCH_DISTANCE) == pytest.approx(0.5)
    assert faces.score_from_distance(2 * faces.MATCH_DISTANCE) == 0
    assert faces.score_from_distance(5) == 0


def test_header_dimensions_without_decoding():
    image = photos.originals()["hopper"]
    assert pipeline.dimensions(photos.encode(image)) == (512, 600)
    assert pipeline.dimensions(photos.encode(image, ".png")) == (512, 600)
    assert pipeline.dimensions(b"\xff\xd8\xff") is None


def _phone_jpeg(image, orientation=6) -> bytes:
    """A JPEG stored sideways with the EXIF orientation tag a phone writes (6: turn 90 degrees clockwise)."""
    import io

    from PIL import Image

    sideways = np.ascontiguousarray(np.rot90(image))  # 90 degrees counter-clockwise, as the sensor stored it
    exif = Image.Exif()
    exif[0x0112] = orientation
    out = io.BytesIO()
    Image.fromarray(sideways).save(out, "JPEG", quality=92, exif=exif.tobytes())
    return out.getvalue()


@pytest.mark.parametrize("size", [(512, 600), (2800, 3280)], ids=["small", "large-reduced-decode"])
def test_a_phone_photo_is_turned_upright_by_its_exif_orientation(references, size):
    # given Grace Hopper's photo stored sideways with EXIF orientation 6, as phones do
    image = cv2.resize(photos.originals()["hopper"], size)
    data = _phone_jpeg(image)
    assert pipeline.dimensions(data) == (size[1], size[0])  # the header has the sensor's size
    # when analysed
    result = faces.analyse(data, reference_encoding=references["hopper"])
    # then it is seen upright (the frontal detector finds no sideways face), sized as shown, and matched
    assert (result.width, result.height) == size
    assert result.face_count == 1
    truth = tuple(v * size[0] / 512 for v in photos.BOXES["hopper"])
    assert inside(result.boxes[0], truth)
    assert result.matched is True


def test_without_the_model_files_faces_cannot_be_imported(tmp_path):
    # the caller treats an ImportError as "faces unavailable here" and retries the task later
    import subprocess
    import sys
    from pathlib import Path

    code = "import faces"
    backend = Path(__file__).resolve().parents[2] / "backend"
    env = {"FACES_MODEL_DIR": str(tmp_path), "PYTHONPATH": str(backend), "PATH": "/usr/bin:/bin"}
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)
    assert run.returncode == 1
    assert "ModelsMissing" in run.stderr
    assert "shape_predictor_5_face_landmarks.dat is missing" in run.stderr
