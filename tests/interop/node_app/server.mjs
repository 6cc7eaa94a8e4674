// A small Node app that shares the Django session cookie through node/django-session.mjs, for
// the end-to-end tests and `make demo-node`. Run: node server.mjs, with the settings in the
// environment, the same variables testproject reads:
//
//   PORT                       port on 127.0.0.1 (required)
//   IRON_SESSION_NODE_VERSION  8 or 9: which iron-session major to use (default 9)
//   IRON_SESSION_PASSWORD      a password, or a JSON map {"1": "...", "2": "..."}
//   IRON_SESSION_KEYRING_FILE  or: the keyring file written by manage.py iron_rotate_password
//   SESSION_COOKIE_NAME, SESSION_COOKIE_AGE, SESSION_COOKIE_SECURE, SESSION_COOKIE_SAMESITE
//   DEMO_DJANGO_URL            the Django site, linked from the page (make demo-node sets it)
import { createServer } from "node:http";

import { saveHonouringDjangoExpiry, sessionOptions } from "../../../node/django-session.mjs";

const env = process.env;
const { getIronSession } = await import(`iron-session${env.IRON_SESSION_NODE_VERSION ?? "9"}`);

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
    await saveHonouringDjangoExpiry(session);
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
