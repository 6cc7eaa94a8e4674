// The Node half of benchmarks/iron_bench.py: @hapi/iron 7 and iron-session 9 sealing and
// unsealing the same sessions, with the packages installed in tests/interop/node_modules.
//
// stdin:  {"password": "...", "ttl": <seconds>, "seconds": <per sample>, "samples": n,
//          "payloads": {"<name>": <session object>, ...}}
// stdout: {"versions": {...}, "results": {"<implementation>": {"<payload>": {"seal": ops/s,
//          "unseal": ops/s}}}, "wall": <the same shape>}, the best of the samples; "results"
//          per second of the process's CPU time, "wall" per second of wall-clock time.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const interopDir = new URL("../tests/interop/", import.meta.url);
const interop = createRequire(new URL("package.json", interopDir));
const load = async (name) => import(pathToFileURL(interop.resolve(name)).href);
const version = (name) =>
  JSON.parse(readFileSync(new URL(`node_modules/${name}/package.json`, interopDir))).version;

const Iron = (await load("hapi-iron7")).default;
const session9 = await load("iron-session9");

const request = JSON.parse(readFileSync(0, "utf8"));
const { password, ttl } = request;
const passwords = { 1: password };

// Both sides do the same work as the Python side: id "1", a ttl, a keyed password map.
const ironOptions = { ...Iron.defaults, ttl: ttl * 1000 };
const implementations = {
  "@hapi/iron 7": {
    seal: (data) => Iron.seal(data, { id: "1", secret: password }, ironOptions),
    unseal: (sealed) => Iron.unseal(sealed, passwords, ironOptions),
  },
  "iron-session 9": {
    seal: (data) => session9.sealData(data, { password: passwords, ttl }),
    unseal: (sealed) => session9.unsealData(sealed, { password: passwords, ttl }),
  },
};

// CPU seconds of the whole process (libuv's thread pool included), as the Python side counts.
const cpuSeconds = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

// Awaited one after another, as a server answering one request at a time would. Also
// reports wall-clock ops/s: these include the waits for libuv's thread pool (@hapi/iron
// derives keys there), which a busy server overlaps with other requests.
async function opsPerSecond(operation) {
  // Let V8 compile the hot paths first, so that the first figures measured are not slowed.
  for (const deadline = cpuSeconds() + request.seconds; cpuSeconds() < deadline; ) await operation();
  const best = { cpu: 0, wall: 0 };
  for (let sample = 0; sample < request.samples; sample++) {
    const started = cpuSeconds();
    const wallStarted = performance.now();
    const deadline = started + request.seconds;
    let count = 0;
    while (cpuSeconds() < deadline) {
      for (let i = 0; i < 50; i++) await operation();
      count += 50;
    }
    best.cpu = Math.max(best.cpu, count / (cpuSeconds() - started));
    best.wall = Math.max(best.wall, count / ((performance.now() - wallStarted) / 1000));
  }
  return best;
}

const results = {};
const wall = {};
for (const [name, lib] of Object.entries(implementations)) {
  results[name] = {};
  wall[name] = {};
  for (const [payload, data] of Object.entries(request.payloads)) {
    const sealed = await lib.seal(data);
    const opened = await lib.unseal(sealed);
    if (JSON.stringify(opened) !== JSON.stringify(data)) throw new Error(`${name} round trip`);
    const seal = await opsPerSecond(() => lib.seal(data));
    const unseal = await opsPerSecond(() => lib.unseal(sealed));
    results[name][payload] = { seal: seal.cpu, unseal: unseal.cpu };
    wall[name][payload] = { seal: seal.wall, unseal: unseal.wall };
  }
}
const versions = {
  node: process.versions.node,
  "@hapi/iron": version("hapi-iron7"),
  "iron-session": version("iron-session9"),
};
process.stdout.write(JSON.stringify({ versions, results, wall }));
