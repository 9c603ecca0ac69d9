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

function cell(tr, content) {
  const td = document.createElement("td");
  if (content instanceof Node) td.appendChild(content);
  else td.textContent = content === undefined || content === null ? "" : String(content);
  tr.appendChild(td);
  return td;
}

// "3 h 20 min" since an RFC 3339 instant.
function age(at) {
  if (!at) return "";
  const minutes = Math.max(0, Math.round((Date.now() - Date.parse(at)) / 60000));
  if (minutes < 60) return minutes + " min";
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return hours + " h " + (minutes % 60) + " min";
  return Math.floor(hours / 24) + " d";
}

// One line per requirement: skill, a bar, accepted of count.
function fills(activation) {
  const box = document.createElement("div");
  for (const r of activation.requirements || []) {
    const need = (r.requirement && r.requirement.count) || 0;
    const got = r.accepted || 0;
    const line = document.createElement("div");
    line.className = "fill";
    const name = document.createElement("span");
    name.textContent = (r.requirement && r.requirement.skill) || "";
    const bar = document.createElement("span");
    bar.className = "bar";
    bar.setAttribute("role", "img");
    bar.setAttribute("aria-label", got + " of " + need + " accepted");
    const filled = document.createElement("span");
    filled.style.width = (need > 0 ? Math.min(100, (100 * got) / need) : 0) + "%";
    bar.appendChild(filled);
    const text = document.createElement("span");
    text.textContent = got + "/" + need + " (asked " + (r.asked || 0) + ")";
    line.append(name, bar, text);
    box.appendChild(line);
  }
  return box;
}

async function loadActivations() {
  const rows = document.getElementById("activation-rows");
  const error = document.getElementById("list-error");
  error.textContent = "";
  const state = document.getElementById("state-filter").value;
  const area = document.getElementById("area-filter").value.trim().toLowerCase();
  const request = { pageSize: 200 };
  if (state) request.state = state;
  try {
    const reply = await call("muster.v1.ActivationService/ListActivations", request);
    rows.replaceChildren();
    for (const a of reply.activations || []) {
      const areas = (a.spec && a.spec.areas) || [];
      // No areas named: it draws on every area the planner's token covers.
      if (area && areas.length > 0 && !areas.includes(area)) continue;
      const tr = document.createElement("tr");
      cell(tr, a.id);
      cell(tr, a.spec && a.spec.title);
      cell(tr, a.state);
      cell(tr, areas.length ? areas.join(", ") : "all");
      cell(tr, fills(a));
      const shortfall = (a.requirements || []).reduce((n, r) => n + (r.shortfall || 0), 0);
      const td = cell(tr, shortfall > 0 ? shortfall + " short" : "none");
      if (shortfall > 0) td.className = "short";
      cell(tr, age(a.createdAt));
      rows.appendChild(tr);
    }
  } catch (e) {
    error.textContent = e.message;
    if (/expired|signed out|not signed in/.test(e.message)) signedOut();
  }
}

document.getElementById("filter").addEventListener("submit", (event) => {
  event.preventDefault();
  loadActivations();
});
document.getElementById("refresh").addEventListener("click", loadActivations);

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
