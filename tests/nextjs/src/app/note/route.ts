import { saveHonouringDjangoExpiry } from "../../lib/django-session";
import { appSession } from "../../lib/app-session";

export async function POST(request: Request): Promise<Response> {
  const form = await request.formData();
  const session = await appSession();
  session.next_note = String(form.get("note") ?? "");
  await saveHonouringDjangoExpiry(session);
  return new Response(null, { status: 303, headers: { location: "/" } });
}
