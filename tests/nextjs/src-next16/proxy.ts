// Next 16's proxy runs on the Node.js runtime, where the helper can read the keyring file.
import { getIronSession } from "iron-session";
import { type NextRequest, NextResponse } from "next/server";

import { type DjangoSession, sessionOptions } from "./lib/django-session";

export const config = { matcher: "/members" };

export async function proxy(request: NextRequest) {
  const response = NextResponse.next();
  const session = await getIronSession<DjangoSession>(request, response, sessionOptions());
  if (session._auth_user_id) return response;
  return new NextResponse("Log in first.", { status: 401, headers: { "content-type": "text/plain" } });
}
