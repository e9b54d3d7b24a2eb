#!/usr/bin/env python3
"""End-to-end test of the dashboard in headless Chromium.

Starts the emulator (with the small dataset), opens /__admin/ui in Chromium
driven over the DevTools protocol on a pipe (standard library only, no
network), and checks what a person sees: a token created through the
CRM.COM API appears in the table, pressing "Reset organisation" removes it,
and the call shows in the journal. No pass code ever appears on the page.

    python3 tests/browser/dashboard.py [--binary PATH] [--screenshot FILE]
"""

import argparse
import base64
import datetime
import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

ORG = "browser-demo"
IDENTIFIER = "browser-test@example.com"
PASS_CODE = "s3cret-pass"


class Browser:
    """Chromium with --remote-debugging-pipe: JSON messages ending in NUL,
    written to its fd 3 and read from its fd 4."""

    def __init__(self, executable):
        to_chrome_r, to_chrome_w = os.pipe()
        from_chrome_r, from_chrome_w = os.pipe()
        # Move the child's ends above 10 so bash's 3<& and 4>& cannot
        # clobber one another.
        child_r = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD, 10)
        child_w = fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD, 10)
        for fd in (to_chrome_r, from_chrome_w):
            os.close(fd)
        self.profile = tempfile.mkdtemp(prefix="crmcom-chromium-")
        flags = [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-extensions", "--disable-background-networking",
            "--disable-dev-shm-usage", "--remote-debugging-pipe",
            "--window-size=1440,1000", f"--user-data-dir={self.profile}", "about:blank",
        ]
        command = " ".join([executable] + flags) + f" 3<&{child_r} 4>&{child_w}"
        self.process = subprocess.Popen(
            ["bash", "-c", "exec " + command],
            pass_fds=(child_r, child_w),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(child_r)
        os.close(child_w)
        self.writer = os.fdopen(to_chrome_w, "wb", buffering=0)
        self.reader = os.fdopen(from_chrome_r, "rb", buffering=0)
        self.buffer = b""
        self.next_id = 0
        self.session = None

    def send(self, method, params=None, session=True):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        self.writer.write(json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    def _read(self):
        while b"\0" not in self.buffer:
            chunk = self.reader.read(65536)
            if not chunk:
                raise RuntimeError("Chromium closed the pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def open(self, url):
        target = self.send("Target.createTarget", {"url": "about:blank"}, session=False)
        attached = self.send(
            "Target.attachToTarget", {"targetId": target["targetId"], "flatten": True}, session=False
        )
        self.session = attached["sessionId"]
        self.send("Page.enable")
        self.send("Runtime.enable")
        self.send("Page.navigate", {"url": url})

    def evaluate(self, expression):
        result = self.send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression, what, timeout=15):
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                if self.evaluate(expression):
                    return
            except RuntimeError:
                pass  # the page may still be loading
            time.sleep(0.2)
        raise AssertionError(f"timed out waiting for {what}")

    def screenshot(self, path):
        data = self.send("Page.captureScreenshot", {"format": "png"})["data"]
        with open(path, "wb") as out:
            out.write(base64.b64decode(data))

    def close(self):
        try:
            self.send("Browser.close", session=False)
        except Exception:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.profile, ignore_errors=True)


def start_emulator(binary):
    process = subprocess.Popen(
        [binary, "--port", "0", "--dataset", "small", "--seed", "7", "--log", "warn"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    first = process.stdout.readline().strip()
    if not first.startswith("listening on "):
        process.kill()
        raise RuntimeError(f"the emulator did not start: {first!r}")
    return process, first[len("listening on "):]


def call(base, path, body=None):
    """A JSON call to the emulator (POST with a body, else GET)."""
    request = urllib.request.Request(
        f"{base}/{path}",
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as reply:
        return json.load(reply)


def post(base, method, body):
    answer = call(base, f"crmapi/rest/v2/{method}", body)
    assert answer["status"]["code"] == "OK", answer
    return answer.get("data")


def table_text(selector):
    return f"document.querySelector('{selector} tbody').innerText"


def token_row(number):
    return f"document.querySelector('#tokens tr[data-number=\"{number}\"]')"


def search(browser, text):
    """Types `text` into the page's search box."""
    browser.evaluate(
        "(() => { const s = document.getElementById('search');"
        f" s.value = '{text}'; s.dispatchEvent(new Event('input')); }})()"
    )


def press(browser, button, message):
    """Clicks a button and waits for the page to say `message`."""
    browser.evaluate(f"document.getElementById('{button}').click()")
    browser.wait_for(
        f"document.getElementById('message').innerText.includes('{message}')",
        f"'{message}' after {button}",
    )


def organisation_clock(base):
    now = call(base, f"__admin/clock?organisation={ORG}")["data"]["now"]
    return datetime.datetime.fromisoformat(now.rstrip("Z"))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default="target/debug/crmcom-emulator")
    parser.add_argument("--screenshot", help="write a PNG of the page here")
    args = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        sys.exit("chromium is not installed (apt-get install -y chromium)")

    emulator, base = start_emulator(args.binary)
    browser = Browser(chromium)
    try:
        # Before any login: the organisation --dataset makes at start.
        browser.open(f"{base}/__admin/ui")
        browser.wait_for(
            "document.querySelector('#tenants tr[data-organisation=\"demo\"]') !== null"
            f" && {table_text('#tokens')}.includes('ACR005000')",
            "the demo organisation's accounts before any login",
        )
        token = post(base, "authentication/token",
                     {"username": "MPAdministrator", "password": "1234", "organisation": ORG})["token"]
        browser.evaluate(f"location.hash = 'organisation={ORG}'")
        browser.wait_for(
            f"document.getElementById('tenant-title').innerText.endsWith('{ORG}')",
            "the page to switch organisation",
        )
        browser.wait_for(
            f"{table_text('#tokens')}.includes('ACR005000')", "the dataset's accounts in the table"
        )
        browser.wait_for(
            f"document.querySelector('#tenants tr[data-organisation=\"{ORG}\"]') !== null",
            "the organisation in the list",
        )

        created = post(base, "access_tokens/create",
                       {"token": token, "identifier": IDENTIFIER, "pass_code": PASS_CODE,
                        "accounts_receivable_identifier": {"number": "ACR005000"}})
        search(browser, IDENTIFIER)
        browser.wait_for(f"{token_row(created['number'])} !== null", "the created token in the table")
        row = browser.evaluate(f"{token_row(created['number'])}.innerText")
        assert IDENTIFIER in row and "EFFECTIVE" in row and "ACR005000" in row, row
        browser.wait_for(
            f"{table_text('#journal')}.includes('access_tokens/create')", "the create in the journal"
        )
        journal_row = browser.evaluate(
            "document.querySelector('#journal tr[data-method=\"access_tokens/create\"]').innerText"
        )
        assert "200" in journal_row and "OK" in journal_row and "ms" in journal_row, journal_row
        page = browser.evaluate("document.body.innerText")
        assert PASS_CODE not in page and "demo1234" not in page, "a pass code reached the page"

        if args.screenshot:
            search(browser, "")
            time.sleep(1.5)
            browser.screenshot(args.screenshot)
            search(browser, IDENTIFIER)
            time.sleep(0.5)

        # Save a snapshot, reset (the token goes), restore (it comes back).
        press(browser, "snapshot-save", "Snapshot demo saved")
        browser.wait_for(
            "[...document.getElementById('snapshots').options].some(o => o.value === 'demo')",
            "the snapshot in the list",
        )
        press(browser, "reset", "Reset")
        browser.wait_for(
            f"{token_row(created['number'])} === null"
            " && document.getElementById('count').innerText.startsWith('0 match')",
            "the reset to remove the created token",
        )
        press(browser, "snapshot-restore", "Snapshot demo restored")
        browser.wait_for(f"{token_row(created['number'])} !== null", "the restored token")

        # Advance the organisation's clock an hour, then expire its logins.
        before = organisation_clock(base)
        press(browser, "clock-advance", "Clock advanced 3600 s")
        moved = (organisation_clock(base) - before).total_seconds()
        assert 3600 <= moved < 3700, f"the clock moved {moved} s"
        press(browser, "expire", "Login tokens expired")
        expired = call(base, "crmapi/rest/v2/access_tokens/show",
                       {"token": token, "access_token_identifier": {"identifier": IDENTIFIER,
                                                                    "pass_code": PASS_CODE}})
        assert expired["status"]["code"].endswith("TOKENEXPIREDEXCEPTION"), expired
        print("dashboard: token shown, journal row shown, snapshot saved, reset removed the token,"
              " restore brought it back, clock advanced, logins expired: ok")
    finally:
        browser.close()
        emulator.terminate()
        emulator.wait(timeout=30)


if __name__ == "__main__":
    main()
