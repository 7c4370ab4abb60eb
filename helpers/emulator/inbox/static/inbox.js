// The phone inbox: one phone per number, kept live by server-sent events from the emulator.
// Plain JavaScript, relative URLs only (the page also runs behind jupyter-server-proxy).
"use strict";

const ALL = "all";
const TICKS = {
  accepted: "◷", scheduled: "◷", queued: "◷", sending: "✓", sent: "✓",
  delivered: "✓✓", read: "✓✓", undelivered: "⚠", failed: "⚠", canceled: "⊘",
};
const RECONNECT_MS = 2000;
const messages = new Map();
// What each phone received: a phone keeps the text even once the body is redacted at Twilio.
const received = new Map();
let attempts = [];
let source = null;
let reconnectTimer = null;
let csrfToken = null;

const $ = (id) => document.getElementById(id);
const accountSelect = $("account");

function el(tag, props = {}, children = []) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

function currentAccount() {
  return accountSelect.value || ALL;
}

function query(account) {
  return account === ALL ? "" : `?account_sid=${encodeURIComponent(account)}`;
}

// Who this page may show: the server answers from the session cookie the address `make lab`
// printed (or the room's join page, or the instructor key) gave this browser.
async function loadSession() {
  let session;
  while (!session) {  // the server may still be starting: try again until it answers
    try {
      const answer = await fetch("_emulator/session");
      if (answer.status === 401) {
        showConnection("not signed in", "");
        $("empty").textContent = "This inbox is not signed in. Open it from the address `make lab` printed "
          + "(it ends in ?token=…), from the Twilio Phone Inbox tile of the JupyterLab launcher, "
          + "or from your room's join page.";
        return null;
      }
      session = await answer.json();
    } catch {
      showConnection("reconnecting…", "");
      await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS));
    }
  }
  csrfToken = session.csrf;
  for (const account of session.accounts) {
    accountSelect.append(el("option", { value: account.sid, textContent: `${account.friendly_name} (${account.sid.slice(0, 8)}…)` }));
  }
  if (session.instructor) accountSelect.append(el("option", { value: ALL, textContent: "All accounts (instructor view)" }));
  const wanted = new URLSearchParams(location.search).get("account");
  if (wanted && [...accountSelect.options].some((o) => o.value === wanted)) accountSelect.value = wanted;
  return session;
}

function showConnection(text, className) {
  $("connection").textContent = text;
  $("connection").className = `connection ${className}`.trim();
}

function remember(message) {
  if (message.body) received.set(message.sid, message.body);
  messages.set(message.sid, message);
}

// Live updates. The browser retries a dropped stream by itself, but gives up for good when an
// answer is not an event stream (a proxy's 502 while the server restarts): then try again here,
// so an open inbox finds the server again after `make lab` restarts it.
function connect() {
  clearTimeout(reconnectTimer);
  if (source) source.close();
  source = new EventSource(`_emulator/events${query(currentAccount())}`);
  source.onopen = () => showConnection("live", "live");
  source.onerror = () => {
    showConnection("reconnecting…", "");
    if (source.readyState === EventSource.CLOSED) reconnectTimer = setTimeout(connect, RECONNECT_MS);
  };
  source.addEventListener("snapshot", (event) => {
    const listed = JSON.parse(event.data);
    const sids = new Set(listed.map((message) => message.sid));
    for (const sid of received.keys()) if (!sids.has(sid)) received.delete(sid);  // cleared: a sid may come back
    messages.clear();
    for (const message of listed) remember(message);
    renderPhones();
  });
  source.addEventListener("message", (event) => {
    remember(JSON.parse(event.data));
    renderPhones();
  });
  source.addEventListener("attempts", (event) => { attempts = JSON.parse(event.data); renderAttempts(); });
  source.addEventListener("attempt", (event) => { attempts.push(JSON.parse(event.data)); renderAttempts(); });
}

// The phone a message lives on: the recipient of what was sent, the sender of a reply.
function phoneOf(message) {
  const number = message.direction === "inbound" ? message.from : message.to;
  return currentAccount() === ALL ? `${message.account_sid} ${number}` : number;
}

function tickFor(message) {
  const tick = el("span", { className: "tick", textContent: TICKS[message.status] || "" });
  tick.dataset.status = message.status;
  if (message.error_code) tick.textContent += ` ${message.error_code}`;
  return tick;
}

function bubbleFor(message) {
  const inbound = message.direction === "inbound";
  const segments = Number(message.num_segments);
  const details = [
    `${message.status}${message.error_code ? ` (error ${message.error_code}: ${message.error_message || ""})` : ""}`,
    `${segments} segment${segments === 1 ? "" : "s"} · ${message.encoding}`,
    `${message.from} → ${message.to}`,
    message.sid,
  ];
  const bubble = el("div", { className: `bubble ${inbound ? "inbound" : "outbound"}`, title: details.join("\n") });
  bubble.dataset.sid = message.sid;
  bubble.dataset.segments = message.num_segments;
  bubble.dataset.encoding = message.encoding;
  for (const url of message.media_urls || []) {
    // The emulator serves the bundled owl for Twilio's demo media, else an "Image not available
    // offline" placeholder: the inbox never loads anything from the internet.
    const image = el("img", { src: `_emulator/media?sid=${message.sid}&url=${encodeURIComponent(url)}`, alt: `MMS picture: ${url}`, title: url });
    image.addEventListener("load", () => { const screen = bubble.closest(".screen"); if (screen) screen.scrollTop = screen.scrollHeight; });
    bubble.append(image);
  }
  if (!inbound) bubble.append(el("span", { className: "from", textContent: message.from }));
  const text = message.body || received.get(message.sid) || "";
  if (text) bubble.append(document.createTextNode(text));
  if (!message.body && (message.redacted || received.has(message.sid))) {
    bubble.dataset.redacted = received.has(message.sid) ? "kept" : "unknown";
    bubble.append(el("div", {
      className: "redacted",
      textContent: received.has(message.sid)
        ? "Body redacted at Twilio — the phone still shows what it received"
        : "Body redacted at Twilio — the text was deleted before this inbox saw it",
    }));
  }
  const time = new Date(Date.parse(message.date_created)).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  bubble.append(el("div", { className: "meta" }, [el("span", { textContent: time }), ...(inbound ? [] : [tickFor(message)])]));
  return bubble;
}

function renderPhones() {
  const filter = $("filter").value.replace(/[^\d+]/g, "");
  const byPhone = new Map();
  const ordered = [...messages.values()].sort((a, b) => Date.parse(a.date_created) - Date.parse(b.date_created) || a.sid.localeCompare(b.sid));
  for (const message of ordered) {
    const key = phoneOf(message);
    if (!byPhone.has(key)) byPhone.set(key, []);
    byPhone.get(key).push(message);
  }
  const phones = [...byPhone.entries()].filter(([key]) => !filter || key.split(" ").pop().includes(filter));
  const main = $("phones");
  main.replaceChildren();
  if (!phones.length) {
    main.append(el("p", { id: "empty", textContent: messages.size ? "No phone matches the filter." : "No messages yet. Send one from a notebook: it appears here without reloading." }));
    return;
  }
  for (const [key, list] of phones) {
    const [number, account] = key.includes(" ") ? key.split(" ").reverse() : [key, ""];
    const screen = el("div", { className: "screen" }, list.slice(-100).map(bubbleFor));
    const title = el("div", { className: "number", textContent: number }, account ? [el("small", { textContent: account })] : []);
    const phone = el("section", { className: "phone" }, [title, screen]);
    phone.dataset.number = number;
    main.append(phone);
    screen.scrollTop = screen.scrollHeight;
  }
}

// What became of one callback POST, never to be mistaken for the message's own status.
function callbackResult(a) {
  if (a.outcome === "delivered") return `callback delivered (${a.detail})`;
  if (a.outcome === "gave up") return `callback failed (${a.detail}), gave up after ${a.attempt} tries`;
  return `callback failed (${a.detail}), ${a.outcome}`;  // "retry in 5 s"
}

function renderAttempts() {
  const rows = attempts.slice(-50).reverse().map((a) => {
    const row = el("tr", { className: a.outcome.startsWith("retry") ? "retry" : a.outcome === "gave up" ? "gave-up" : "" }, [
      el("td", { textContent: a.seq }), el("td", { textContent: a.message_sid }),
      el("td", { className: "reported", textContent: `status ${a.message_status}` }), el("td", { textContent: a.url }),
      el("td", { textContent: a.attempt }), el("td", { className: "result", textContent: callbackResult(a) }),
    ]);
    return row;
  });
  if (!rows.length) {
    rows.push(el("tr", { className: "none" }, [el("td", { colSpan: 6, textContent: "None yet: send with status_callback= to see them." })]));
  }
  $("attempts").replaceChildren(...rows);
}

async function clearMessages() {
  const account = currentAccount();
  const whose = account === ALL ? "EVERY account in the room" : `the account ${accountSelect.selectedOptions[0].textContent}`;
  const question = `Clear all messages of ${whose}?\n\n`
    + "Their texts, pictures and status callback attempts are deleted from the emulator, "
    + "which the notebooks share: fetching one of these messages then answers 404. "
    + "This cannot be undone.";
  if (!window.confirm(question)) return;
  const headers = csrfToken ? { "X-CSRF-Token": csrfToken } : {};
  const answer = await fetch(`_emulator/messages${query(account)}`, { method: "DELETE", headers });
  if (!answer.ok) window.alert(`Not cleared: ${(await answer.json()).error}`);
}

$("filter").addEventListener("input", renderPhones);
$("clear").addEventListener("click", clearMessages);
accountSelect.addEventListener("change", () => {
  const url = new URL(location.href);
  url.searchParams.set("account", currentAccount());
  history.replaceState(null, "", url);
  messages.clear();
  attempts = [];
  connect();
});
loadSession().then((session) => { if (session) connect(); });
