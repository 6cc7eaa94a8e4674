// The Node side of the interop tests: one long-lived process, JSON lines in, JSON lines out.
//
// Request:  {"op": "seal" | "unseal" | "versions", "lib": "hapi7" | "wc1" | "wc2" | "session8" |
//            "session9", "data": ..., "data_js": "<JS expression>", "sealed": "...",
//            "password": ..., "options": {...}, "ttl": ..., "now_ms": ..., "fixed_random": n}
// Response: {"ok": true, "result": ...} or {"ok": false, "error": "<message>"};
//           session9's unseal also answers "reason" (what onUnsealError got, or null).
//
// * password: a string; {"hex": "..."} for a key buffer; {"id", "secret"} or
//   {"id", "encryption", "integrity"}; or an id -> password map. Any null stays null.
// * options (raw Iron libs only): deep-merged over the library's defaults, Iron spelling
//   ({"encryption": {"algorithm": "aes-128-ctr", "iv": {"hex": ...}}, "ttl": ms, ...}).
// * ttl: milliseconds for the Iron libs (also settable in options), seconds for iron-session.
// * now_ms: Date.now() during the call. fixed_random: every random byte during the call.
// * data_js: a JS expression evaluated instead of "data" (cyclic arrays and the like).
//
// {"op": "session9_jar", "cookies": {name: value}, "password": ..., "options": {...},
//  "write": {...} | null, "destroy": bool}: iron-session 9's getIronSession over a cookie
// jar holding the request's cookies, with "options" as given (cookieName, chunk, ...); it
// assigns "write" and saves, or destroys. Result: {"session": what it read, "writes":
// [{"name", "value", "maxAge"}, ...] in the order the jar got them}.
import { readFileSync } from "node:fs";
import nodeCrypto from "node:crypto";
import { createInterface } from "node:readline";

import hapi7 from "hapi-iron7";
import * as wc1 from "iron-webcrypto1";
import * as wc2 from "iron-webcrypto2";
import * as session8 from "iron-session8";
import * as session9 from "iron-session9";

const webcrypto = globalThis.crypto;

// Every library behind one (data, password, options, ttl) signature.
const ironLib = (defaults, seal, unseal, buffer) => ({
  buffer,
  seal: (data, password, options, ttl) =>
    seal(data, password, { ...withDefaults(defaults, options), ...(ttl === undefined ? {} : { ttl }) }),
  unseal: (sealed, password, options) => unseal(sealed, password, withDefaults(defaults, options)),
});
const toUint8Array = (hex) => new Uint8Array(Buffer.from(hex, "hex"));
const sessionSeal = (sealData) => (data, password, _options, ttl) =>
  sealData(data, { password, ...(ttl === undefined ? {} : { ttl }) });

const libs = {
  hapi7: ironLib(hapi7.defaults, hapi7.seal, hapi7.unseal, (hex) => Buffer.from(hex, "hex")),
  wc1: ironLib(
    wc1.defaults,
    (...args) => wc1.seal(webcrypto, ...args),
    (...args) => wc1.unseal(webcrypto, ...args),
    toUint8Array,
  ),
  wc2: ironLib(wc2.defaults, wc2.seal, wc2.unseal, toUint8Array),
  session8: {
    seal: sessionSeal(session8.sealData),
    unseal: (sealed, password) => session8.unsealData(sealed, { password }),
  },
  session9: {
    seal: sessionSeal(session9.sealData),
    // unsealData never throws: what went wrong only reaches onUnsealError.
    unseal: async (sealed, password) => {
      let reason = null;
      const result = await session9.unsealData(sealed, { password, onUnsealError: (r) => (reason = r) });
      return { result, reason };
    },
  },
};

function withDefaults(defaults, options = {}) {
  const merged = { ...defaults, ...options };
  for (const part of ["encryption", "integrity"]) {
    merged[part] = { ...defaults[part], ...(options[part] ?? {}) };
  }
  return merged;
}

// {"hex": ...} -> the library's key buffer, recursively (maps, {id, secret}, options' iv).
function decode(value, buffer) {
  if (value === null || typeof value !== "object") return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === "hex") return buffer(value.hex);
  return Object.fromEntries(keys.map((key) => [key, decode(value[key], buffer)]));
}

// Date.now and the random sources are process-wide: requests run one at a time.
async function withEnvironment({ now_ms, fixed_random }, fn) {
  const saved = { now: Date.now, getRandomValues: webcrypto.getRandomValues, randomBytes: nodeCrypto.randomBytes };
  if (now_ms !== undefined && now_ms !== null) Date.now = () => now_ms;
  if (fixed_random !== undefined && fixed_random !== null) {
    webcrypto.getRandomValues = (array) => array.fill(fixed_random);
    nodeCrypto.randomBytes = (size) => Buffer.alloc(size, fixed_random);
  }
  try {
    return await fn();
  } finally {
    Date.now = saved.now;
    webcrypto.getRandomValues = saved.getRandomValues;
    nodeCrypto.randomBytes = saved.randomBytes;
  }
}

function versions() {
  const version = (name) => JSON.parse(readFileSync(new URL(`node_modules/${name}/package.json`, import.meta.url))).version;
  return {
    node: process.versions.node,
    hapi7: version("hapi-iron7"),
    wc1: version("iron-webcrypto1"),
    wc2: version("iron-webcrypto2"),
    session8: version("iron-session8"),
    session9: version("iron-session9"),
  };
}

async function handle(request) {
  if (request.op === "versions") return { ok: true, result: versions() };
  if (request.op === "session9_jar") return { ok: true, result: await session9Jar(request) };
  const lib = libs[request.lib];
  if (!lib) throw new Error(`unknown lib ${request.lib}`);
  const buffer = lib.buffer ?? toUint8Array;
  const password = decode(request.password, buffer);
  const options = decode(request.options ?? {}, buffer);
  return withEnvironment(request, async () => {
    if (request.op === "seal") {
      const data = request.data_js ? new Function(`return (${request.data_js});`)() : request.data;
      return { ok: true, result: await lib.seal(data, password, options, request.ttl) };
    }
    if (request.op === "unseal") {
      const answer = await lib.unseal(request.sealed, password, options);
      return request.lib === "session9" ? { ok: true, ...answer } : { ok: true, result: answer };
    }
    throw new Error(`unknown op ${request.op}`);
  });
}

async function session9Jar({ cookies = {}, password, options = {}, write = null, destroy = false }) {
  const writes = [];
  const jar = {
    read: (name) => cookies[name],
    names: () => Object.keys(cookies),
    write: (name, value, cookieOptions) => writes.push({ name, value, maxAge: cookieOptions.maxAge ?? null }),
  };
  const session = await session9.getIronSession(jar, { ...options, password });
  const read = { ...session };
  if (write) {
    Object.assign(session, write);
    await session.save();
  }
  if (destroy) session.destroy();
  return { session: read, writes };
}

let queue = Promise.resolve();
createInterface({ input: process.stdin }).on("line", (line) => {
  queue = queue.then(async () => {
    let response;
    try {
      response = JSON.stringify(await handle(JSON.parse(line)));
    } catch (error) {
      response = JSON.stringify({ ok: false, error: error instanceof Error ? error.message : String(error) });
    }
    process.stdout.write(`${response}\n`);
  });
});
