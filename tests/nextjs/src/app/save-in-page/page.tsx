// Shows what happens when a page tries to save the session: Next refuses.
import { saveHonouringDjangoExpiry } from "@/lib/django-session";
import { appSession } from "@/lib/app-session";

export default async function SaveInPage() {
  const session = await appSession();
  session.next_note = "from a page";
  let outcome = "saved";
  try {
    await saveHonouringDjangoExpiry(session);
  } catch (error) {
    outcome = error instanceof Error ? error.message : String(error);
  }
  return <p id="outcome">{outcome}</p>;
}
