"""The HTML product page in a real browser: Debian's headless Chromium (installed by `make setup`)."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.aggregator.procs import ARTIFACTS, Aggregator

_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)


def chromium() -> str:
    path = shutil.which("chromium") or "/usr/bin/chromium"
    assert Path(path).exists(), "chromium is missing: run `make setup` (it installs Debian's chromium)"
    return path


def browse(url: str, *args: str) -> str:
    """Runs headless Chromium on `url` with a fresh profile; returns what it printed."""
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        done = subprocess.run(
            [chromium(), *_FLAGS, f"--user-data-dir={profile}", *args, url],
            capture_output=True,
            text=True,
            timeout=90,
            check=False,
        )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def load(aggregator: Aggregator, path: str, screenshot: str) -> str:
    """The page's DOM after Chromium rendered it; also keeps a screenshot in artifacts/aggregator/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / screenshot
    shot.unlink(missing_ok=True)
    browse(aggregator.base_url + path, f"--screenshot={shot}", "--window-size=1280,1800")
    assert shot.stat().st_size > 10_000
    return browse(aggregator.base_url + path, "--dump-dom")


def section_states(dom: str) -> dict[str, str]:
    return dict(re.findall(r'<section id="(\w+)" data-section="\w+" data-state="(\w+)"', dom))


def test_product_page_in_chromium(aggregator: Aggregator) -> None:
    dom = load(aggregator, "/products/P00001?user=u-alice", "product-page.png")
    title = re.search(r"<title>(.*?)</title>", dom)
    assert title is not None
    assert title.group(1).endswith("· pagemesh books")
    assert len(title.group(1)) > len("· pagemesh books") + 3
    assert section_states(dom) == {
        "authors": "ok",
        "reviews": "ok",
        "recommendations": "ok",
        "sponsored": "ok",
        "recently_viewed": "ok",
    }
    assert 'id="price"' in dom
    assert 'class="stars"' in dom
    assert "temporarily unavailable" not in dom


def test_degraded_page_in_chromium(slow_reviews: Aggregator) -> None:
    dom = load(slow_reviews, "/products/P00001?user=u-alice", "product-page-degraded.png")
    states = section_states(dom)
    assert states["reviews"] == "unavailable"
    assert states["recommendations"] == "ok"
    assert "Reviews are temporarily unavailable" in dom


def test_unknown_product_in_chromium(aggregator: Aggregator) -> None:
    dom = browse(aggregator.base_url + "/products/P99999", "--dump-dom")
    assert "Product not found" in dom
