#!/usr/bin/env python3
"""End-to-end test of the dashboard in headless Chromium.

Starts the emulator (with the small dataset), opens /__admin/ui in Chromium
driven over the DevTools protocol on a pipe (standard library only, no
network), and checks what a person sees: a token created through the
CRM.COM API appears in the table (newest first) and opens as the API answers
it; the call shows in the journal (newest first); the accounts view finds an
account by name, opens its contact, wallet and tokens, and sets its wallet
balance; a message CRM.COM sends appears in the outbox without a reload;
"Reset organisation" asks first and only resets when confirmed; at
1366x900 nothing overflows sideways; every input has a label. No pass code
ever appears on the page.

    python3 tests/browser/dashboard.py [--binary PATH] [--screenshot FILE]
                                       [--screenshot-full FILE]
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
# The fixtures' account with a contact, a wallet and a rewards participant.
ACCOUNT = "ACR0000000007"
ACCOUNT_EMAIL = "kathy.clark@example.com"
WALLET = "W0000000026"
# A token whose pass code the test asks CRM.COM to send again.
OUTBOX_IDENTIFIER = "outbox-test@example.com"
OUTBOX_PASS_CODE = "whatever-1"
# No page may ever hold one of these.
PASS_CODES = (PASS_CODE, OUTBOX_PASS_CODE, "demo1234")
# The screen a demo runs on.
SCREEN = (1366, 900)


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

    def screenshot(self, path, full_page=False):
        params = {"format": "png"}
        if full_page:
            width, height = self.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
            )
            params["captureBeyondViewport"] = True
            params["clip"] = {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}
        data = self.send("Page.captureScreenshot", params)["data"]
        with open(path, "wb") as out:
            out.write(base64.b64decode(data))

    def viewport(self, width, height):
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})

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


def admin(base, path):
    """An admin GET; its data."""
    answer = call(base, f"__admin/{path}")
    assert answer["status"]["code"] == "OK", answer
    return answer["data"]


def js(value):
    """`value` as a JavaScript literal."""
    return json.dumps(value)


def table_text(selector):
    return f"document.querySelector('{selector} tbody').innerText"


def row_of(table, number):
    return f"document.querySelector('#{table} tbody tr[data-number=\"{number}\"]')"


def token_row(number):
    return row_of("tokens", number)


def row_numbers(browser, table):
    return browser.evaluate(
        f"[...document.querySelectorAll('#{table} tbody tr')].map(r => r.dataset.number)"
    )


def text_of(browser, element_id):
    return browser.evaluate(f"document.getElementById({js(element_id)}).textContent")


def type_into(browser, element_id, text):
    """Types `text` into an input, as a person would (an input event)."""
    browser.evaluate(
        f"(() => {{ const s = document.getElementById({js(element_id)});"
        f" s.value = {js(text)}; s.dispatchEvent(new Event('input')); }})()"
    )


def search(browser, text):
    """Types `text` into the page's token search box."""
    type_into(browser, "search", text)


def press(browser, button, message, where="message"):
    """Clicks a button and waits for the page to say `message`."""
    browser.evaluate(f"document.getElementById({js(button)}).click()")
    browser.wait_for(
        f"document.getElementById({js(where)}).innerText.includes({js(message)})",
        f"'{message}' after {button}",
    )


def no_pass_code_on_page(browser):
    # innerText: what shows; textContent of main: also what folded <details>
    # hold; and every input's value.
    page = browser.evaluate(
        "document.body.innerText + '\\n' + document.querySelector('main').textContent + '\\n'"
        " + [...document.querySelectorAll('input')].map(i => i.value).join('\\n')"
    )
    for secret in PASS_CODES:
        assert secret not in page, f"a pass code ({secret}) reached the page"


def organisation_clock(base):
    now = call(base, f"__admin/clock?organisation={ORG}")["data"]["now"]
    return datetime.datetime.fromisoformat(now.rstrip("Z"))


def check_tokens(browser, base, created):
    """Newest token first; a click shows it as the API answers it."""
    number = created["number"]
    search(browser, "")
    browser.wait_for(
        "document.querySelectorAll('#tokens tbody tr').length > 50"
        f" && document.querySelector('#tokens tbody tr').dataset.number === {js(number)}",
        "every token, the newest on top of the table",
    )
    shown = row_numbers(browser, "tokens")
    newest_first = [t["number"] for t in admin(base, f"tenants/{ORG}/access_tokens?order=newest&limit=1000")["access_tokens"]]
    assert newest_first[0] == number, f"the created token is not the API's newest: {newest_first[:3]}"
    assert shown == newest_first[:len(shown)], f"the token table is not newest first: {shown[:12]}"

    browser.evaluate(f"{token_row(number)}.click()")
    browser.wait_for(
        "!document.getElementById('token-detail').hidden"
        f" && document.getElementById('token-json').textContent.includes({js(IDENTIFIER)})",
        "the token's JSON after a click on its row",
    )
    on_page = json.loads(text_of(browser, "token-json"))
    answered = admin(base, f"tenants/{ORG}/access_tokens/{number}")
    assert on_page == answered, (on_page, answered)
    assert on_page["number"] == number and on_page["identifier"] == IDENTIFIER, on_page
    # The selection survives the table's refreshes.
    time.sleep(2.5)
    assert browser.evaluate(f"{token_row(number)}.classList.contains('selected')"), "the row lost its selection"


def check_journal_order(browser):
    ids = browser.evaluate(
        "[...document.querySelectorAll('#journal tbody tr')].map(r => Number(r.dataset.id))"
    )
    assert len(ids) >= 2 and ids == sorted(ids, reverse=True), f"the journal is not newest first: {ids}"


def check_accounts(browser, base):
    """Finds an account by name, opens it, sets its wallet's balance."""
    every_row = "[...document.querySelectorAll('#accounts tbody tr')].map(r => r.innerText.toLowerCase())"
    browser.wait_for(f"{every_row}.length > 20", "the first accounts before a search")
    type_into(browser, "account-search", "Clark")
    browser.wait_for(
        f"{row_of('accounts', ACCOUNT)} !== null && {every_row}.every(r => r.includes('clark'))",
        f"{ACCOUNT}, and only accounts named or mailed Clark, found",
    )
    assert browser.evaluate(
        "document.getElementById('account-count').innerText"
    ).startswith(str(admin(base, f"tenants/{ORG}/accounts?q=Clark")["total"]) + " account"), "the count"
    browser.evaluate(f"{row_of('accounts', ACCOUNT)}.click()")
    browser.wait_for(
        f"document.getElementById('account-contact').textContent.includes({js(ACCOUNT_EMAIL)})"
        f" && document.getElementById('account-wallet').textContent.includes({js(WALLET)})",
        "the account's contact and wallet",
    )
    detail = admin(base, f"tenants/{ORG}/accounts/{ACCOUNT}")
    assert json.loads(text_of(browser, "account-contact")) == detail["contact_information"]
    assert json.loads(text_of(browser, "account-wallet")) == detail["wallet"]
    assert json.loads(text_of(browser, "account-participants")) == detail["rewards_participants"]
    assert json.loads(text_of(browser, "account-tokens")) == detail["access_tokens"]

    # The fixtures start it at 120: another balance first, then 120.
    for balance, figure in ((57.5, "57.5"), (120, "120")):
        browser.evaluate(f"document.getElementById('wallet-balance').value = {js(figure)}")
        press(browser, "wallet-set", f"balance set to {figure}", where="account-message")
        browser.wait_for(
            f"document.getElementById('wallet-balance-shown').innerText === {js(figure)}",
            f"the balance shown as {figure}",
        )
        wallet = admin(base, f"tenants/{ORG}/accounts/{ACCOUNT}")["wallet"]
        assert wallet["number"] == WALLET and wallet["balance"] == balance, wallet
        browser.wait_for(
            f"JSON.parse(document.getElementById('account-wallet').textContent).balance === {balance}"
            f" && {row_of('accounts', ACCOUNT)}.cells[5].innerText.split(' ')[0] === {js(figure)}",
            f"the wallet's JSON and the account's row at {figure}",
        )


def check_outbox(browser, base, token):
    """A message CRM.COM sends shows in the outbox, on top, without a reload."""
    type_into(browser, "outbox-recipient", "")
    # One sent to someone else (the fixtures have one), for the filter below.
    other = next(c["number"] for c in admin(base, f"tenants/{ORG}/outbox?limit=50")["communications"]
                 if "outbox-test" not in (c["recipient"] or ""))
    browser.wait_for(f"{row_of('outbox', other)} !== null", "the communications so far in the outbox")
    post(base, "access_tokens/create",
         {"token": token, "identifier": OUTBOX_IDENTIFIER, "pass_code": OUTBOX_PASS_CODE,
          "accounts_receivable_identifier": {"number": ACCOUNT}})
    before = {c["number"] for c in
              admin(base, f"tenants/{ORG}/outbox?recipient={OUTBOX_IDENTIFIER}&limit=1000")["communications"]}
    browser.evaluate("window.sameDocument = true")
    post(base, "access_tokens/forgot_pass_code", {"token": token, "identifier": OUTBOX_IDENTIFIER})
    sent = [c for c in admin(base, f"tenants/{ORG}/outbox?recipient={OUTBOX_IDENTIFIER}&limit=1000")["communications"]
            if c["number"] not in before]
    assert sent, "forgot_pass_code sent nothing to the outbox"
    sent = sent[0]  # the newest
    browser.wait_for(
        f"document.querySelector('#outbox tbody tr') !== null"
        f" && document.querySelector('#outbox tbody tr').dataset.number === {js(sent['number'])}",
        "the new communication on top of the outbox",
        timeout=6,
    )
    assert browser.evaluate("window.sameDocument === true"), "the page was reloaded"
    cells = browser.evaluate(
        f"[...{row_of('outbox', sent['number'])}.cells].map(c => c.innerText)"
    )
    assert cells[0] == sent["number"] and cells[3] == OUTBOX_IDENTIFIER, cells
    assert cells[1][:10] == sent["log_information"]["created_date"][:10], cells
    assert cells[2] == sent["media"] and cells[4].strip() == (sent["subject"] or "").strip(), cells
    assert cells[5].strip() == (sent["content"] or "").strip(), cells
    newest_first = [c["number"] for c in admin(base, f"tenants/{ORG}/outbox?limit=50")["communications"]]
    assert row_numbers(browser, "outbox") == newest_first, "the outbox is not in the API's (newest first) order"

    type_into(browser, "outbox-recipient", "outbox-test")
    browser.wait_for(
        f"{row_of('outbox', other)} === null && {row_of('outbox', sent['number'])} !== null",
        "the recipient filter",
    )
    recipients = browser.evaluate(
        "[...document.querySelectorAll('#outbox tbody tr')].map(r => r.dataset.recipient)"
    )
    assert recipients and all("outbox-test" in r.lower() for r in recipients), recipients


def check_layout(browser):
    """At 1366x900 with the tables filled, nothing is wider than the screen."""
    width, height = SCREEN
    browser.viewport(width, height)
    search(browser, "")
    type_into(browser, "outbox-recipient", "")
    browser.wait_for(
        "document.querySelectorAll('#tokens tbody tr').length > 50"
        " && document.querySelectorAll('#outbox tbody tr').length > 1",
        "the token table and the outbox filled",
    )
    time.sleep(0.5)
    scroll_width = browser.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"the page is {scroll_width} px wide at {width} px"
    too_wide = browser.evaluate(
        "[...document.querySelectorAll('section, .scroll, .panel, table, pre')]"
        ".filter(e => e.scrollWidth > e.clientWidth + 1)"
        ".map(e => (e.id || e.className || e.tagName) + ' ' + e.scrollWidth + '>' + e.clientWidth)"
    )
    assert not too_wide, f"scrolling sideways at {width} px: {too_wide}"


def check_labels(browser):
    fields = browser.evaluate("document.querySelectorAll('input, select, textarea').length")
    unlabelled = browser.evaluate(
        "[...document.querySelectorAll('input, select, textarea')]"
        ".filter(e => !((e.labels.length > 0 && e.labels[0].textContent.trim())"
        " || (e.getAttribute('aria-label') || '').trim()))"
        ".map(e => e.id || e.outerHTML)"
    )
    assert fields >= 7 and not unlabelled, f"{fields} fields, unlabelled: {unlabelled}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default="target/debug/crmcom-emulator")
    parser.add_argument("--screenshot", help="write a PNG of the page (1366x900) here")
    parser.add_argument("--screenshot-full", help="write a PNG of the whole page (1366 wide) here")
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
        check_journal_order(browser)
        no_pass_code_on_page(browser)

        check_tokens(browser, base, created)
        check_accounts(browser, base)
        check_outbox(browser, base, token)
        no_pass_code_on_page(browser)
        check_layout(browser)
        check_labels(browser)
        if args.screenshot:
            browser.evaluate("window.scrollTo(0, 0)")
            browser.screenshot(args.screenshot)
        if args.screenshot_full:
            browser.screenshot(args.screenshot_full, full_page=True)
        search(browser, IDENTIFIER)

        # Save a snapshot; reset, refused then confirmed (the token goes);
        # restore (it comes back).
        press(browser, "snapshot-save", "Snapshot demo saved")
        browser.wait_for(
            "[...document.getElementById('snapshots').options].some(o => o.value === 'demo')",
            "the snapshot in the list",
        )
        browser.evaluate("window.asked = []; window.confirm = (q) => { window.asked.push(q); return false; }")
        press(browser, "reset", "Reset cancelled")
        assert browser.evaluate("window.asked.length") == 1, "the reset did not ask first"
        time.sleep(2.5)  # a refresh later, the token is still there
        assert browser.evaluate(f"{token_row(created['number'])} !== null"), "a refused reset removed the token"
        assert admin(base, f"tenants/{ORG}/access_tokens?q={IDENTIFIER}")["total"] == 1, "a refused reset reset"
        browser.evaluate("window.confirm = (q) => { window.asked.push(q); return true; }")
        press(browser, "reset", "Reset to its start data")
        assert browser.evaluate("window.asked.length") == 2, "the reset did not ask first"
        browser.wait_for(
            f"{token_row(created['number'])} === null"
            " && document.getElementById('count').innerText.startsWith('0 match')",
            "the reset to remove the created token",
        )
        assert admin(base, f"tenants/{ORG}/access_tokens?q={IDENTIFIER}")["total"] == 0, "the reset did not reset"
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
        no_pass_code_on_page(browser)
        print("dashboard: token shown (newest first) and opened as JSON, journal newest first,"
              " account found and opened, wallet balance set, outbox updated live and filtered,"
              " no sideways scrolling at 1366 px, every input labelled, reset asks first,"
              " snapshot saved, reset removed the token, restore brought it back, clock advanced,"
              " logins expired: ok")
    finally:
        browser.close()
        emulator.terminate()
        emulator.wait(timeout=30)


if __name__ == "__main__":
    main()
