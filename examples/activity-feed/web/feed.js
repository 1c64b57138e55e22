// One user's activity feed over Server-Sent Events. The page's URL carries the user and a token
// (feed.html?user=1&token=...); EventSource cannot send an Authorization header, so the token
// goes in the stream's URL as access_token. The feed channels are durable: from_id=0 shows the
// activities the log still keeps, and on a reconnect EventSource sends Last-Event-ID by itself,
// which the server prefers over from_id, so the page resumes without gaps or repeats.
"use strict";

const params = new URLSearchParams(location.search);
const user = params.get("user");
const token = params.get("token");
const channel = "user_feed_" + user;
const MAX_ITEMS = 100;

document.getElementById("user").textContent = user;

function setStatus(kind, text) {
  const el = document.getElementById("status");
  el.className = "status " + kind;
  el.textContent = text;
}

function show(activity) {
  const li = document.createElement("li");
  li.dataset.id = activity.id;
  for (const [cls, text] of [
    ["kind", activity.kind],
    ["text", activity.text],
    ["at", activity.at.replace("T", " ").substring(0, 19)],
  ]) {
    const span = document.createElement("span");
    span.className = cls;
    span.textContent = text;
    li.appendChild(span);
  }
  const feed = document.getElementById("feed");
  feed.prepend(li);
  while (feed.children.length > MAX_ITEMS) {
    feed.lastChild.remove();
  }
}

if (!user || !token) {
  setStatus("error", "open this page with ?user=N&token=... (activity-feed prints the links)");
} else {
  const url =
    "/channels/" + encodeURIComponent(channel) + "/events?from_id=0&access_token=" +
    encodeURIComponent(token);
  const events = new EventSource(url);
  events.onopen = () => setStatus("live", "live");
  events.addEventListener(channel, (e) => show(JSON.parse(e.data)));
  events.addEventListener("reset", () => console.warn("older activities are no longer kept"));
  events.onerror = () => {
    // EventSource reconnects by itself, unless the server refused the token (CLOSED).
    if (events.readyState === EventSource.CLOSED) {
      setStatus("error", "refused: is the token right? (tokens are new on every start)");
    } else {
      setStatus("reconnecting", "reconnecting");
    }
  };
}
