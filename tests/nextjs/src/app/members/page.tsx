// Reached only with a Django log-in: proxy.ts (Next 16) or middleware.ts (Next 15) checks it.
import { appSession } from "../../lib/app-session";

export default async function Members() {
  const session = await appSession();
  return (
    <p>
      Members only. Django user id: <span id="member-id">{session._auth_user_id}</span>
    </p>
  );
}
