// Tencent's official Node.js SDK (tencentcloud-sdk-nodejs, pinned in package.json) calling
// DescribeCaptchaResult against a captcha emulator, for the peer comparison of
// `tests/examples/e2e.rs --peers node` (BENCHMARKS.md).
//
// Usage: node peer_bench.js HOST:PORT SECRET_ID SECRET_KEY CAPTCHA_APP_ID APP_SECRET_KEY USER_IP CONCURRENCY SECONDS
//
// Reads the tickets to check from stdin, one `TICKET RANDSTR` per line (minted by the caller
// before the clock starts), then checks them with CONCURRENCY concurrent calls on one SDK
// client (TC3-HMAC-SHA256 over POST, the SDK's default) for SECONDS, and prints one JSON
// object: requests, errors, rps, p50_us, p99_us and client_cpu_us_per_request (the CPU time
// of this process per call). Needs `npm ci` in this directory.
//
// The SDK signs for the service named by the endpoint's first label, so the endpoint is
// `captcha.emulator.test:PORT`, resolved to 127.0.0.1 by the keep-alive agent given to it
// (Node 20's default agent keeps connections alive too).
"use strict";
const fs = require("fs");
const http = require("http");
const tencentcloud = require("tencentcloud-sdk-nodejs");

const [host, secretId, secretKey, appId, appKey, userIp, concurrency, seconds] = process.argv.slice(2);
const tickets = fs
  .readFileSync(0, "utf8")
  .split("\n")
  .filter((line) => line.trim())
  .map((line) => line.split(" "));
const [address, port] = host.split(":");
const agent = new http.Agent({
  keepAlive: true,
  lookup: (_name, options, callback) =>
    options && options.all ? callback(null, [{ address, family: 4 }]) : callback(null, address, 4),
});
const client = new tencentcloud.captcha.v20190722.Client({
  credential: { secretId, secretKey },
  region: "",
  profile: {
    httpProfile: { endpoint: `captcha.emulator.test:${port}`, protocol: "http://", reqMethod: "POST", agent },
  },
});

async function check([ticket, randstr]) {
  const answer = await client.DescribeCaptchaResult({
    CaptchaType: 9,
    Ticket: ticket,
    UserIp: userIp,
    Randstr: randstr,
    CaptchaAppId: Number(appId),
    AppSecretKey: appKey,
  });
  return answer.CaptchaCode === 1;
}

async function main() {
  const workers = Number(concurrency);
  const queues = Array.from({ length: workers }, (_, i) => tickets.filter((_, j) => j % workers === i));
  // One call outside the clock: the SDK's first call loads and connects.
  await check(queues[0].pop());
  const latencies = [];
  let errors = 0;
  const cpuStarted = process.cpuUsage();
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(Math.round(Number(seconds) * 1e9));
  await Promise.all(
    queues.map(async (queue) => {
      for (const job of queue) {
        const begun = process.hrtime.bigint();
        if (begun >= deadline) break;
        let passed = false;
        try {
          passed = await check(job);
        } catch (_) {
          passed = false;
        }
        latencies.push(Number(process.hrtime.bigint() - begun) / 1e3);
        if (!passed) errors += 1;
      }
    }),
  );
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuStarted);
  latencies.sort((a, b) => a - b);
  const n = latencies.length;
  const pick = (q) => (n ? Math.round(latencies[Math.min(Math.floor((n * q) / 100), n - 1)]) : 0);
  console.log(
    JSON.stringify({
      requests: n,
      errors,
      rps: Math.round(n / elapsed),
      p50_us: pick(50),
      p99_us: pick(99),
      client_cpu_us_per_request: Math.round(((cpu.user + cpu.system) / Math.max(n, 1)) * 10) / 10,
    }),
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
