"""The load client (asyncio + aiohttp, one process, meant to be pinned to its own core): the examinees of a
set-up file (setup.py) against a running server.

    client.py exam-day --run .load/run.json --base http://127.0.0.1:18100 --minutes 3 --ledger .load/ledger.jsonl
    client.py spike    --run .load/run.json --base http://127.0.0.1:18100

exam-day: every examinee starts its attempt (--start-concurrency at once, not measured with the mix),
then, open-loop on a fixed schedule per examinee (random phase): an answer save every 30 s
(PUT .../answers/ with (client_epoch, seq)), and for each proctoring slot (one per ~45 s, at the end of the
slot's part of the attempt, when the server's random time has surely passed): the upload URL
(POST .../snapshots/), the PUT of the photo bytes to the object store with the signed headers, and the
registration (POST .../register/). Figures are taken over --minutes after a warm-up (the first snapshot of
the last examinee to start). Then every attempt is submitted twice (submission is idempotent).

The ledger (JSON lines): every save sent ("sent") and every save acknowledged by a 200 ("ack", with the
stored (epoch, seq) the server returned and `applied`). A save that fails (connection error, 5xx, timeout) is
retried with the same (epoch, seq) until acknowledged, as the mini-program does. A small share of saves
(--stale) re-send an older, already superseded answer: the server must answer `applied: false` with the newer
one (counted as stale_ok / stale_violation). check.py compares the ledger with the database.

chaos options: --offline N clients go offline at --offline-at seconds for --offline-seconds: they keep
answering into a local queue (epoch, seq) and replay it in order when back; every failed request is retried.

spike: all examinees POST start at once (--connections concurrent connections at most, as a front proxy would
hold); a refused or failed request is retried after 1 s. Time until every examinee holds a started attempt,
latency of the successful starts, 5xx and other errors.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import hashlib
import json
import os
import random
import resource
import sys
import time

import aiohttp
import yarl


def pct(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


class Stats:
    def __init__(self):
        self.lat = collections.defaultdict(list)  # op -> ms, inside the measured window
        self.status = collections.defaultdict(collections.Counter)  # op -> status -> count (whole run)
        self.errors = collections.Counter()  # (op, what) -> count
        self.samples = {}  # (op, what) -> one body
        self.window = None  # (start, end) monotonic
        self.done_in_window = 0

    def record(self, op, started, status, body=None):
        ms = (time.monotonic() - started) * 1000
        self.status[op][status] += 1
        in_window = bool(self.window) and self.window[0] <= started < self.window[1]
        if isinstance(status, int) and 200 <= status < 300:
            if in_window or op == "start":
                self.lat[op].append(ms)
                self.done_in_window += 1
        else:
            self.errors[(op, status)] += 1
            self.samples.setdefault((op, status), (body or "")[:300])
        return in_window


class Examinee:
    def __init__(self, i, user, token):
        self.i = i
        self.user = user
        self.headers = {"Authorization": f"Bearer {token}", "X-Device-Id": f"phone-{user}"}
        self.attempt = None
        self.questions = []  # (id, kind, [option ids])
        self.epoch = 1
        self.seq = 0
        self.queue = collections.deque()  # saves not yet acknowledged, in order
        self.acked = collections.defaultdict(list)  # question -> acknowledged saves, in order
        self.offline_until = 0.0
        self.stopping = False
        self.wake = asyncio.Event()
        self.started_at = None


class Load:
    def __init__(self, args, run):
        self.args = args
        self.run = run
        self.stats = Stats()
        # line-buffered: an interrupted run keeps what it was told
        self.ledger = open(args.ledger, "w", buffering=1) if getattr(args, "ledger", None) else None  # noqa: SIM115
        self.in_flight = 0
        self.acks = 0
        self.stale_ok = 0
        self.stale_violation = 0
        self.examinees = [Examinee(i, e["user"], e["token"]) for i, e in enumerate(run["examinees"])]
        self.rng = random.Random(args.seed)

    def log(self, **row):
        if self.ledger:
            self.ledger.write(json.dumps(row) + "\n")

    async def request(self, session, method, url, op, headers, retry=False, **kw):
        """One request, retried while `retry` and the answer is a connection error, a timeout or a 5xx (as
        the app does). Returns (status, json or None); status 0 when it never got an answer."""
        backoff = 1.0
        while True:
            started = time.monotonic()
            self.in_flight += 1
            try:
                async with session.request(method, url, headers=headers, **kw) as r:
                    text = await r.text()
                    self.stats.record(op, started, r.status, text)
                    if r.status >= 500 and retry and not self.stopping_hard():
                        await asyncio.sleep(backoff * (1 + self.rng.random()))
                        backoff = min(30.0, backoff * 2)
                        continue
                    try:
                        return r.status, json.loads(text) if text else None
                    except ValueError:
                        return r.status, None
            except (TimeoutError, aiohttp.ClientError, OSError) as exc:
                self.stats.record(op, started, type(exc).__name__, repr(exc))
                if not retry or self.stopping_hard():
                    return 0, None
                await asyncio.sleep(backoff * (1 + self.rng.random()))
                backoff = min(30.0, backoff * 2)
            finally:
                self.in_flight -= 1

    def stopping_hard(self):
        return time.monotonic() > self.hard_end

    # --- exam day ------------------------------------------------------------------------------------

    async def start(self, session, ex, retry=True):
        status, body = await self.request(
            session,
            "POST",
            f"{self.base}/api/v1/me/exams/sittings/{self.run['sitting']}/start/",
            "start",
            ex.headers,
            retry=retry,
        )
        if status in (200, 201):
            ex.attempt = body["attempt"]["id"]
            ex.started_at = time.monotonic()
            for item in body["items"]:
                for q in item.get("subs") or [item]:
                    ex.questions.append((q["id"], q["kind"], [o["id"] for o in q["options"]]))
        return status

    def new_answer(self, ex):
        answered = list(ex.acked)
        if answered and self.rng.random() < 0.3:  # a revised answer
            qid = self.rng.choice(answered)
            kind, options = next((k, o) for q, k, o in ex.questions if q == qid)
        else:
            qid, kind, options = self.rng.choice(ex.questions)
        chosen = [self.rng.choice(options)] if kind == "single" else sorted(self.rng.sample(options, 2))
        ex.seq += 1
        return {"question": qid, "options": chosen, "marked": False, "client_epoch": ex.epoch, "seq": ex.seq}

    async def save(self, session, ex, answer, op="answer_save"):
        url = f"{self.base}/api/v1/me/exams/attempts/{ex.attempt}/answers/"
        self.log(
            t="sent",
            attempt=ex.attempt,
            q=answer["question"],
            e=answer["client_epoch"],
            s=answer["seq"],
            o=answer["options"],
        )
        status, body = await self.request(session, "PUT", url, op, ex.headers, retry=True, json=answer)
        if status == 200:
            self.log(
                t="ack",
                attempt=ex.attempt,
                q=answer["question"],
                e=answer["client_epoch"],
                s=answer["seq"],
                o=answer["options"],
                applied=body["applied"],
                stored=[body["client_epoch"], body["seq"]],
            )
            ex.acked[answer["question"]].append(answer)
            self.acks += 1
        return status, body

    async def answer_worker(self, session, ex):
        """Sends the examinee's queued saves in order, each until answered (a 4xx is final and counted as an
        error); while offline, keeps them queued and replays them in order when back."""
        while True:
            if ex.queue:
                away = ex.offline_until - time.monotonic()
                if away > 0:
                    await asyncio.sleep(away)
                    continue
                await self.save(session, ex, ex.queue[0])
                ex.queue.popleft()
                continue
            if ex.stopping:
                return
            await ex.wake.wait()
            ex.wake.clear()

    async def stale(self, session, ex):
        """Re-send an answer already superseded by a newer acknowledged one: it must not be applied."""
        candidates = [saves for saves in ex.acked.values() if len(saves) >= 2]
        if not candidates:
            return
        saves = self.rng.choice(candidates)
        old, newest = saves[-2], saves[-1]
        url = f"{self.base}/api/v1/me/exams/attempts/{ex.attempt}/answers/"
        status, body = await self.request(
            session, "PUT", url, "stale_resend", ex.headers, retry=True, json=old
        )
        if status != 200:
            return
        if body["applied"] is False and (body["client_epoch"], body["seq"]) >= (
            newest["client_epoch"],
            newest["seq"],
        ):
            self.stale_ok += 1
        else:
            self.stale_violation += 1
            print(
                f"STALE VIOLATION attempt {ex.attempt}: sent {old}, newest acked {newest}, got {body}",
                flush=True,
            )

    async def snapshot(self, session, ex, k):
        photo = b"\xff\xd8\xff\xe0" + hashlib.sha256(f"{ex.user}-{k}".encode()).digest() * (
            self.args.photo_bytes // 32
        )
        digest = hashlib.sha256(photo).hexdigest()
        status, body = await self.request(
            session,
            "POST",
            f"{self.base}/api/v1/me/proctoring/attempts/{ex.attempt}/snapshots/",
            "upload_url",
            ex.headers,
            retry=self.args.retry_all,
            json={"content_type": "image/jpeg", "size": len(photo), "sha256": digest},
        )
        if status != 201:
            return
        upload = body["upload"]
        headers = {k: v for k, v in upload["headers"].items() if k.lower() != "content-length"}
        status, _ = await self.request(
            session, upload["method"], yarl.URL(upload["url"], encoded=True), "store_put", headers, data=photo
        )
        if status != 200:
            return
        await self.request(
            session,
            "POST",
            f"{self.base}/api/v1/me/proctoring/snapshots/{body['snapshot']}/register/",
            "register",
            ex.headers,
            retry=self.args.retry_all,
        )

    async def snapshot_loop(self, session, ex, end):
        """As the mini-program: ask for the next slot of the server's random schedule, wait for its time
        (plus up to 3 s, the camera), take and upload the photo, register it; again. Offline: nothing."""
        tried = collections.Counter()
        while True:
            if time.monotonic() < ex.offline_until:
                await asyncio.sleep(ex.offline_until - time.monotonic())
                continue
            status, body = await self.request(
                session,
                "GET",
                f"{self.base}/api/v1/me/proctoring/attempts/{ex.attempt}/next-snapshot/",
                "next_snapshot",
                ex.headers,
                retry=self.args.retry_all,
            )
            if status != 200:
                await asyncio.sleep(5)
                if time.monotonic() >= end:
                    return
                continue
            if body["index"] is None:
                return
            due = time.monotonic() + body["due_in_seconds"] + self.rng.uniform(0, 3)
            if due >= end:
                return
            tried[body["index"]] += 1
            if tried[body["index"]] > 3:
                await asyncio.sleep(10)  # this slot keeps failing: the server will mark it missing
            await asyncio.sleep(max(0, due - time.monotonic()))
            if time.monotonic() >= ex.offline_until:
                await self.snapshot(session, ex, body["index"] * 1000 + tried[body["index"]])

    async def examinee_loop(self, session, ex, end):
        answer_every = 30.0
        next_answer = ex.started_at + self.rng.uniform(0, answer_every)
        worker = asyncio.create_task(self.answer_worker(session, ex))
        snaps = asyncio.create_task(self.snapshot_loop(session, ex, end))
        tasks = set()
        while next_answer < end:
            await asyncio.sleep(max(0, next_answer - time.monotonic()))
            next_answer += answer_every
            offline = time.monotonic() < ex.offline_until
            if not offline and self.rng.random() < self.args.stale:
                t = asyncio.create_task(self.stale(session, ex))
                tasks.add(t)
                t.add_done_callback(tasks.discard)
            else:
                ex.queue.append(self.new_answer(ex))
                ex.wake.set()
        ex.stopping = True
        ex.wake.set()
        await asyncio.gather(*tasks)
        await snaps
        await worker

    async def offline(self):
        """Take --offline examinees offline at --offline-at s for --offline-seconds (their saves queue up)."""
        if not self.args.offline:
            return
        await asyncio.sleep(self.args.offline_at)
        chosen = self.rng.sample(self.examinees, self.args.offline)
        until = time.monotonic() + self.args.offline_seconds
        for ex in chosen:
            ex.offline_until = until
        print(f"[client] {len(chosen)} client(s) offline for {self.args.offline_seconds} s", flush=True)
        await asyncio.sleep(max(0, self.args.offline_seconds - 0.5))
        queued = sum(len(ex.queue) for ex in chosen)
        print(f"[client] back online in 0.5 s, replaying {queued} queued answers in order", flush=True)
        await asyncio.sleep(1)
        left = sum(len(ex.queue) for ex in chosen)
        print(f"[client] 0.5 s after coming back: {left} of them not yet acknowledged", flush=True)

    async def exam_day(self):
        self.base = self.args.base.rstrip("/")
        self.hard_end = float("inf")
        conn = aiohttp.TCPConnector(limit=self.args.connections)
        timeout = aiohttp.ClientTimeout(total=30)
        async with aiohttp.ClientSession(connector=conn, timeout=timeout) as session:
            t0 = time.monotonic()
            # closed loop (at most --start-concurrency at once): the starts only set the stage here, the
            # spike measures them; an open ramp faster than the server queues them past the client's timeout
            sem = asyncio.Semaphore(self.args.start_concurrency)

            async def start_one(ex):
                async with sem:
                    await self.start(session, ex)

            await asyncio.gather(*(start_one(ex) for ex in self.examinees))
            failed = [ex for ex in self.examinees if ex.attempt is None]
            print(
                f"[client] {len(self.examinees) - len(failed)} attempts started in {time.monotonic() - t0:.1f} s",
                flush=True,
            )
            ready = [ex for ex in self.examinees if ex.attempt]
            last_start = max(ex.started_at for ex in ready)
            warm = last_start + self.run["edge_seconds"] + self.run["snapshot_part_seconds"] + 3
            end = warm + self.args.minutes * 60
            self.stats.window = (warm, end)
            self.hard_end = end + 600
            print(
                f"[client] warm-up {warm - time.monotonic():.0f} s, then {self.args.minutes} min measured",
                flush=True,
            )
            usage0 = None

            async def mark_usage():
                nonlocal usage0
                await asyncio.sleep(max(0, warm - time.monotonic()))
                usage0 = resource.getrusage(resource.RUSAGE_SELF)

            marker = asyncio.create_task(mark_usage())

            async def progress():
                while True:
                    await asyncio.sleep(30)
                    errors = sum(c for c in self.stats.errors.values())
                    print(
                        f"[client] {time.monotonic() - warm:6.0f} s after warm-up: {self.acks} saves acknowledged, "
                        f"{self.in_flight} requests in flight or backing off, {errors} errors so far",
                        flush=True,
                    )

            ticker = asyncio.create_task(progress())
            off = asyncio.create_task(self.offline())
            await asyncio.gather(*(self.examinee_loop(session, ex, end) for ex in ready))
            usage1 = resource.getrusage(resource.RUSAGE_SELF)
            await marker
            off.cancel()
            ticker.cancel()
            cpu = (usage1.ru_utime + usage1.ru_stime - usage0.ru_utime - usage0.ru_stime) / max(
                1e-9, time.monotonic() - warm
            )
            # everything acknowledged? (offline clients have replayed by now: the workers return on empty queues)
            unacked = sum(len(ex.queue) for ex in ready)
            submits = collections.Counter()
            if self.args.submit:
                sem = asyncio.Semaphore(50)

                async def submit(ex):
                    async with sem:
                        for _ in range(2):  # twice: submission is idempotent
                            status, body = await self.request(
                                session,
                                "POST",
                                f"{self.base}/api/v1/me/exams/attempts/{ex.attempt}/submit/",
                                "submit",
                                ex.headers,
                                retry=True,
                            )
                            submits[status] += 1
                            self.log(
                                t="submit",
                                attempt=ex.attempt,
                                status=status,
                                state=(body or {}).get("status"),
                            )

                await asyncio.gather(*(submit(ex) for ex in ready))
        if self.ledger:
            self.ledger.close()
        self.report_exam_day(cpu, unacked, submits, len(failed))

    def report_exam_day(self, cpu, unacked, submits, failed_starts):
        s = self.stats
        window = s.window[1] - s.window[0]
        n = len(self.examinees)
        print()
        print(
            f"Exam day, API path: {n} examinees, {self.args.minutes} min measured, rate of {n} examinee-equivalents"
        )
        print(
            f"  target mix: {n / 30:.1f} saves/s, {n / self.run['snapshot_part_seconds']:.1f} upload URLs + PUTs + registrations/s"
        )
        for op in (
            "answer_save",
            "upload_url",
            "store_put",
            "register",
            "next_snapshot",
            "stale_resend",
            "start",
            "submit",
        ):
            lat = s.lat.get(op, [])
            total = sum(s.status[op].values())
            print(
                f"  {op:13} n(window)={len(lat):6}  p50={pct(lat, 50):7.1f} ms  p99={pct(lat, 99):7.1f} ms  max={max(lat, default=float('nan')):7.1f} ms"
                f"  all={total} statuses={dict(s.status[op])}"
            )
        print(f"  throughput in window: {s.done_in_window / window:.1f} req/s (2xx, all ops incl. store PUT)")
        errors = {f"{op}:{what}": c for (op, what), c in s.errors.items() if c}
        print(f"  errors: {sum(errors.values())} {errors}")
        for key, body in list(s.samples.items())[:6]:
            print(f"    sample {key}: {body[:200]!r}")
        print(f"  failed starts: {failed_starts}; saves never acknowledged: {unacked}")
        print(f"  stale re-sends: {self.stale_ok} refused as they must be, {self.stale_violation} violations")
        if submits:
            print(f"  submits (each attempt twice): {dict(submits)}")
        print(
            f"  load client CPU: {cpu * 100:.0f}% of one core over the window (pinned: {os.sched_getaffinity(0)})"
        )
        summary = {
            "examinees": n,
            "minutes": self.args.minutes,
            "p50_save": pct(s.lat.get("answer_save", []), 50),
            "p99_save": pct(s.lat.get("answer_save", []), 99),
            "errors": sum(errors.values()),
            "stale_violations": self.stale_violation,
            "unacked": unacked,
            "client_cpu": cpu,
        }
        print("SUMMARY " + json.dumps(summary))

    # --- spike ----------------------------------------------------------------------------------------

    async def spike(self):
        self.base = self.args.base.rstrip("/")
        self.hard_end = time.monotonic() + self.args.spike_timeout
        conn = aiohttp.TCPConnector(limit=self.args.connections)
        timeout = aiohttp.ClientTimeout(total=self.args.spike_timeout)
        async with aiohttp.ClientSession(connector=conn, timeout=timeout) as session:
            t0 = time.monotonic()
            self.stats.window = (t0, t0 + self.args.spike_timeout)
            usage0 = resource.getrusage(resource.RUSAGE_SELF)
            done = []

            async def one(ex):
                status = await self.start(session, ex, retry=True)
                while status not in (200, 201) and not self.stopping_hard():
                    await asyncio.sleep(1)
                    status = await self.start(session, ex, retry=True)
                done.append((time.monotonic() - t0, status))

            async def progress():
                while True:
                    await asyncio.sleep(10)
                    print(f"[client] {time.monotonic() - t0:5.0f} s: {len(done)} started", flush=True)

            ticker = asyncio.create_task(progress())
            await asyncio.gather(*(one(ex) for ex in self.examinees))
            ticker.cancel()
            wall = time.monotonic() - t0
            usage1 = resource.getrusage(resource.RUSAGE_SELF)
        s = self.stats
        ok = [t for t, st in done if st in (200, 201)]
        fives = sum(c for st, c in s.status["start"].items() if isinstance(st, int) and st >= 500)
        lat = s.lat["start"]
        cpu = (usage1.ru_utime + usage1.ru_stime - usage0.ru_utime - usage0.ru_stime) / wall
        print()
        print(
            f"Start spike: {len(self.examinees)} examinees start at once ({self.args.connections} connections at most)"
        )
        print(
            f"  all holding a started attempt after: {max(ok) if len(ok) == len(done) else float('nan'):.1f} s ({len(ok)}/{len(done)} started)"
        )
        print(f"  half of them after: {pct(ok, 50):.1f} s; 99%: {pct(ok, 99):.1f} s")
        print(
            f"  start request latency p50={pct(lat, 50):.0f} ms p99={pct(lat, 99):.0f} ms max={max(lat, default=float('nan')):.0f} ms"
        )
        print(f"  statuses: {dict(s.status['start'])}; 5xx: {fives}")
        errors = {f"{op}:{what}": c for (op, what), c in s.errors.items() if c}
        print(f"  errors: {errors}")
        for key, body in list(s.samples.items())[:4]:
            print(f"    sample {key}: {body[:200]!r}")
        print(f"  load client CPU: {cpu * 100:.0f}% of one core (pinned: {os.sched_getaffinity(0)})")
        print(
            "SUMMARY "
            + json.dumps(
                {
                    "examinees": len(done),
                    "all_started_s": max(ok, default=None),
                    "5xx": fives,
                    "client_cpu": cpu,
                }
            )
        )


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("mode", choices=["exam-day", "spike"])
    parser.add_argument("--run", required=True)
    parser.add_argument("--base", default="http://127.0.0.1:18100")
    parser.add_argument("--minutes", type=float, default=20)
    parser.add_argument("--ledger")
    parser.add_argument("--connections", type=int, default=1000)
    parser.add_argument(
        "--start-concurrency", type=int, default=16, help="attempt starts at once before the mix"
    )
    parser.add_argument(
        "--stale", type=float, default=0.02, help="share of saves that re-send an older answer"
    )
    parser.add_argument("--photo-bytes", type=int, default=16 * 1024)
    parser.add_argument("--submit", type=int, default=1)
    parser.add_argument("--retry-all", action="store_true", help="retry every failed request (chaos)")
    parser.add_argument("--offline", type=int, default=0)
    parser.add_argument("--offline-at", type=float, default=30)
    parser.add_argument("--offline-seconds", type=float, default=300)
    parser.add_argument("--spike-timeout", type=float, default=300)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    with open(args.run) as f:
        run = json.load(f)
    load = Load(args, run)
    asyncio.run(load.exam_day() if args.mode == "exam-day" else load.spike())


if __name__ == "__main__":
    sys.exit(main())
