"use server";

import { saveHonouringDjangoExpiry } from "../lib/django-session";
import { appSession } from "../lib/app-session";

export async function saveNote(form: FormData): Promise<void> {
  const session = await appSession();
  session.next_note = String(form.get("action-note") ?? "");
  await saveHonouringDjangoExpiry(session);
}
