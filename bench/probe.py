"""Small measurements for bench/run.sh that wrk cannot make.

  probe.py start PORT LOG BIN ARGS...  start BIN, print "PID MS": MS from spawn to its first reply
  probe.py login PORT ORG              print a login token for ORG
  probe.py tenants PORT N              print the median ms of N first logins of new organisations
  probe.py get PORT PATH               print a GET reply's body
  probe.py rss PID                     print the resident memory of PID in MiB
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


def rss(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                print(f"{int(line.split()[1]) / 1024:.1f}")


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "start":
        start(args[0], args[1], args[2:])
    else:
        {"login": login, "tenants": tenants, "get": get, "rss": rss}[command](*args)
