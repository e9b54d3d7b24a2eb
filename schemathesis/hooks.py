"""schemathesis hooks for crmcom-emulator (.ci/run and README).

A login hook: every generated request of a method that needs a login token
gets a real one, so the run reaches the methods' own rules instead of stopping
at the token check. And a check that replaces the HTTP-status-based
`negative_data_rejection`: CRM.COM answers errors with HTTP 200 and the error
envelope, so invalid data must be answered with a non-OK `status.code`.
"""

import json
import os
import urllib.request

import schemathesis

BASE = os.environ["EMULATOR_URL"].rstrip("/")
ORGANISATION = "schemathesis"


def _login() -> str:
    body = json.dumps(
        {"username": "MPAdministrator", "password": "1234", "organisation": ORGANISATION}
    ).encode()
    request = urllib.request.Request(
        BASE + "/crmapi/rest/v2/authentication/token",
        data=body,
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as reply:
        return json.load(reply)["data"]["token"]


TOKEN = _login()

# Releasing the shared token would end the session every other case uses.
NO_TOKEN = ("/authentication/",)


def _needs_token(ctx) -> bool:
    path = ctx.operation.path
    return not any(part in path for part in NO_TOKEN)


@schemathesis.hook
def map_body(ctx, body):
    if isinstance(body, dict) and "token" in body and _needs_token(ctx):
        body["token"] = TOKEN
    return body


@schemathesis.hook
def map_query(ctx, query):
    if isinstance(query, dict) and "token" in query and _needs_token(ctx):
        query["token"] = TOKEN
    return query


@schemathesis.check
def invalid_data_answers_the_error_envelope(ctx, response, case):
    """Data that breaks the request schema is refused in the envelope."""
    if case.meta is None or str(case.meta.generation.mode).lower().find("negative") < 0:
        return None
    try:
        code = response.json()["status"]["code"]
    except Exception as error:  # noqa: BLE001 - any non-envelope fails
        raise AssertionError(f"not the envelope: {error}") from error
    if code == "OK":
        raise AssertionError("invalid data was answered OK")
    return None
