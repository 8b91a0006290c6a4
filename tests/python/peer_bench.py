"""Tencent's official Python SDK calling DescribeCaptchaResult against a captcha emulator, for
the peer comparison of `tests/examples/e2e.rs --peers python` (BENCHMARKS.md).

Usage: python3 peer_bench.py HOST:PORT SECRET_ID SECRET_KEY CAPTCHA_APP_ID APP_SECRET_KEY USER_IP CONCURRENCY SECONDS

Reads the tickets to check from stdin, one `TICKET RANDSTR` per line (minted by the caller
before the clock starts), then checks them with CONCURRENCY threads sharing one SDK client
(TC3-HMAC-SHA256 over POST, the SDK's default) for SECONDS, and prints one JSON object:
requests, errors, rps, p50_us, p99_us and client_cpu_us_per_request (the CPU time of this
process, every thread, per call).

Needs `pip install tencentcloud-sdk-python-common==3.1.195 tencentcloud-sdk-python-captcha==3.1.177`.
"""
import json
import sys
import threading
import time

from tencentcloud.captcha.v20190722 import captcha_client, models
from tencentcloud.common import credential
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile

HOST, SECRET_ID, SECRET_KEY, APP_ID, APP_KEY, USER_IP, CONCURRENCY, SECONDS = sys.argv[1:9]
APP_ID, CONCURRENCY, SECONDS = int(APP_ID), int(CONCURRENCY), float(SECONDS)

tickets = [line.split() for line in sys.stdin if line.strip()]
profile = ClientProfile(httpProfile=HttpProfile(endpoint=HOST, protocol="http", reqMethod="POST"))
client = captcha_client.CaptchaClient(credential.Credential(SECRET_ID, SECRET_KEY), "", profile)


def check(ticket, randstr):
    request = models.DescribeCaptchaResultRequest()
    request.CaptchaType = 9
    request.Ticket = ticket
    request.UserIp = USER_IP
    request.Randstr = randstr
    request.CaptchaAppId = APP_ID
    request.AppSecretKey = APP_KEY
    return client.DescribeCaptchaResult(request).CaptchaCode == 1


latencies, errors, lock = [], [0], threading.Lock()


def worker(queue, deadline):
    mine, failed = [], 0
    for ticket, randstr in queue:
        if time.monotonic() >= deadline:
            break
        started = time.monotonic()
        try:
            passed = check(ticket, randstr)
        except Exception:  # noqa: BLE001 — any failure counts as an error
            passed = False
        mine.append((time.monotonic() - started) * 1e6)
        failed += 0 if passed else 1
    with lock:
        latencies.extend(mine)
        errors[0] += failed


queues = [tickets[i::CONCURRENCY] for i in range(CONCURRENCY)]
# One call outside the clock: the SDK's first call imports and connects.
warm = queues[0].pop()
check(*warm)
cpu_started, started = time.process_time(), time.monotonic()
deadline = started + SECONDS
threads = [threading.Thread(target=worker, args=(queue, deadline)) for queue in queues]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
elapsed, cpu = time.monotonic() - started, time.process_time() - cpu_started
latencies.sort()
n = len(latencies)
pick = lambda q: round(latencies[min(n * q // 100, n - 1)]) if n else 0  # noqa: E731
print(json.dumps({
    "requests": n,
    "errors": errors[0],
    "rps": round(n / elapsed),
    "p50_us": pick(50),
    "p99_us": pick(99),
    "client_cpu_us_per_request": round(cpu * 1e6 / max(n, 1), 1),
}))
