// Shopbot agent console: the conversation list, a transcript, replies, agent assist and product sharing.
// Every piece of shopper, bot and catalog text goes in through textContent, never as HTML.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const STATUS = { bot: "With the bot", waiting_agent: "Waiting for an agent", agent: "With an agent", closed: "Closed" };
  let me = null;
  let current = null; // the open conversation's header
  let shown = new Set(); // event ids in the open transcript
  let lastEventId = 0;
  let listTimer = null;

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value);
    }
    for (const child of children) if (child) node.append(child);
    return node;
  }

  async function api(path, body) {
    const options = body === undefined ? {} : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
    const response = await fetch("/agent/api/" + path, { credentials: "same-origin", ...options });
    if (response.status === 401) { location.href = "/agent"; throw new Error("signed out"); }
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.error || response.statusText);
    return data;
  }

  function showError(error) { $("error").textContent = error ? error.message || String(error) : ""; }

  function waited(seconds) {
    if (seconds == null) return "";
    if (seconds < 60) return `waiting ${seconds}s`;
    return `waiting ${Math.floor(seconds / 60)}m ${seconds % 60}s`;
  }

  // Money in the store's own format, as the shopper saw it (the rules of retrieval/money.py):
  // "$12.99", "₹1,29,999", "€12,50", "¥1,300", others "12.50 CHF".
  // [symbol, decimal mark, group mark, minor digits, Indian grouping]
  const MONEY_STYLES = {
    USD: ["$", ".", ",", 2], INR: ["₹", ".", ",", 2, true], EUR: ["€", ",", ".", 2], GBP: ["£", ".", ",", 2],
    JPY: ["¥", ".", ",", 0], CAD: ["CA$", ".", ",", 2], AUD: ["A$", ".", ",", 2],
  };

  function money(amount, currency) {
    const code = String(currency || "USD").toUpperCase();
    const [symbol, decimal, group, digits, indian] = MONEY_STYLES[code] || ["", ".", ",", 2];
    const scale = 10 ** digits, minor = Math.round(Math.abs(Number(amount)) * scale);
    if (!Number.isFinite(minor)) return `${amount} ${code}`;
    const whole = String(Math.floor(minor / scale)), groups = [whole.slice(-3)];
    for (let head = whole.slice(0, -3); head; head = head.slice(0, -(indian ? 2 : 3))) groups.unshift(head.slice(indian ? -2 : -3));
    let text = groups.join(group);
    if (minor % scale) text += decimal + String(minor % scale).padStart(digits, "0");
    const sign = Number(amount) < 0 && minor ? "-" : "";
    return symbol ? `${sign}${symbol}${text}` : `${sign}${text} ${code}`;
  }

  function price(card) {
    return money(card.price, card.currency);
  }

  // -- the list ---------------------------------------------------------------------------------

  async function loadList() {
    const rows = await api("conversations");
    const list = $("conversations");
    list.replaceChildren();
    $("no-conversations").hidden = rows.length > 0;
    for (const row of rows) {
      const who = row.agent ? ` · ${row.agent}` : "";
      const item = el("li", { class: "conv" + (current && current.id === row.id ? " active" : ""), "data-id": row.id },
        el("button", { type: "button", class: "conv-button", onclick: () => openConversation(row.id) },
          el("span", { class: "conv-top" },
            el("span", { class: "conv-id", text: row.id }),
            row.unread ? el("span", { class: "unread", text: String(row.unread), "aria-label": `${row.unread} unread` }) : null),
          el("span", { class: `badge mode-${row.mode}`, text: STATUS[row.mode] + who }),
          row.waiting_seconds != null ? el("span", { class: "wait", text: waited(row.waiting_seconds) }) : null,
          el("span", { class: "last", text: row.last_text || "" })));
      list.append(item);
    }
  }

  function refreshList() {
    clearTimeout(listTimer);
    listTimer = setTimeout(() => loadList().catch(showError), 150);
  }

  // -- one conversation -------------------------------------------------------------------------

  function cardNode(card, action) {
    // A missing or unreachable image becomes the title's first letter, as in the widget.
    const thumb = () => el("span", { class: "thumb", text: (card.title || "?").charAt(0), "aria-hidden": "true" });
    const image = /^https?:\/\//.test(card.image_url || "")
      ? el("img", { src: card.image_url, alt: "", loading: "lazy", onerror: (e) => e.target.replaceWith(thumb()) })
      : thumb();
    return el("li", { class: "card", "data-product": card.id }, image,
      el("span", { class: "card-title", text: card.title }),
      el("span", { class: "card-meta", text: `${price(card)} · ${card.in_stock ? "In stock" : "Out of stock"}` + (card.rating ? ` · ★ ${card.rating}` : "") }),
      action || null);
  }

  function eventNode(event) {
    const who = { user: "Shopper", bot: "Bot", agent: event.agent || "Agent", system: "" }[event.role];
    const item = el("li", { class: `msg role-${event.role}`, "data-event": String(event.id) });
    if (who) item.append(el("span", { class: "who", text: who }));
    item.append(el("span", { class: "text", text: event.text }));
    if (event.intent) {
      const confidence = event.confidence == null ? "" : ` ${Math.round(event.confidence * 100)}%`;
      item.append(el("span", { class: "intent", text: `${event.intent}${confidence}`, title: "What the bot understood" }));
    }
    if (event.cards && event.cards.length) {
      const cards = el("ul", { class: "cards inline", role: "list" });
      for (const card of event.cards) cards.append(cardNode(card));
      item.append(cards);
    }
    return item;
  }

  function addEvent(event) {
    if (shown.has(event.id)) return;
    shown.add(event.id);
    lastEventId = Math.max(lastEventId, event.id);
    const log = $("transcript");
    log.append(eventNode(event));
    log.scrollTop = log.scrollHeight;
  }

  function setHeader(conversation) {
    current = { ...(current || {}), ...conversation };
    $("title").textContent = conversation.id;
    const mine = conversation.mode === "agent" && conversation.agent === me;
    $("status").textContent = STATUS[conversation.mode] + (conversation.agent ? ` (${conversation.agent})` : "");
    $("status").className = `badge mode-${conversation.mode}`;
    $("take").hidden = mine;
    $("take").disabled = conversation.mode === "agent" && !mine;
    $("release").hidden = !mine;
    $("close").hidden = conversation.mode === "closed";
    $("reply").disabled = !mine;
    $("send").disabled = !mine;
    $("reply").placeholder = mine ? "Write to the shopper…" : conversation.mode === "agent" ? `${conversation.agent} is handling this` : "Take over to reply…";
  }

  async function openConversation(id) {
    showError(null);
    const data = await api("conversations/" + encodeURIComponent(id));
    current = null;
    shown = new Set();
    lastEventId = 0;
    $("empty").hidden = true;
    $("open").hidden = false;
    $("transcript").replaceChildren();
    setHeader(data);
    for (const event of data.events) addEvent(event);
    renderSide(data);
    loadDrafts();
    await markRead(); // before the list reloads, so its unread count is already cleared
    refreshList();
  }

  function renderSide(data) {
    const cart = $("cart");
    cart.replaceChildren();
    if (!data.cart.length) cart.append(el("li", { class: "muted", text: "Empty" }));
    for (const line of data.cart) {
      const variant = [line.color, line.size ? `size ${line.size}` : null].filter(Boolean).join(", ");
      cart.append(el("li", { text: `${line.quantity} × ${line.title}${variant ? ` (${variant})` : ""}` }));
    }
    const viewed = $("viewed");
    viewed.replaceChildren();
    if (!data.viewed.length) viewed.append(el("li", { class: "muted", text: "None yet" }));
    for (const card of data.viewed) viewed.append(cardNode(card, shareButton(card)));
  }

  async function loadDrafts() {
    const list = $("drafts");
    list.replaceChildren();
    if (!current) return;
    const drafts = await api(`conversations/${encodeURIComponent(current.id)}/drafts`).catch(() => []);
    for (const draft of drafts) {
      list.append(el("li", {}, el("button", {
        type: "button", class: "draft", text: draft.text,
        onclick: () => { $("reply").value = draft.text; $("reply").focus(); },
      })));
    }
  }

  function markRead() {
    if (!current || !lastEventId) return Promise.resolve();
    return api(`conversations/${encodeURIComponent(current.id)}/read`, { event_id: lastEventId }).catch(() => {});
  }

  async function act(action, body) {
    showError(null);
    try {
      const result = await api(`conversations/${encodeURIComponent(current.id)}/${action}`, body || {});
      if (result.mode) setHeader(result);
      else if (result.id) addEvent(result);
      refreshList();
      return result;
    } catch (error) { showError(error); }
  }

  function shareButton(card) {
    return el("button", {
      type: "button", class: "share", text: "Share", "aria-label": `Share ${card.title}`,
      onclick: () => act("share", { product_id: card.id }),
    });
  }

  // -- live updates -------------------------------------------------------------------------------

  function connect(delay) {
    const socket = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/agent/ws`);
    socket.onopen = () => { delay = 500; $("presence").textContent = "Live"; loadList().catch(showError); };
    socket.onmessage = (message) => {
      const frame = JSON.parse(message.data);
      if (frame.type !== "update") return;
      if (current && frame.conversation.id === current.id) {
        setHeader(frame.conversation);
        if (frame.event) {
          addEvent(frame.event);
          if (frame.event.role === "user") { loadDrafts(); markRead(); }
        }
      }
      refreshList();
    };
    socket.onclose = () => {
      $("presence").textContent = "Reconnecting…";
      setTimeout(() => connect(Math.min(delay * 2, 10000)), delay);
    };
  }

  // -- wiring -------------------------------------------------------------------------------------

  $("take").addEventListener("click", () => act("take"));
  $("release").addEventListener("click", () => act("release"));
  $("close").addEventListener("click", () => act("close"));
  $("reply-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const text = $("reply").value.trim();
    if (!text) return;
    const sent = await act("reply", { text });
    if (sent) $("reply").value = "";
  });
  $("reply").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); $("reply-form").requestSubmit(); }
  });
  $("search-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const results = $("results");
    results.replaceChildren();
    const cards = await api("search?q=" + encodeURIComponent($("search").value)).catch((error) => { showError(error); return []; });
    if (!cards.length) results.append(el("li", { class: "muted", text: "No products found" }));
    for (const card of cards) results.append(cardNode(card, current ? shareButton(card) : null));
  });
  setInterval(refreshList, 15000); // wait times keep counting between updates

  api("me").then((who) => {
    me = who.agent;
    $("me").textContent = `Signed in as ${who.agent}`;
    connect(500);
  }).catch(showError);
})();
