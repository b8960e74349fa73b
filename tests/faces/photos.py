"""A labelled set of real photos built offline from what registry packages ship (dev dependencies only).

Real faces: three people and a hundred thumbnails.
- `astronaut`: Eileen Collins, `skimage.data.astronaut()` (512x512 colour, frontal).
- `hopper`: Grace Hopper, `grace_hopper.jpg` inside matplotlib's wheel (`cbook.get_sample_data`, 512x600).
- `cameraman`: `skimage.data.camera()`, a man in three-quarter profile (not frontal: reported apart).
- `lfw`: the 100 face thumbnails of `skimage.data.lfw_subset()` (25x25 grey, tightly cropped, from Labeled
  Faces in the Wild; some people appear more than once, so they are not 100 distinct identities), and its
  100 non-face patches.
Every other face photo here is one of these, transformed (mirror, scale, brightness, rotation, blur, JPEG
quality, crops, noise, pasted into a 640x480 scene). So the set tests the detector and the encoder against
changes of one photo; it holds only two well-resolved distinct people, and no second photo of either taken on
another day.

Each sample is an RGB uint8 array with its face boxes (x0, y0, x1, y1) known by construction: the boxes of the
originals were read once (dlib HOG, checked by eye) and are carried through every transform.
"""

from dataclasses import dataclass, field
from functools import cache

import cv2
import numpy as np

# face boxes of the originals (x0, y0, x1, y1), a little generous around dlib's box
BOXES = {"astronaut": (172, 72, 274, 178), "hopper": (156, 130, 382, 360)}


@dataclass
class Sample:
    name: str
    image: np.ndarray  # RGB uint8
    boxes: list = field(default_factory=list)  # faces present, (x0, y0, x1, y1)
    person: str | None = None  # who the (single or first) face is
    frontal: bool = True


@cache
def originals() -> dict:
    import matplotlib.cbook
    from skimage import data

    hopper = cv2.imread(str(matplotlib.cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)))
    return {
        "astronaut": np.ascontiguousarray(data.astronaut()),
        "hopper": cv2.cvtColor(hopper, cv2.COLOR_BGR2RGB),
        "cameraman": cv2.cvtColor(data.camera(), cv2.COLOR_GRAY2RGB),
    }


@cache
def lfw() -> tuple[np.ndarray, np.ndarray]:
    """(faces, non_faces): 100 each, 25x25 grey uint8."""
    from skimage import data

    thumbs = (data.lfw_subset() * 255).round().astype(np.uint8)
    return thumbs[:100], thumbs[100:]


def encode(image: np.ndarray, fmt: str = ".jpg", quality: int = 92) -> bytes:
    bgr = cv2.cvtColor(image, cv2.COLOR_RGB2BGR)
    params = [cv2.IMWRITE_JPEG_QUALITY, quality] if fmt == ".jpg" else []
    ok, buf = cv2.imencode(fmt, bgr, params)
    assert ok
    return buf.tobytes()


# --- transforms: (image, boxes) -> (image, boxes) ----------------------------------------------------------
def _scale_boxes(boxes, sx, sy=None, dx=0, dy=0):
    sy = sx if sy is None else sy
    return [(x0 * sx + dx, y0 * sy + dy, x1 * sx + dx, y1 * sy + dy) for x0, y0, x1, y1 in boxes]


def mirror(image, boxes):
    w = image.shape[1]
    return image[:, ::-1].copy(), [(w - x1, y0, w - x0, y1) for x0, y0, x1, y1 in boxes]


def scale(image, boxes, s):
    out = cv2.resize(image, None, fx=s, fy=s, interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_LINEAR)
    return out, _scale_boxes(boxes, s)


def brightness(image, boxes, gain, bias=0):
    return cv2.convertScaleAbs(image, alpha=gain, beta=bias), boxes


def rotate(image, boxes, degrees):
    h, w = image.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    out = cv2.warpAffine(image, m, (w, h), borderMode=cv2.BORDER_REFLECT)
    moved = []
    for x0, y0, x1, y1 in boxes:
        cx, cy = m @ np.array([(x0 + x1) / 2, (y0 + y1) / 2, 1.0])
        hw, hh = (x1 - x0) / 2, (y1 - y0) / 2
        moved.append((cx - hw, cy - hh, cx + hw, cy + hh))
    return out, moved


def blur(image, boxes, k):
    return cv2.GaussianBlur(image, (k, k), 0), boxes


def jpeg(image, boxes, quality):
    data = encode(image, ".jpg", quality)
    return cv2.cvtColor(
        cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB
    ), boxes


def noise(image, boxes, sigma, seed=0):
    rng = np.random.default_rng(seed)
    return np.clip(image + rng.normal(0, sigma, image.shape), 0, 255).astype(np.uint8), boxes


def grey(image, boxes):
    return cv2.cvtColor(cv2.cvtColor(image, cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2RGB), boxes


def crop(image, boxes, margin, shift=(0.0, 0.0)):
    """Crop around the first face: `margin` x its size on each side, moved by `shift` x its size."""
    x0, y0, x1, y1 = boxes[0]
    fw, fh = x1 - x0, y1 - y0
    cx, cy = (x0 + x1) / 2 + shift[0] * fw, (y0 + y1) / 2 + shift[1] * fh
    h, w = image.shape[:2]
    a0, b0 = int(max(0, cx - fw * margin)), int(max(0, cy - fh * margin))
    a1, b1 = int(min(w, cx + fw * margin)), int(min(h, cy + fh * margin))
    return image[b0:b1, a0:a1].copy(), _scale_boxes(boxes, 1, 1, -a0, -b0)


def scene(background: np.ndarray, pieces, size=(640, 480)):
    """Paste (image, boxes, x, y, height) pieces into a webcam-sized frame made from `background`."""
    w, h = size
    canvas = cv2.resize(background, (w, h), interpolation=cv2.INTER_AREA).copy()
    out_boxes = []
    for image, boxes, x, y, height in pieces:
        s = height / image.shape[0]
        small, small_boxes = scale(image, boxes, s)
        sh, sw = small.shape[:2]
        sw, sh = min(sw, w - x), min(sh, h - y)
        canvas[y : y + sh, x : x + sw] = small[:sh, :sw]
        out_boxes += _scale_boxes(small_boxes, 1, 1, x, y)
    return canvas, out_boxes


def _backgrounds() -> dict:
    from skimage import data

    return {"coffee": data.coffee(), "brick": cv2.cvtColor(data.brick(), cv2.COLOR_GRAY2RGB)}


@cache
def variants(person: str) -> list[Sample]:
    """About thirty transformed versions of one person's photo, each with its face box."""
    image, boxes = originals()[person], [BOXES[person]]
    bg = _backgrounds()
    steps = {
        "original": (image, boxes),
        "mirror": mirror(image, boxes),
        "scale0.5": scale(image, boxes, 0.5),
        "scale0.75": scale(image, boxes, 0.75),
        "scale1.6": scale(image, boxes, 1.6),
        "dark0.45": brightness(image, boxes, 0.45),
        "dark0.7": brightness(image, boxes, 0.7),
        "bright1.35": brightness(image, boxes, 1.35, 20),
        "rot-15": rotate(image, boxes, -15),
        "rot-8": rotate(image, boxes, -8),
        "rot+8": rotate(image, boxes, 8),
        "rot+15": rotate(image, boxes, 15),
        "blur5": blur(image, boxes, 5),
        "blur9": blur(image, boxes, 9),
        "jpeg30": jpeg(image, boxes, 30),
        "jpeg10": jpeg(image, boxes, 10),
        "noise12": noise(image, boxes, 12),
        "grey": grey(image, boxes),
        "crop1.0": crop(image, boxes, 1.0),
        "crop1.6": crop(image, boxes, 1.6),
        "crop2.5-shifted": crop(image, boxes, 2.5, (0.6, 0.3)),
        "dark-blur-jpeg": jpeg(*blur(*brightness(image, boxes, 0.6), 5), 40),
        "mirror-rot-scale": scale(*rotate(*mirror(image, boxes), 10), 0.8),
    }
    for bname, background in bg.items():
        for x, y, height in ((60, 40, 420), (300, 150, 300), (380, 260, 220)):
            steps[f"scene-{bname}-{height}"] = scene(background, [(image, boxes, x, y, height)])
    return [Sample(f"{person}/{k}", im, [tuple(b) for b in bx], person) for k, (im, bx) in steps.items()]


@cache
def lfw_faces(size: int = 100) -> list[Sample]:
    """The 100 LFW thumbnails upscaled to `size` px, padded into a 320x240 frame (edge pixels repeated: a
    mirrored border would add half-faces)."""
    out = []
    faces, _ = lfw()
    w, h = max(320, size + 60), max(240, size + 60)
    x0, y0 = (w - size) // 2, (h - size) // 2
    for i, thumb in enumerate(faces):
        big = cv2.resize(thumb, (size, size), interpolation=cv2.INTER_CUBIC)
        frame = cv2.copyMakeBorder(big, y0, h - size - y0, x0, w - size - x0, cv2.BORDER_REPLICATE)
        out.append(
            Sample(f"lfw/{i}", cv2.cvtColor(frame, cv2.COLOR_GRAY2RGB), [(x0, y0, x0 + size, y0 + size)])
        )
    return out


@cache
def non_faces() -> list[Sample]:
    """Photos and drawings without a face: skimage's scenes (a cat, coffee, a rocket, a horse...), each also
    mirrored and scaled, LFW's non-face patches, noise, gradients and flat colour."""
    from skimage import data

    items = {
        "coffee": data.coffee(),
        "chelsea-cat": data.chelsea(),
        "rocket": data.rocket(),
        "hubble": data.hubble_deep_field(),
        "ihc": data.immunohistochemistry(),
        "retina": data.retina(),
        "motorcycle": data.stereo_motorcycle()[0],
        "logo": data.logo()[..., :3],
        "colorwheel": data.colorwheel(),
        "coins": data.coins(),
        "moon": data.moon(),
        "page": data.page(),
        "text": data.text(),
        "clock": data.clock(),
        "horse": (data.horse() * 255).astype(np.uint8),
        "brick": data.brick(),
        "grass": data.grass(),
        "gravel": data.gravel(),
        "checkerboard": data.checkerboard(),
        "cell": data.cell(),
    }
    out = []
    for name, im in items.items():
        im = np.ascontiguousarray(im)
        if im.dtype != np.uint8:
            im = cv2.normalize(im, None, 0, 255, cv2.NORM_MINMAX).astype(np.uint8)
        if im.ndim == 2:
            im = cv2.cvtColor(im, cv2.COLOR_GRAY2RGB)
        out.append(Sample(f"nonface/{name}", im))
        out.append(Sample(f"nonface/{name}-mirror", mirror(im, [])[0]))
        out.append(Sample(f"nonface/{name}-scaled", scale(im, [], 640 / max(im.shape[:2]))[0]))
    rng = np.random.default_rng(7)
    for i in range(5):
        out.append(Sample(f"nonface/noise{i}", rng.integers(0, 255, (480, 640, 3), dtype=np.uint8)))
        smooth = cv2.GaussianBlur(rng.integers(0, 255, (480, 640, 3), dtype=np.uint8), (31, 31), 0)
        out.append(Sample(f"nonface/smooth-noise{i}", cv2.normalize(smooth, None, 0, 255, cv2.NORM_MINMAX)))
    ramp = np.linspace(0, 255, 640, dtype=np.float32)
    out.append(
        Sample("nonface/gradient-h", np.repeat(np.tile(ramp, (480, 1))[..., None], 3, 2).astype(np.uint8))
    )
    out.append(Sample("nonface/gradient-v", np.ascontiguousarray(np.rot90(out[-1].image)).copy()))
    out.append(Sample("nonface/flat-grey", np.full((480, 640, 3), 128, np.uint8)))
    out.append(Sample("nonface/black", np.zeros((480, 640, 3), np.uint8)))
    _, patches = lfw()
    for i, patch in enumerate(patches):
        big = cv2.resize(patch, (240, 240), interpolation=cv2.INTER_CUBIC)
        out.append(Sample(f"nonface/lfw-patch{i}", cv2.cvtColor(big, cv2.COLOR_GRAY2RGB)))
    return out


@cache
def composites() -> list[Sample]:
    """Two or three faces in one frame."""
    o = originals()
    a, h = (o["astronaut"], [BOXES["astronaut"]]), (o["hopper"], [BOXES["hopper"]])
    bg = _backgrounds()
    thumb = lfw_faces(140)[3]
    t = (thumb.image[50:190, 90:230], [(0, 0, 140, 140)])
    out = [
        Sample("multi/side-by-side", *scene(bg["brick"], [(*a, 0, 80, 320), (*h, 320, 60, 380)], (700, 480)), "astronaut"),
        Sample("multi/astronaut-and-mirror", *scene(bg["coffee"], [(*a, 0, 60, 330), (*mirror(*a), 330, 100, 330)]), "astronaut"),
        Sample("multi/hopper-big-and-small", *scene(bg["brick"], [(*h, 0, 0, 480), (*scale(*a, 1.0), 420, 250, 220)]), "hopper"),
        Sample("multi/three", *scene(bg["coffee"], [(*a, 0, 100, 300), (*h, 230, 60, 320), (*t, 500, 40, 140)]), "astronaut"),
        Sample("multi/behind-shoulder", *scene(bg["coffee"], [(*h, 0, 0, 480), (*a, 430, 20, 200)]), "hopper"),
    ]  # fmt: skip
    return out


def frontal_faces() -> list[Sample]:
    return variants("astronaut") + variants("hopper")
