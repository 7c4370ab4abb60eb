// The phone inbox: one phone per number, kept live by server-sent events from the emulator.
// Plain JavaScript, relative URLs only (the page also runs behind jupyter-server-proxy).
"use strict";

const ALL = "all";
const TICKS = {
  accepted: "◷", scheduled: "◷", queued: "◷", sending: "✓", sent: "✓",
  delivered: "✓✓", read: "✓✓", undelivered: "⚠", failed: "⚠", canceled: "⊘",
};
const messages = new Map();
let attempts = [];
let source = null;

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

async function loadAccounts() {
  const response = await fetch("_emulator/accounts");
  const { accounts } = await response.json();
  for (const account of accounts) {
    accountSelect.append(el("option", { value: account.sid, textContent: `${account.friendly_name} (${account.sid.slice(0, 8)}…)` }));
  }
  accountSelect.append(el("option", { value: ALL, textContent: "All accounts (instructor view)" }));
  const wanted = new URLSearchParams(location.search).get("account");
  if (wanted && [...accountSelect.options].some((o) => o.value === wanted)) accountSelect.value = wanted;
}

function connect() {
  if (source) source.close();
  messages.clear();
  attempts = [];
  source = new EventSource(`_emulator/events${query(currentAccount())}`);
  source.onopen = () => { $("connection").textContent = "live"; $("connection").className = "connection live"; };
  source.onerror = () => { $("connection").textContent = "reconnecting…"; $("connection").className = "connection"; };
  source.addEventListener("snapshot", (event) => {
    messages.clear();
    for (const message of JSON.parse(event.data)) messages.set(message.sid, message);
    renderPhones();
  });
  source.addEventListener("message", (event) => {
    const message = JSON.parse(event.data);
    messages.set(message.sid, message);
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
    const image = el("img", { src: `_emulator/media?url=${encodeURIComponent(url)}`, alt: "MMS picture" });
    image.addEventListener("load", () => { const screen = bubble.closest(".screen"); if (screen) screen.scrollTop = screen.scrollHeight; });
    bubble.append(image);
  }
  if (!inbound) bubble.append(el("span", { className: "from", textContent: message.from }));
  bubble.append(document.createTextNode(message.body || ""));
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

function renderAttempts() {
  const rows = attempts.slice(-50).reverse().map((a) => {
    const row = el("tr", { className: a.outcome.startsWith("retry") ? "retry" : a.outcome === "gave up" ? "gave-up" : "" }, [
      el("td", { textContent: a.seq }), el("td", { textContent: a.message_sid }),
      el("td", { textContent: a.message_status }), el("td", { textContent: a.url }),
      el("td", { textContent: a.attempt }), el("td", { textContent: `${a.detail} → ${a.outcome}` }),
    ]);
    return row;
  });
  if (!rows.length) {
    rows.push(el("tr", { className: "none" }, [el("td", { colSpan: 6, textContent: "None yet: send with status_callback= to see them." })]));
  }
  $("attempts").replaceChildren(...rows);
}

async function clearMessages() {
  await fetch(`_emulator/messages${query(currentAccount())}`, { method: "DELETE" });
}

$("filter").addEventListener("input", renderPhones);
$("clear").addEventListener("click", clearMessages);
accountSelect.addEventListener("change", () => {
  const url = new URL(location.href);
  url.searchParams.set("account", currentAccount());
  history.replaceState(null, "", url);
  connect();
});
loadAccounts().then(connect);
