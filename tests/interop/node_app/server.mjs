// A small Node app that shares the Django session cookie, for the end-to-end tests and
// docs/nextjs.rst (which shows its functions from password() to honouringDjangoExpiry()).
// Run: node server.mjs, with the settings in the environment, the same variables testproject
// reads:
//
//   PORT                       port on 127.0.0.1 (required)
//   IRON_SESSION_NODE_VERSION  8 or 9: which iron-session major to use (default 9)
//   IRON_SESSION_PASSWORD      a password, or a JSON map {"1": "...", "2": "..."}
//   IRON_SESSION_KEYRING_FILE  or: the keyring file written by manage.py iron_rotate_password
//   SESSION_COOKIE_NAME, SESSION_COOKIE_AGE, SESSION_COOKIE_SECURE, SESSION_COOKIE_SAMESITE
//   DEMO_DJANGO_URL            the Django site, linked from the page (make demo-node sets it)
import { readFileSync } from "node:fs";
import { createServer } from "node:http";

const env = process.env;
const { getIronSession } = await import(`iron-session${env.IRON_SESSION_NODE_VERSION ?? "9"}`);

function password() {
  if (env.IRON_SESSION_KEYRING_FILE) {
    // Read on every request, so a rotation is picked up without a restart.
    return JSON.parse(readFileSync(env.IRON_SESSION_KEYRING_FILE, "utf8")).passwords;
  }
  const value = env.IRON_SESSION_PASSWORD ?? "";
  return value.trimStart().startsWith("{") ? JSON.parse(value) : value;
}

// How testproject reads SESSION_COOKIE_SECURE and SESSION_COOKIE_SAMESITE (False: no attribute).
const isTrue = (value) => ["1", "true", "yes", "on"].includes(value.toLowerCase());
const sameSite = (value) => (value.toLowerCase() === "false" ? false : value.toLowerCase());

// The iron-session options that match Django's settings.
function sessionOptions() {
  const age = Number(env.SESSION_COOKIE_AGE ?? 1209600); // Django's default: two weeks
  return {
    cookieName: env.SESSION_COOKIE_NAME ?? "sessionid",
    password: password(),
    ttl: age,
    cookieOptions: {
      maxAge: age, // as Django sets it; iron-session's default would be ttl - 60
      httpOnly: true,
      secure: isTrue(env.SESSION_COOKIE_SECURE ?? "false"),
      sameSite: sameSite(env.SESSION_COOKIE_SAMESITE ?? "Lax"),
      path: "/",
    },
  };
}

// Django's set_expiry() keeps a session's own lifetime in the session, as _session_expiry:
// seconds, or an ISO date. Saved with the options above, a 5-minute session would get the
// whole SESSION_COOKIE_AGE; so call this before each save. (0, "until the browser closes",
// keeps the options: iron-session turns a cookie without maxAge into a seal that never expires.)
function honouringDjangoExpiry(session, options) {
  const expiry = session._session_expiry;
  let seconds;
  if (typeof expiry === "number" && expiry > 0) {
    seconds = expiry;
  } else if (typeof expiry === "string" && !Number.isNaN(Date.parse(expiry))) {
    seconds = Math.max(1, Math.ceil((Date.parse(expiry) - Date.now()) / 1000));
  } else {
    return options;
  }
  return { ...options, ttl: seconds, cookieOptions: { ...options.cookieOptions, maxAge: seconds } };
}

const escape = (text) =>
  String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(session) {
  const userId = session._auth_user_id ?? "";
  const django = env.DEMO_DJANGO_URL
    ? `<p>Back to Django: <a id="django-link" href="${escape(env.DEMO_DJANGO_URL)}">${escape(env.DEMO_DJANGO_URL)}</a></p>`
    : "";
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>Node app</title>
<style>
  body { font-family: system-ui, sans-serif; max-width: 42rem; margin: 2rem auto; padding: 0 1rem; }
  pre { background: #f4f4f4; padding: .75rem; white-space: pre-wrap; overflow-wrap: anywhere; }
  .demonstrates { background: #eef4ff; padding: .5rem .75rem; }
</style></head><body>
<h1>Node app (iron-session ${escape(env.IRON_SESSION_NODE_VERSION ?? "9")})</h1>
<p class="demonstrates">This page is served by Node with iron-session, not by Django. It opens
the cookie Django sealed, with the same password, and what it saves here Django reads back.</p>
<p>Django user id: <span id="user-id">${escape(userId)}</span></p>
<p>Note written here: <span id="node-note">${escape(session.node_note ?? "")}</span></p>
<form method="post" action="/note">
  <input id="note" name="note"><button id="save" type="submit">Save in the session</button>
</form>
<h2>The session as Node sees it</h2>
<pre id="node-session">${escape(JSON.stringify({ ...session }, null, 2))}</pre>
${django}
</body></html>`;
}

async function readForm(req) {
  let body = "";
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

async function handle(req, res) {
  const session = await getIronSession(req, res, sessionOptions());
  const path = new URL(req.url, "http://127.0.0.1").pathname;
  if (req.method === "GET" && path === "/") {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(page(session));
  } else if (req.method === "GET" && path === "/session.json") {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ ...session }));
  } else if (req.method === "POST" && path === "/note") {
    session.node_note = (await readForm(req)).get("note") ?? "";
    session.updateConfig(honouringDjangoExpiry(session, sessionOptions()));
    await session.save();
    res.writeHead(303, { location: "/" });
    res.end();
  } else {
    res.writeHead(404, { "content-type": "text/plain" });
    res.end("not found\n");
  }
}

createServer((req, res) => {
  handle(req, res).catch((error) => {
    console.error(error);
    res.writeHead(500, { "content-type": "text/plain" });
    res.end("error\n");
  });
}).listen(Number(env.PORT), "127.0.0.1");
