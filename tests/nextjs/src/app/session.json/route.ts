import { appSession } from "@/lib/app-session";

// What this app reads from the cookie, for the tests.
export async function GET(): Promise<Response> {
  const { _auth_user_id, counter, next_note, _session_expiry } = await appSession();
  return Response.json({ _auth_user_id, counter, next_note, _session_expiry });
}
