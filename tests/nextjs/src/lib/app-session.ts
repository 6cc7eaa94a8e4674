import { getIronSession } from "iron-session";
import { cookies } from "next/headers";

import { type DjangoSession, sessionOptions } from "./django-session";

// The Django session plus this app's keys: `counter` is written by the Django demo site.
export interface AppSession extends DjangoSession {
  counter?: number;
  next_note?: string;
}

export async function appSession() {
  return getIronSession<AppSession>(await cookies(), sessionOptions());
}
