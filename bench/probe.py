"""Small measurements for bench/run.sh that wrk cannot make.

  probe.py start PORT LOG BIN ARGS...  start BIN, print "PID MS": MS from spawn to its first reply
  probe.py login PORT ORG              print a login token for ORG
  probe.py tenants PORT N              print the median ms of N first logins of new organisations
  probe.py get PORT PATH               print a GET reply's body
  probe.py rss PID                     print the resident memory of PID in MiB
  probe.py peak PID                    print the peak resident memory of PID in MiB
  probe.py zeros PORT N                POST N bodies of 16,301 bytes ([0,0,...]) to access_tokens/show
  probe.py logins PORT N PREFIX        log in to N new organisations PREFIX-0 ...
  probe.py call PORT VERB PATH         send an admin call, print its reply
"""
import http.client
import json
import statistics
import subprocess
import sys
import time

API = "/crmapi/rest/v2/"
LOGIN = {"username": "MPAdministrator", "password": "1234"}


def post(conn, path, body):
    conn.request("POST", API + path, json.dumps(body), {"Content-Type": "application/json"})
    reply = conn.getresponse()
    return json.loads(reply.read())


def start(port, log, argv):
    try:
        http.client.HTTPConnection("127.0.0.1", int(port), timeout=1).connect()
        sys.exit(f"port {port} is in use: stop what listens there, or set PORT")
    except ConnectionRefusedError:
        pass
    began = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=open(log, "wb"))
    while True:
        if child.poll() is not None:
            sys.exit(f"{argv[0]} exited with {child.returncode}; see {log}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", int(port), timeout=5)
            conn.request("GET", "/__admin/health")
            conn.getresponse().read()
            break
        except OSError:
            time.sleep(0.0005)
    elapsed = (time.perf_counter() - began) * 1000
    print(child.pid, f"{elapsed:.1f}")


def login(port, org):
    conn = http.client.HTTPConnection("127.0.0.1", int(port))
    reply = post(conn, "authentication/token", dict(LOGIN, organisation=org))
    print(reply["data"]["token"])


def tenants(port, n):
    conn = http.client.HTTPConnection("127.0.0.1", int(port))
    times = []
    for i in range(int(n)):
        began = time.perf_counter()
        reply = post(conn, "authentication/token", dict(LOGIN, organisation=f"probe-{i}"))
        times.append((time.perf_counter() - began) * 1000)
        if reply["status"]["code"] != "OK":
            sys.exit(f"login failed: {reply}")
    print(f"{statistics.median(times):.3f}")


def get(port, path):
    conn = http.client.HTTPConnection("127.0.0.1", int(port))
    conn.request("GET", path)
    print(conn.getresponse().read().decode())


def status_mib(pid, field):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                print(f"{int(line.split()[1]) / 1024:.1f}")


def rss(pid):
    status_mib(pid, "VmRSS")


def peak(pid):
    status_mib(pid, "VmHWM")


def zeros(port, n):
    conn = http.client.HTTPConnection("127.0.0.1", int(port))
    body = "[0" + ",0" * 8149 + "]"
    assert len(body) == 16301
    for _ in range(int(n)):
        conn.request("POST", API + "access_tokens/show", body, {"Content-Type": "application/json"})
        conn.getresponse().read()


def logins(port, n, prefix):
    conn = http.client.HTTPConnection("127.0.0.1", int(port))
    for i in range(int(n)):
        reply = post(conn, "authentication/token", dict(LOGIN, organisation=f"{prefix}-{i}"))
        if reply["status"]["code"] != "OK":
            sys.exit(f"login failed: {reply}")


def call(port, verb, path):
    conn = http.client.HTTPConnection("127.0.0.1", int(port), timeout=600)
    conn.request(verb, path, "", {"Content-Type": "application/json"})
    print(conn.getresponse().read().decode()[:200])


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "start":
        start(args[0], args[1], args[2:])
    else:
        {"login": login, "tenants": tenants, "get": get, "rss": rss, "peak": peak,
         "zeros": zeros, "logins": logins, "call": call}[command](*args)
