// The Node half of benchmarks/iron_bench.py: @hapi/iron 7 and iron-session 9 sealing and
// unsealing the same sessions, with the packages installed in tests/interop/node_modules.
//
// stdin:  {"password": "...", "ttl": <seconds>, "seconds": <per sample>, "samples": n,
//          "payloads": {"<name>": <session object>, ...}}
// stdout: {"versions": {...}, "results": {"<implementation>": {"<payload>": {"seal": ops/s,
//          "unseal": ops/s}}}}, the best of the samples.
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

// Awaited one after another, as a server answering one request at a time would.
async function opsPerSecond(operation) {
  let best = 0;
  for (let sample = 0; sample < request.samples; sample++) {
    const started = cpuSeconds();
    const deadline = started + request.seconds;
    let count = 0;
    while (cpuSeconds() < deadline) {
      for (let i = 0; i < 50; i++) await operation();
      count += 50;
    }
    best = Math.max(best, count / (cpuSeconds() - started));
  }
  return best;
}

const results = {};
for (const [name, lib] of Object.entries(implementations)) {
  results[name] = {};
  for (const [payload, data] of Object.entries(request.payloads)) {
    const sealed = await lib.seal(data);
    const opened = await lib.unseal(sealed);
    if (JSON.stringify(opened) !== JSON.stringify(data)) throw new Error(`${name} round trip`);
    results[name][payload] = {
      seal: await opsPerSecond(() => lib.seal(data)),
      unseal: await opsPerSecond(() => lib.unseal(sealed)),
    };
  }
}
const versions = {
  node: process.versions.node,
  "@hapi/iron": version("hapi-iron7"),
  "iron-session": version("iron-session9"),
};
process.stdout.write(JSON.stringify({ versions, results }));
