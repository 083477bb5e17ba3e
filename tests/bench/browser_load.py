"""Browser load check: 10 signed-in editors on the Alignment page of one document at once.

    python tests/bench/browser_load.py [--sessions 10] [--seconds 60] [--links 3000] [--json]

Starts ``workbench serve --auth password`` on a temporary project (the load benchmark's document:
3,000 links of demo paragraphs, 500 terms, an account per session) and drives it with Debian's
Chromium through Playwright (``executable_path``; nothing is downloaded): one browser, a context per
editor, all driven at once from one event loop. Each editor signs in, opens the Alignment page and,
until the time is up, does what an editor does there: confirm or unconfirm the selected link, edit
its paragraph's text and save it, merge it with the next, page on, jump to the next link to review,
reload. After every interaction the page is waited on until Streamlit has finished its run, then
searched for an exception box (``stException``): there must be none, on any page, ever. Refusals the
app shows as errors (a stale save: someone else changed the alignment) are counted apart: they are
the app working as designed. The server's log is searched for tracebacks as well.

Baseline measured in the same run: one editor alone doing the same interactions for a few rounds
before the others sign in, so the per-interaction times under load compare by their ratio.
Exit code 0 when no page showed an exception and the server logged no traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

PW = "bench password, long enough"
T = 60_000  # ms: a run of the page under load may take a while
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                  "--disable-dev-shm-usage"]  # fmt: skip
SHOTS = os.environ.get("BROWSER_LOAD_SHOTS")  # a folder: screenshots of pages where the driver failed
ACTIONS = {"confirm": 30, "edit_text": 30, "merge": 8, "next_page": 14, "next_review": 10, "reload": 8}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def setup(db: Path, sessions: int, n_links: int) -> list[str]:
    """The project: the team benchmark's document and termbase, an account per session (passwords)."""
    from tests.bench.team_bench import build
    from workbench.store import open_store

    info = build(str(db), n_links, 500, sessions)
    store = open_store(db)
    for name, _role in info["users"]:
        store.accounts.set_password(name, PW, user="bench-admin")
    store.close()
    return [name for name, _ in info["users"]]


def serve(db: Path, tmp: Path, port: int) -> tuple[subprocess.Popen, Path]:
    log = tmp / "server.log"
    env = {**os.environ, "WORKBENCH_EXPORTS": str(tmp / "exports"), "WORKBENCH_EMBED": "0"}
    env.pop("WORKBENCH_AUTH", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "workbench.cli", "--db", str(db), "serve", "--port", str(port), "--auth", "password"],
        env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, cwd=REPO,
    )  # fmt: skip
    deadline = time.time() + 90
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the app did not start:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc, log
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("the app did not answer within 90 s")


class Session:
    """One editor's browser context and what happened on its page."""

    def __init__(self, name: str, seed: int) -> None:
        self.name = name
        self.rng = random.Random(seed)
        self.page: Any = None
        self.times: list[tuple[str, float]] = []
        self.refusals = 0
        self.exceptions: list[str] = []
        self.failures: list[str] = []
        self.n = 0

    async def settle(self) -> None:
        """Wait until Streamlit has finished the run the last interaction started."""
        page = self.page
        await page.wait_for_timeout(150)
        running = page.locator('[data-testid="stStatusWidget"]')
        deadline = time.time() + T / 1000
        while time.time() < deadline and await running.count():
            await page.wait_for_timeout(100)
        await page.locator('[data-testid="stHeading"], h1').first.wait_for(timeout=T)

    async def look(self, what: str) -> None:
        """Record any exception box the page shows (there must be none) and count shown refusals."""
        boxes = self.page.locator('[data-testid="stException"]')
        n = await boxes.count()
        if n:
            text = (await boxes.first.inner_text())[:500]
            self.exceptions.append(f"{self.name} after {what}: {text}")
        alerts = self.page.locator('[data-testid="stAlertContentError"]')
        if await alerts.count():
            self.refusals += 1

    async def sign_in(self, browser: Any, url: str) -> None:
        ctx = await browser.new_context(viewport={"width": 1400, "height": 1000})
        self.page = page = await ctx.new_page()
        page.set_default_timeout(T)
        await page.goto(url + "/align", wait_until="domcontentloaded")
        await page.get_by_label("User name", exact=True).fill(self.name)
        await page.get_by_label("Password", exact=True).fill(PW)
        await page.get_by_role("button", name="Sign in", exact=True).click()
        await page.get_by_role("heading", name="Align").wait_for(timeout=T)
        await page.locator(".wb-link").first.wait_for(timeout=T)
        await self.settle()
        await self.look("opening the page")

    async def click_key(self, key: str) -> bool:
        btn = self.page.locator(f".st-key-{key} button")
        if not await btn.count() or await btn.first.is_disabled():
            return False
        await btn.first.click(timeout=20_000)
        return True

    async def act(self, action: str) -> None:
        page = self.page
        t = time.perf_counter()
        done = True
        if action == "confirm":
            done = await self.click_key("al_confirm") or await self.click_key("al_unconfirm")
        elif action == "merge":
            done = await self.click_key("al_merge")
        elif action == "next_page":
            done = await self.click_key("al_next")
        elif action == "next_review":
            done = await self.click_key("al_review")
        elif action == "reload":
            await page.reload(wait_until="domcontentloaded")
            await page.locator(".wb-link").first.wait_for(timeout=T)
        elif action == "edit_text":
            expander = page.get_by_text("Edit this paragraph's text")
            if not await expander.count():
                done = False
            else:
                box = page.get_by_label("Text", exact=True)
                if not await box.is_visible():
                    await expander.first.click(timeout=20_000)
                await box.wait_for(state="visible", timeout=T)
                self.n += 1
                text = (await box.input_value()).split(" ⟦")[0] + f" ⟦{self.name} {self.n}⟧"
                await box.fill(text, timeout=20_000)
                await box.press("Tab")  # Streamlit sends a text area's value when it loses focus
                await self.settle()
                await page.get_by_role("button", name="Save text").click(timeout=20_000)
        if done:
            await self.settle()
            self.times.append((action, time.perf_counter() - t))
        await self.look(action)

    async def loop(self, until: float, think: float) -> None:
        kinds, weights = list(ACTIONS), list(ACTIONS.values())
        while time.time() < until:
            action = self.rng.choices(kinds, weights)[0]
            try:
                await self.act(action)
            except Exception as exc:  # noqa: BLE001 - a timeout or a vanished element: counted, the loop goes on
                self.failures.append(f"{self.name} {action}: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
                if SHOTS:
                    with contextlib.suppress(Exception):
                        await self.page.screenshot(path=str(Path(SHOTS) / f"{self.name}-{len(self.failures)}.png"),
                                                   full_page=True)  # fmt: skip
                try:
                    await self.look(action)
                except Exception:  # noqa: BLE001,S110 - the page itself is gone; the failure is recorded
                    pass
            await asyncio.sleep(self.rng.expovariate(1 / think) if think > 0 else 0)


async def drive(url: str, names: list[str], seconds: float, think: float, baseline_rounds: int) -> dict[str, Any]:
    from playwright.async_api import async_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        # baseline: the first editor alone
        alone = Session(names[0], 0)
        await alone.sign_in(browser, url)
        for _ in range(baseline_rounds):
            for action in ("confirm", "edit_text", "next_page", "next_review"):
                await alone.act(action)
        sessions = [alone] + [Session(n, k + 1) for k, n in enumerate(names[1:])]
        alone_times = list(alone.times)
        alone.times.clear()
        await asyncio.gather(*(s.sign_in(browser, url) for s in sessions[1:]))
        until = time.time() + seconds
        await asyncio.gather(*(s.loop(until, think) for s in sessions))
        for s in sessions:  # a last look at every page
            await s.look("the end")
        await browser.close()
    return {"sessions": sessions, "alone": alone_times}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=10)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--links", type=int, default=3000)
    ap.add_argument("--think", type=float, default=1.0, help="mean pause between an editor's interactions, s")
    ap.add_argument("--baseline-rounds", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    if not (shutil.which("chromium") or shutil.which("chromium-browser")):
        print("chromium is not installed (apt-get install chromium)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="browser_load.") as tmp_name:
        tmp = Path(tmp_name)
        db = tmp / "load.db"
        names = setup(db, args.sessions, args.links)
        proc, log = serve(db, tmp, free_port())
        url = f"http://127.0.0.1:{proc.args[proc.args.index('--port') + 1]}"
        try:
            out = asyncio.run(drive(url, names, args.seconds, args.think, args.baseline_rounds))
        finally:
            proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
        server_log = log.read_text(errors="replace")
    sessions: list[Session] = out["sessions"]
    times = [t for s in sessions for t in s.times]
    per: dict[str, Any] = {}
    for action in ACTIONS:
        xs = [t for a, t in times if a == action]
        al = [t for a, t in out["alone"] if a == action]
        if xs:
            per[action] = {"n": len(xs), "median_s": round(statistics.median(xs), 2), "max_s": round(max(xs), 2),
                           "alone_s": round(statistics.median(al), 2) if al else None}  # fmt: skip
    tracebacks = server_log.count("Traceback (most recent call last)")
    exceptions = [e for s in sessions for e in s.exceptions]
    failures = [f for s in sessions for f in s.failures]
    result = {
        "sessions": len(sessions),
        "seconds": args.seconds,
        "links": args.links,
        "interactions": len(times),
        "pages_with_exception": sum(bool(s.exceptions) for s in sessions),
        "exceptions": len(exceptions),
        "refusals_shown": sum(s.refusals for s in sessions),
        "driver_failures": len(failures),
        "server_tracebacks": tracebacks,
        "actions": per,
        "exception_samples": exceptions[:3],
        "failure_samples": failures[:5],
    }
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(f"{len(sessions)} editors on the Alignment page of one {args.links}-link document for {args.seconds:g} s:"
              f" {len(times)} interactions")  # fmt: skip
        print(f"{'action':12} {'n':>5} {'median s':>9} {'max s':>7} {'alone s':>8} {'ratio':>6}")
        for action, p in per.items():
            ratio = f"x{p['median_s'] / p['alone_s']:.1f}" if p["alone_s"] else ""
            print(f"{action:12} {p['n']:5} {p['median_s']:9.2f} {p['max_s']:7.2f} {p['alone_s'] or '':>8} {ratio:>6}")
        print(f"pages with an exception: {result['pages_with_exception']} of {len(sessions)}"
              f" ({len(exceptions)} exception boxes); refusals shown (stale saves): {result['refusals_shown']};"
              f" server tracebacks: {tracebacks}; driver timeouts/failures: {len(failures)}")  # fmt: skip
        for line in exceptions[:3] + failures[:5]:
            print("  " + line.replace("\n", " | ")[:400])
    return 0 if not exceptions and not tracebacks else 1


if __name__ == "__main__":
    sys.exit(main())
