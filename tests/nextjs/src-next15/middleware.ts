// On the Node.js runtime (Next 15.5): on the Edge runtime, the default, the helper's
// node:fs import fails the build.
import { getIronSession } from "iron-session";
import { type NextRequest, NextResponse } from "next/server";

import { type DjangoSession, sessionOptions } from "./lib/django-session";

export const config = { runtime: "nodejs", matcher: "/members" };

export async function middleware(request: NextRequest) {
  const response = NextResponse.next();
  const session = await getIronSession<DjangoSession>(request, response, sessionOptions());
  if (session._auth_user_id) return response;
  return new NextResponse("Log in first.", { status: 401, headers: { "content-type": "text/plain" } });
}
