// The planner console: sign-in and the activation list. Talks to musterd's
// JSON API (docs/api-json.md) with the session cookie and its CSRF token.
"use strict";

let csrfToken = "";

function show(id, visible) {
  document.getElementById(id).hidden = !visible;
}

async function call(method, request) {
  const res = await fetch("/" + method, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken },
    body: JSON.stringify(request || {}),
    credentials: "same-origin",
  });
  const body = await res.json();
  if (!res.ok) throw new Error(body.message || res.statusText);
  return body;
}

function signedIn(session) {
  csrfToken = session.csrfToken;
  document.getElementById("who").textContent = session.actor + " (" + session.role + ")";
  show("signin", false);
  show("signout", true);
  show("activations", true);
  loadActivations();
}

function signedOut() {
  csrfToken = "";
  document.getElementById("who").textContent = "";
  show("signin", true);
  show("signout", false);
  show("activations", false);
}

async function loadActivations() {
  const rows = document.getElementById("activation-rows");
  const error = document.getElementById("list-error");
  error.textContent = "";
  try {
    const reply = await call("muster.v1.ActivationService/ListActivations", {});
    rows.replaceChildren();
    for (const a of reply.activations || []) {
      const tr = document.createElement("tr");
      const accepted = (a.candidates || []).filter((c) => c.state === "CANDIDATE_STATE_ACCEPTED").length;
      for (const text of [a.id, a.title, a.state, accepted, (a.candidates || []).length]) {
        const td = document.createElement("td");
        td.textContent = text === undefined ? "" : String(text);
        tr.appendChild(td);
      }
      rows.appendChild(tr);
    }
  } catch (e) {
    error.textContent = e.message;
  }
}

document.getElementById("signin-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const error = document.getElementById("signin-error");
  error.textContent = "";
  const token = document.getElementById("token");
  const res = await fetch("/console/login", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ token: token.value }),
    credentials: "same-origin",
  });
  token.value = "";
  const body = await res.json();
  if (!res.ok) {
    error.textContent = body.message || res.statusText;
    return;
  }
  signedIn(body);
});

document.getElementById("signout").addEventListener("click", async () => {
  await fetch("/console/logout", {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken },
    body: "{}",
    credentials: "same-origin",
  });
  signedOut();
});

fetch("/console/session", { credentials: "same-origin" }).then(async (res) => {
  if (res.ok) signedIn(await res.json());
  else signedOut();
});
