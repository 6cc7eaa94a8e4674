// A server component: it reads the session (it could not save it: pages cannot set cookies).
import { appSession } from "@/lib/app-session";
import { saveNote } from "@/app/actions";

export default async function Home() {
  const session = await appSession();
  return (
    <main>
      <h1>Next.js app</h1>
      <p>
        Django user id: <span id="user-id">{session._auth_user_id ?? ""}</span>
      </p>
      <p>
        Django counter: <span id="counter">{session.counter ?? ""}</span>
      </p>
      <p>
        Note written here: <span id="next-note">{session.next_note ?? ""}</span>
      </p>
      <form method="post" action="/note">
        <input name="note" />
        <button id="save" type="submit">
          Save with a route handler
        </button>
      </form>
      <form action={saveNote}>
        <input name="action-note" />
        <button id="save-action" type="submit">
          Save with a server action
        </button>
      </form>
    </main>
  );
}
