// Share a django-iron-session session with a Node or Next.js app (iron-session 8 or 9).
// Copy this file into your app, or django-session.mjs: the same code in JavaScript, as the
// TypeScript compiler writes it. It reads the variables your Django settings should read too:
//
//   IRON_SESSION_PASSWORD      a password, or a JSON map {"1": "...", "2": "..."}
//   IRON_SESSION_KEYRING_FILE  or: the keyring file written by manage.py iron_rotate_password
//   SESSION_COOKIE_NAME        default "sessionid"
//   SESSION_COOKIE_AGE         seconds, default 1209600 (two weeks)
//   SESSION_COOKIE_SECURE      true / false, default false
//   SESSION_COOKIE_SAMESITE    Lax / Strict / None / False, default Lax
//   SESSION_COOKIE_PATH        default "/"
//   SESSION_COOKIE_DOMAIN      default none
//
// In Next.js, read the session anywhere on the server; write it in a route handler or a server
// action (a page cannot set cookies):
//
//   const session = await getIronSession<DjangoSession>(await cookies(), sessionOptions());
//   session._auth_user_id; // the Django user's id, a string; undefined when logged out
//   session.cart = ["sku-1"]; // add your keys to DjangoSession, or extend it
//   await saveHonouringDjangoExpiry(session);
import { readFileSync } from "node:fs";
import type { IronSession, SessionOptions } from "iron-session";

// What Django's auth keeps in the session. Leave these keys to Django.
export interface DjangoSession {
  _auth_user_id?: string;
  _auth_user_backend?: string;
  _auth_user_hash?: string;
  // request.session.set_expiry(): seconds, or an ISO date.
  _session_expiry?: number | string;
  // With IRON_SESSION["REVOCATION_CACHE"]: the session's id, when it began, and when Django
  // last checked it was not logged out (µs). Keep them as they are.
  _iron_sid?: string;
  _iron_created?: number;
  _iron_checked?: number;
}

type Password = SessionOptions["password"];
type SameSite = "lax" | "strict" | "none" | false;

const env = process.env;

function passwordMap(value: unknown): Record<string, string> {
  if (
    typeof value !== "object" ||
    value === null ||
    !Object.values(value).every((password) => typeof password === "string")
  ) {
    throw new Error("the session passwords must be a JSON map of ids to password strings");
  }
  return value as Record<string, string>;
}

export function password(): Password {
  if (env.IRON_SESSION_KEYRING_FILE) {
    // Read on every request, so a rotation is picked up without a restart.
    const keyring = JSON.parse(readFileSync(env.IRON_SESSION_KEYRING_FILE, "utf8")) as {
      passwords?: unknown;
    };
    return passwordMap(keyring.passwords);
  }
  const value = env.IRON_SESSION_PASSWORD;
  if (!value) {
    // Without this, iron-session fails with a bare "Empty password" or "Missing password".
    throw new Error(
      "set IRON_SESSION_PASSWORD or IRON_SESSION_KEYRING_FILE to the Django site's password",
    );
  }
  return value.trimStart().startsWith("{") ? passwordMap(JSON.parse(value)) : value;
}

// As Django reads SESSION_COOKIE_SECURE and SESSION_COOKIE_SAMESITE (False: no attribute).
function isTrue(value: string): boolean {
  return ["1", "true", "yes", "on"].includes(value.toLowerCase());
}

function sameSite(value: string): SameSite {
  const lower = value.toLowerCase();
  if (lower === "false") return false;
  if (lower === "lax" || lower === "strict" || lower === "none") return lower;
  throw new Error(`SESSION_COOKIE_SAMESITE must be Lax, Strict, None or False, not ${value}`);
}

// The iron-session options that match Django's settings.
export function sessionOptions(): SessionOptions {
  const age = Number(env.SESSION_COOKIE_AGE ?? 1209600);
  return {
    cookieName: env.SESSION_COOKIE_NAME ?? "sessionid",
    password: password(),
    ttl: age,
    cookieOptions: {
      maxAge: age, // as Django sets it; iron-session's default would be ttl - 60
      httpOnly: true,
      secure: isTrue(env.SESSION_COOKIE_SECURE ?? "false"),
      sameSite: sameSite(env.SESSION_COOKIE_SAMESITE ?? "Lax"),
      path: env.SESSION_COOKIE_PATH ?? "/",
      domain: env.SESSION_COOKIE_DOMAIN || undefined,
    },
  };
}

// Saved with the options above, a session Django gave 5 minutes with set_expiry() would get the
// whole SESSION_COOKIE_AGE. (0, "until the browser closes", keeps the options: iron-session
// turns a cookie without maxAge into a seal that never expires.)
// With revocation on, Django refuses a session it last checked more than SESSION_COOKIE_AGE
// (options.ttl) ago, so the seal ends then too; ttl 0 or less: nothing is left of it.
export function honouringDjangoExpiry(
  session: DjangoSession,
  options: SessionOptions,
): SessionOptions {
  const expiry = session._session_expiry;
  const age = options.ttl ?? 0;
  let seconds = age;
  if (typeof expiry === "number" && expiry > 0) {
    seconds = expiry;
  } else if (typeof expiry === "string" && !Number.isNaN(Date.parse(expiry))) {
    seconds = Math.max(1, Math.ceil((Date.parse(expiry) - Date.now()) / 1000));
  }
  const checked = session._iron_checked;
  if (typeof checked === "number") {
    seconds = Math.min(seconds, Math.floor(checked / 1e6 + age - Date.now() / 1000));
  }
  if (seconds === age) return options;
  return { ...options, ttl: seconds, cookieOptions: { ...options.cookieOptions, maxAge: seconds } };
}

// session.save(), keeping the lifetime Django gave the session; a session Django would refuse
// as unchecked for too long is destroyed (its cookie deleted) instead.
export async function saveHonouringDjangoExpiry(
  session: IronSession<DjangoSession>,
): Promise<void> {
  const options = honouringDjangoExpiry(session, sessionOptions());
  if ((options.ttl ?? 0) <= 0) {
    session.destroy();
    return;
  }
  session.updateConfig(options);
  await session.save();
}
