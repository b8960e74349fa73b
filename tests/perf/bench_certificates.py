"""Certificate rendering figures (printed, not asserted): PDFs per minute in one warm process and in two,
mean and p95 ms per PDF, the largest PDF.

    .venv/bin/python tests/perf/bench_certificates.py [--count 200]

Renders real certificates (Chinese names, some with rare characters, QR code, the pinned Noto Serif SC font)
through the same renderer the batch job uses (assessment.services.certificate_pdf), warm: each process builds
it once and reuses it. No database needed. Goals are from issue #4: >= 1,000 PDFs per minute on 2 cores,
<= 250 KiB each; see docs/perf.md for the last figures.
"""

import argparse
import multiprocessing
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "backend")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高欧阳司马诸葛"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂䶮喆昇珺玥琛堃"
INSTITUTIONS = [
    "杭州市第一人民医院",
    "宁波市第二医院",
    "温州医科大学附属第一医院",
    "浙江大学医学院附属邵逸夫医院",
]


def content(i: int):
    from assessment.services.certificate_pdf import CertificateContent

    name = SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 7) % len(GIVEN)] + GIVEN[(i * 13 + 5) % len(GIVEN)]
    return CertificateContent(
        serial=f"2024-2026-330100-{i:07d}",
        name=name,
        institution=INSTITUTIONS[i % len(INSTITUTIONS)],
        cycle_name="2024—2026年度医师定期考核",
        cycle_period="2024年1月1日—2026年12月31日",
        result="优秀" if i % 10 == 0 else "合格",
        issuer="杭州市卫生健康委员会",
        issued_on="2026年5月1日",
        verify_url=f"https://kaohe.example.cn/verify/{'A' * 36}{i:07d}",
    )


def setup() -> None:
    import django

    django.setup()
    from assessment.services.certificate_pdf import certificate_pdf_render

    certificate_pdf_render(content(0))  # warm: fonts, stylesheet, template


def render_range(bounds: tuple[int, int]) -> tuple[list[float], int]:
    from assessment.services.certificate_pdf import certificate_pdf_render

    times, largest = [], 0
    for i in range(*bounds):
        started = time.perf_counter()
        pdf = certificate_pdf_render(content(i))
        times.append((time.perf_counter() - started) * 1000)
        largest = max(largest, len(pdf))
    return times, largest


def line(name, value, goal=""):
    print(f"  {name:48} {value:>14}   {goal}", flush=True)


def report(label: str, count: int, wall: float, times: list[float], largest: int) -> float:
    per_minute = count / wall * 60
    print(f"{label}:")
    line("PDFs per minute", f"{per_minute:,.0f}", ">= 1,000 on 2 cores")
    line(
        "mean / p95 ms per PDF",
        f"{statistics.mean(times):.1f} / {sorted(times)[int(0.95 * (len(times) - 1))]:.1f}",
    )
    line("largest PDF", f"{largest / 1024:.1f} KiB", "<= 250 KiB")
    return per_minute


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=200)
    args = parser.parse_args()
    count = args.count

    # one warm process
    started = time.perf_counter()
    setup()
    warm_up = time.perf_counter() - started
    started = time.perf_counter()
    times, largest = render_range((0, count))
    one = report(f"1 process, {count} certificates", count, time.perf_counter() - started, times, largest)
    line("renderer warm-up (import, fonts, first PDF)", f"{warm_up * 1000:.0f} ms")
    line("peak memory of the process", f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB")

    # two warm processes (spawned: each builds its own renderer, as Celery prefork workers do)
    half = count // 2
    with multiprocessing.get_context("spawn").Pool(2, initializer=setup) as pool:
        pool.map(render_range, [(0, 1), (1, 2)])  # both are warm before the clock starts
        started = time.perf_counter()
        results = pool.map(render_range, [(0, half), (half, count)])
        wall = time.perf_counter() - started
    times2 = [t for part, _ in results for t in part]
    two = report(f"2 processes, {count} certificates", count, wall, times2, max(size for _, size in results))
    line("speed-up over 1 process", f"{two / one:.2f}x")
    line("a province cycle of 200,000 at this rate", f"{200_000 / two:.0f} min")


if __name__ == "__main__":
    main()
