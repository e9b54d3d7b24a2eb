"""schemathesis hooks for crmcom-emulator (.ci/run and README).

A login hook: every generated request of a method that needs a login token
gets a real one, so the run reaches the methods' own rules instead of stopping
at the token check. And a check that stands in for the HTTP-status-based
`ignored_auth` and `missing_required_header` on the key logins: CRM.COM answers
bad credentials with HTTP 200 and the error envelope.
"""

import base64
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


# The admin search of one organisation's tokens answers 404 for an
# organisation that does not exist, which every generated name is: it is
# pointed at the organisation of the login above, so its query parameters
# reach the search itself.
SEARCH = "/__admin/tenants/{organisation}/access_tokens"


@schemathesis.hook
def map_path_parameters(ctx, path_parameters):
    if ctx.operation.path == SEARCH and isinstance(path_parameters, dict):
        path_parameters["organisation"] = ORGANISATION
    return path_parameters


HERE = os.path.dirname(os.path.abspath(__file__))


def _keys(name: str) -> set:
    with open(os.path.join(HERE, "..", "fixtures", name)) as f:
        return {entry["key"] for entry in json.load(f)}


KEYS = _keys("web_api_keys.json") | _keys("consumer_application_keys.json")


def _basic_user(header) -> str:
    if not header or not header.lower().startswith("basic "):
        return ""
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
    except Exception:  # noqa: BLE001 - an undecodable header names no key
        return ""
    return decoded.split(":", 1)[0]


@schemathesis.check
def bad_credentials_answer_the_error_envelope(ctx, response, case):
    """The key logins: without a known key the answer is an error envelope.

    This is what `ignored_auth` and `missing_required_header` check by HTTP
    status; CRM.COM answers bad credentials with HTTP 200 and
    INVALIDCREDENTIALSEXCEPTION, so it is checked on the envelope instead.
    """
    if "_key/token" not in case.operation.path:
        return None
    code = response.json()["status"]["code"]
    header = (case.headers or {}).get("Authorization") or response.request.headers.get(
        "Authorization"
    )
    if code == "OK" and _basic_user(header) not in KEYS:
        raise AssertionError("a key login without a known key was answered OK")
    return None
